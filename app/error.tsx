"use client";

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main role="alert" className="mx-auto mt-16 max-w-lg p-6 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">The page could not be loaded{error.digest ? ` (reference ${error.digest})` : ""}. Try again in a moment.</p>
      <button onClick={reset} className="mt-4 rounded bg-brand-600 px-4 py-2 text-white hover:bg-brand-700">
        Try again
      </button>
    </main>
  );
}

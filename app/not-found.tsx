export default function NotFound() {
  return (
    <main className="mx-auto mt-16 max-w-lg p-6 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">There is nothing at this address, or it no longer exists.</p>
      <a href="/dashboard" className="mt-4 inline-block text-brand-700 underline">
        Back to your dashboard
      </a>
    </main>
  );
}

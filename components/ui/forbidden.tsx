export function Forbidden({ message }: { message: string }) {
  return (
    <div role="alert" className="mx-auto mt-12 max-w-lg rounded-lg border border-rose-200 bg-rose-50 p-6 text-rose-900">
      <h1 className="text-lg font-semibold">Access denied</h1>
      <p className="mt-2 text-sm">{message}</p>
      <a href="/dashboard" className="mt-4 inline-block text-sm font-medium text-rose-800 underline">
        Back to your dashboard
      </a>
    </div>
  );
}

export default function ForbiddenPage() {
  return (
    <div role="alert" className="mx-auto mt-12 max-w-lg rounded-lg border border-rose-200 bg-rose-50 p-6 text-rose-900">
      <h1 className="text-lg font-semibold">Access denied</h1>
      <p className="mt-2 text-sm">
        You do not have permission to see this page. People see their own access; managers see their reporting line; application owners see
        their applications; admins, security and auditors see the organisation.
      </p>
      <a href="/dashboard" className="mt-4 inline-block text-sm font-medium text-rose-800 underline">
        Back to your dashboard
      </a>
    </div>
  );
}

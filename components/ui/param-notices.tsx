/** Notices about search parameters a page could not use (an unknown status, a page out of range): shown, never an error. */
export function ParamNotices({ notices }: { notices: string[] }) {
  if (!notices.length) return null;
  return (
    <div role="note" aria-label="Ignored parameters" className="mb-3 rounded border border-amber-200 bg-amber-50 p-2 text-sm text-amber-900">
      {notices.map((n) => (
        <p key={n}>{n}</p>
      ))}
    </div>
  );
}

/** Server-rendered pagination: plain links that keep the current filters. */
export function Pagination({ page, pageSize, total, params, basePath }: { page: number; pageSize: number; total: number; params: Record<string, string | undefined>; basePath: string }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) sp.set(k, v);
    sp.set("page", String(p));
    return `${basePath}?${sp.toString()}`;
  };
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label="Pagination" className="mt-4 flex items-center justify-between text-sm text-slate-600">
      <span>
        {from}–{to} of {total.toLocaleString("en-US")}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <a className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={href(page - 1)} rel="prev">
            Previous
          </a>
        ) : null}
        <span aria-current="page" className="px-2 py-1">
          Page {page} of {pages}
        </span>
        {page < pages ? (
          <a className="rounded border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50" href={href(page + 1)} rel="next">
            Next
          </a>
        ) : null}
      </span>
    </nav>
  );
}

"use client";
/**
 * The scope preview of a campaign before it is launched (lib/services/reviews/scope-preview.ts): how many items it
 * will hold, per application and per reviewer. Shared by the first campaign ("Review all existing access"), the
 * admins' new-campaign form and a manager's team review. `useLivePreview` keeps a preview in step with a form: once
 * asked for, it follows the form's scope (debounced) and says whether what is shown is the preview of what the form
 * holds now, so a launch never sends totals of another scope.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ScopePreview } from "@/lib/services/reviews/scope-preview";
import { api } from "./keys";

const cell = "p-1.5";

export function ScopePreviewTables({ preview, orphans = true, adopted = true, live = false }: {
  preview: ScopePreview;
  /** Show the orphan-account columns (campaigns that cover them). */
  orphans?: boolean;
  /** Show the adopted column (the first campaign). */
  adopted?: boolean;
  /** Inside a form that has its own status line: announce politely without a second role=status. */
  live?: boolean;
}) {
  const t = preview.totals;
  const summary = (
    <>
      <strong>{t.items}</strong> access item{t.items === 1 ? "" : "s"}
      {adopted ? ` (${t.adopted} adopted)` : ""}
      {orphans || t.orphans > 0 ? <> and <strong>{t.orphans}</strong> orphan account{t.orphans === 1 ? "" : "s"}</> : null} would be reviewed
      {preview.byReviewer.length > 0 ? `, by ${preview.byReviewer.length} reviewer${preview.byReviewer.length === 1 ? "" : "s"}` : ""}.
    </>
  );
  const showOrphans = orphans || t.orphans > 0;
  return (
    <div className="space-y-3" role="group" aria-label="Scope preview">
      {live ? <p aria-live="polite" data-testid="preview-summary">{summary}</p> : <p role="status" data-testid="preview-summary">{summary}</p>}
      {t.items + t.orphans > 0 && (
        <div className="grid gap-4 md:grid-cols-2">
          <div className="max-h-72 overflow-auto" tabIndex={0} role="region" aria-label="Items per application (scrollable)">
            <table className="w-full border border-slate-200" aria-label="Items per application">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr><th className={cell}>Application</th><th className={cell}>Access items</th>{adopted && <th className={cell}>Adopted</th>}{showOrphans && <th className={cell}>Orphan accounts</th>}</tr>
              </thead>
              <tbody>
                {preview.byApplication.map((a) => (
                  <tr key={a.applicationId} className="border-t border-slate-100">
                    <td className={cell}>{a.name}</td><td className={cell}>{a.items}</td>{adopted && <td className={cell}>{a.adopted}</td>}{showOrphans && <td className={cell}>{a.orphans}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="max-h-72 overflow-auto" tabIndex={0} role="region" aria-label="Items per reviewer (scrollable)">
            <table className="w-full border border-slate-200" aria-label="Items per reviewer">
              <thead className="bg-slate-50 text-left text-slate-600">
                <tr><th className={cell}>Reviewer</th><th className={cell}>Access items</th>{showOrphans && <th className={cell}>Orphan accounts</th>}</tr>
              </thead>
              <tbody>
                {preview.byReviewer.map((r) => (
                  <tr key={r.reviewerId ?? "-"} className="border-t border-slate-100">
                    <td className={cell}>{r.name}</td><td className={cell}>{r.items}</td>{showOrphans && <td className={cell}>{r.orphans}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </div>
  );
}

/**
 * A preview that follows a form: `body` is what the preview endpoint takes (the form's scope), `enabled` turns it on
 * (the form was touched, or Preview was pressed). `current` is the preview of exactly `body` (null while counting or
 * after an error), the one a launch may send as `expected`.
 */
export function useLivePreview(url: string, body: unknown, enabled: boolean, delayMs = 400) {
  const key = JSON.stringify(body);
  const [settled, setSettled] = useState(key);
  useEffect(() => {
    const h = setTimeout(() => setSettled(key), delayMs);
    return () => clearTimeout(h);
  }, [key, delayMs]);
  const q = useQuery({
    queryKey: ["reviews", "preview", url, settled],
    queryFn: () => api<ScopePreview>(url, { method: "POST", body: JSON.parse(settled) }),
    enabled,
    retry: false,
    staleTime: 0,
    placeholderData: keepPreviousData,
    // Counted on a change of scope or on demand only (each count builds the whole campaign in memory).
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    gcTime: 60_000,
  });
  const current = enabled && settled === key && !q.isFetching && !q.isPlaceholderData && !q.error && q.data ? q.data : null;
  return { preview: q.data ?? null, current, counting: enabled && (settled !== key || q.isFetching), error: q.error ? (q.error as Error).message : null, refresh: () => q.refetch() };
}

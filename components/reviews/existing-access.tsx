"use client";
/**
 * "Review all existing access" (admins): the first campaign after onboarding. The button loads the scope preview
 * (items per application and reviewer, orphan accounts included); launching sends the totals the admin saw, and the
 * server refuses if the scope changed meanwhile (a preview equals the run).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ExistingAccessPreview } from "@/lib/services/reviews/existing-access";
import { api, reviewKeys } from "./keys";
import { ScopePreviewTables } from "./scope-preview";

export function ExistingAccessPanel() {
  const qc = useQueryClient();
  const [reviewerKind, setReviewerKind] = useState<"manager" | "app_owner">("manager");
  const [due, setDue] = useState(() => new Date(Date.now() + 21 * 86_400_000).toISOString().slice(0, 10));
  const [preview, setPreview] = useState<ExistingAccessPreview | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const load = useMutation({
    mutationFn: (kind: string) => api<ExistingAccessPreview>(`/api/v1/reviews/existing-access?reviewerKind=${encodeURIComponent(kind)}`),
    onSuccess: (p) => { setPreview(p); setMsg(null); },
    onError: (e) => setMsg({ ok: false, text: (e as Error).message }),
  });
  const launch = useMutation({
    mutationFn: (p: ExistingAccessPreview) =>
      api<{ campaignId: string; name: string }>("/api/v1/reviews/existing-access", {
        method: "POST",
        body: { reviewerKind: p.reviewerKind, dueAt: due, expected: { items: p.totals.items, orphans: p.totals.orphans, token: p.token } },
      }),
    onSuccess: (r) => { setMsg({ ok: true, text: `Launched "${r.name}"; items are being generated.` }); setPreview(null); },
    onError: (e) => setMsg({ ok: false, text: (e as Error).message }),
    onSettled: () => qc.invalidateQueries({ queryKey: reviewKeys.campaigns }),
  });
  const total = preview ? preview.totals.items + preview.totals.orphans : 0;
  return (
    <section aria-labelledby="existing-h" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <h2 id="existing-h" className="text-lg font-semibold">First campaign: review all existing access</h2>
      <p className="text-slate-700">
        After onboarding, every grant Gatehouse adopted from the connected systems is reviewed once (items say &ldquo;Existing access, adopted on
        &lt;date&gt;&rdquo;), and every account that matches no person goes to its application&apos;s owner (an administrator where there is none) to
        link, keep as a service account, or disable. Nothing is removed unless a reviewer decides it.
      </p>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col">Grants reviewed by
          <select value={reviewerKind} onChange={(e) => { setReviewerKind(e.target.value as "manager" | "app_owner"); setPreview(null); }} className="mt-1 rounded border border-slate-300 px-2 py-1">
            <option value="manager">Managers</option><option value="app_owner">Application owners</option>
          </select>
        </label>
        <label className="flex flex-col">Due date<input type="date" value={due} onChange={(e) => setDue(e.target.value)} className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
        <button type="button" onClick={() => load.mutate(reviewerKind)} disabled={load.isPending} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {load.isPending ? "Counting…" : "Review all existing access"}
        </button>
      </div>
      {preview && (
        <div className="space-y-3">
          <ScopePreviewTables preview={preview} />
          <button type="button" disabled={launch.isPending || total === 0} onClick={() => launch.mutate(preview)} className="rounded-md bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800 disabled:opacity-60">
            {launch.isPending ? "Launching…" : `Launch the campaign (${total} items)`}
          </button>
        </div>
      )}
      {msg && <p role={msg.ok ? "status" : "alert"} className={msg.ok ? "text-emerald-700" : "text-rose-700"}>{msg.text}</p>}
    </section>
  );
}

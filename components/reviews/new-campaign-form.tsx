"use client";
/**
 * The admins' new-campaign form. Once touched, it previews its scope (items per application and per reviewer, by
 * the code generation runs) and keeps the preview in step with the fields; "Create and launch" sends the totals and
 * token it shows, and the server refuses (409) if the access in scope changed since, in which case the preview is
 * counted again. The fields are never reset by a preview, a refusal or a launch (submit handled in onSubmit, not
 * as a form action: React 19 resets forms after an action).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, reviewKeys } from "./keys";
import { ScopePreviewTables, useLivePreview } from "./scope-preview";

type Scope = { applicationIds?: string[]; departments?: string[]; idpGroups?: string[]; privilegedOnly?: boolean };
type PreviewBody = { scope: Scope; reviewerKind: string };

const list = (v: FormDataEntryValue | null) => String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean);

/** The part of the form that decides which items exist and who reviews them. */
function previewBodyOf(form: HTMLFormElement): PreviewBody {
  const f = new FormData(form);
  const apps = f.getAll("applicationIds").map(String).filter(Boolean);
  const departments = list(f.get("departments"));
  const idpGroups = list(f.get("idpGroups"));
  return {
    reviewerKind: String(f.get("reviewerKind") ?? "manager"),
    scope: { ...(apps.length ? { applicationIds: apps } : {}), ...(departments.length ? { departments } : {}), ...(idpGroups.length ? { idpGroups } : {}), ...(f.get("privilegedOnly") ? { privilegedOnly: true } : {}) },
  };
}

export function NewCampaignForm({ applications }: { applications: Array<{ id: string; name: string }> }) {
  const qc = useQueryClient();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [body, setBody] = useState<PreviewBody>({ reviewerKind: "manager", scope: {} });
  const [touched, setTouched] = useState(false);
  const live = useLivePreview("/api/v1/reviews/preview", body, touched);
  const create = useMutation({
    mutationFn: (b: unknown) => api<{ campaign: { name: string } }>("/api/v1/reviews", { method: "POST", body: b }),
    onSuccess: (r) => setMsg({ ok: true, text: `Launched "${r.campaign.name}"; items are being generated.` }),
    onError: (e) => {
      setMsg({ ok: false, text: (e as Error).message });
      void live.refresh(); // the scope changed: count again, so the next launch sends the new totals
    },
    onSettled: () => qc.invalidateQueries({ queryKey: reviewKeys.campaigns }),
  });
  const defaultDue = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  const formRef = useRef<HTMLFormElement>(null);
  const sync = (form: HTMLFormElement) => {
    setTouched(true);
    const next = previewBodyOf(form);
    setBody((prev) => (JSON.stringify(next) === JSON.stringify(prev) ? prev : next));
  };
  const onChange = (e: FormEvent<HTMLFormElement>) => sync(e.currentTarget);
  // Fields filled before the page became interactive raised no change event: count what the form holds now.
  useEffect(() => {
    const f = formRef.current;
    if (f && String(new FormData(f).get("name") ?? "") !== "") sync(f);
  }, []);
  const p = live.current;
  const total = p ? p.totals.items + p.totals.orphans : 0;
  return (
    <form
      ref={formRef}
      aria-label="New campaign"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-2"
      onChange={onChange}
      onFocus={(e) => sync(e.currentTarget)}
      onSubmit={(e) => {
        e.preventDefault();
        if (!p) return;
        const f = new FormData(e.currentTarget);
        create.mutate({
          name: f.get("name"),
          reviewerKind: body.reviewerKind,
          defaultDecision: f.get("defaultDecision"),
          recurrence: f.get("recurrence") ?? "none",
          secondStage: f.get("secondStage") ?? "none",
          dueAt: new Date(`${f.get("dueAt")}T23:59:59Z`).toISOString(),
          scope: body.scope,
          launch: true,
          expected: { items: p.totals.items, orphans: p.totals.orphans, token: p.token },
        });
      }}
    >
      <h2 className="text-lg font-semibold sm:col-span-2">New campaign</h2>
      <label className="flex flex-col">Name<input name="name" required minLength={3} className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
      <label className="flex flex-col">Due date<input name="dueAt" type="date" required defaultValue={defaultDue} className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
      <label className="flex flex-col">Reviewers
        <select name="reviewerKind" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="manager">Managers</option><option value="app_owner">Application owners</option><option value="entitlement_owner">Entitlement owners</option>
        </select>
      </label>
      <label className="flex flex-col">If nobody decides by the due date
        <select name="defaultDecision" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="keep">Keep</option><option value="recommendation">Follow the recommendation</option><option value="revoke">Revoke</option>
        </select>
      </label>
      <label className="flex flex-col">Repeat
        <select name="recurrence" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="none">Once</option><option value="quarterly">Every quarter</option>
        </select>
      </label>
      <label className="flex flex-col">Second stage
        <select name="secondStage" className="mt-1 rounded border border-slate-300 px-2 py-1">
          <option value="none">None</option><option value="security">Security confirms kept privileged access</option>
        </select>
      </label>
      <label className="flex flex-col">Applications (none = all)
        <select name="applicationIds" multiple size={4} className="mt-1 rounded border border-slate-300 px-2 py-1">
          {applications.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </label>
      <div className="space-y-2">
        <label className="flex flex-col">Departments (comma-separated, empty = all)<input name="departments" className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
        <label className="flex flex-col">IdP groups (comma-separated, empty = all)<input name="idpGroups" className="mt-1 rounded border border-slate-300 px-2 py-1" /></label>
        <label className="flex items-center gap-2"><input type="checkbox" name="privilegedOnly" /> Privileged access only</label>
      </div>
      <div className="sm:col-span-2">
        {!touched ? (
          <p className="text-slate-600">Fill in the form: the number of items the campaign will hold is counted before you launch it.</p>
        ) : live.error ? (
          <p role="alert" className="text-rose-700">Could not count the items in scope: {live.error}</p>
        ) : live.preview ? (
          <div className={live.counting ? "opacity-60" : undefined}><ScopePreviewTables preview={live.preview} adopted={false} orphans={live.preview.totals.orphans > 0} live /></div>
        ) : null}
        {live.counting && <p className="text-slate-600" aria-live="polite">Counting the items in scope…</p>}
      </div>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
        <button disabled={create.isPending || !p || total === 0} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {create.isPending ? "Launching…" : p ? `Create and launch (${total} items)` : "Create and launch"}
        </button>
        {p && total === 0 && <span className="text-slate-700">Nothing in this scope to review.</span>}
        {msg && <span role={msg.ok ? "status" : "alert"} className={msg.ok ? "text-emerald-700" : "text-rose-700"}>{msg.text}</span>}
      </div>
    </form>
  );
}

"use client";
import { useActionState, useState } from "react";
import type { SaveSystemState, TestSystemState } from "./actions";

type SaveAction = (prev: SaveSystemState, form: FormData) => Promise<SaveSystemState>;
type TestAction = (prev: TestSystemState, form: FormData) => Promise<TestSystemState>;

const SECRET_FIELDS: Record<string, Array<{ name: string; label: string }>> = {
  scim: [{ name: "token", label: "Bearer token" }],
  ldap: [{ name: "bindPassword", label: "Bind password" }],
  postgres: [
    { name: "url", label: "Connection URL (may include the password)" },
    { name: "password", label: "Password" },
  ],
  manual: [],
};
const CONFIG_HINT: Record<string, string> = {
  scim: '{ "baseUrl": "https://app.example.com/scim/v2" }',
  ldap: '{ "url": "ldaps://ldap.example.com", "bindDn": "cn=gatehouse,dc=example,dc=com", "baseDn": "dc=example,dc=com" }',
  postgres: '{ "prefix": "gh_" }',
  manual: '{ "slaHours": 48, "instructions": "…" }',
};

export type SystemFormValues = {
  id?: string;
  key: string;
  name: string;
  description: string;
  connectorKind: string;
  config: string;
  secretsSet: string[];
  criticality: string;
  deprovisionAction: string;
  retentionDays: number;
  reconcilePolicy: string;
};

const input = "mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm";
const labelCls = "flex flex-col text-sm font-medium text-slate-700";

/** Edit form. Secret inputs are write-only: they start empty, and an empty one keeps the stored secret. */
export function SystemForm({ values, save, test }: { values: SystemFormValues; save: SaveAction; test: TestAction }) {
  const [saved, saveAction, saving] = useActionState(save, null);
  const [tested, testAction, testing] = useActionState(test, null);
  const [kind, setKind] = useState(values.connectorKind);
  const err = (f: string) => saved?.fields?.[f];
  return (
    <form action={saveAction} className="grid max-w-3xl gap-4">
      {values.id && <input type="hidden" name="id" value={values.id} />}
      <div className="grid gap-4 sm:grid-cols-2">
        <label className={labelCls}>
          Key
          <input name="key" required defaultValue={values.key} className={input} aria-invalid={Boolean(err("key"))} />
          {err("key") && <span className="text-xs text-rose-700">{err("key")}</span>}
        </label>
        <label className={labelCls}>
          Name
          <input name="name" required defaultValue={values.name} className={input} />
        </label>
      </div>
      <label className={labelCls}>
        Description
        <input name="description" defaultValue={values.description} className={input} />
      </label>
      <label className={labelCls}>
        Connector
        <select name="connectorKind" value={kind} onChange={(e) => setKind(e.target.value)} className={input}>
          <option value="scim">SCIM 2.0</option>
          <option value="ldap">LDAP directory</option>
          <option value="postgres">PostgreSQL roles</option>
          <option value="manual">Manual (tasks for the owner)</option>
        </select>
      </label>
      <label className={labelCls}>
        Configuration (JSON, no secrets)
        <textarea name="config" rows={5} defaultValue={values.config} placeholder={CONFIG_HINT[kind]} className={`${input} font-mono`} />
        {err("config") && <span className="text-xs text-rose-700">{err("config")}</span>}
      </label>
      {(SECRET_FIELDS[kind] ?? []).length > 0 && (
        <fieldset className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">Secrets (write-only)</legend>
          {(SECRET_FIELDS[kind] ?? []).map((s) => {
            const set = values.connectorKind === kind && values.secretsSet.includes(s.name);
            return (
              <label key={s.name} className={`${labelCls} mb-2`}>
                {s.label}
                <input type="password" name={`secret.${s.name}`} autoComplete="new-password" placeholder={set ? "•••••• stored — leave empty to keep" : "not set"} className={input} />
              </label>
            );
          })}
        </fieldset>
      )}
      <div className="grid gap-4 sm:grid-cols-4">
        <label className={labelCls}>
          Criticality
          <select name="criticality" defaultValue={values.criticality} className={input}>
            {["low", "medium", "high", "critical"].map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label className={labelCls}>
          Leavers
          <select name="deprovisionAction" defaultValue={values.deprovisionAction} className={input}>
            <option value="disable">disable</option>
            <option value="delete">delete</option>
          </select>
        </label>
        <label className={labelCls}>
          Retention (days)
          <input name="retentionDays" type="number" min={0} defaultValue={values.retentionDays} className={input} />
        </label>
        <label className={labelCls}>
          Reconciliation
          <select name="reconcilePolicy" defaultValue={values.reconcilePolicy} className={input}>
            <option value="report">report drift</option>
            <option value="remediate">remediate drift</option>
          </select>
        </label>
      </div>
      <div className="flex flex-wrap gap-3">
        <button disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {saving ? "Saving…" : "Save"}
        </button>
        <button formAction={testAction} disabled={testing} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
          {testing ? "Testing…" : "Test connection"}
        </button>
      </div>
      {saved && (
        <p role={saved.ok ? "status" : "alert"} className={`rounded border p-3 text-sm ${saved.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-rose-200 bg-rose-50 text-rose-800"}`}>
          {saved.message} {saved.ok && saved.id && !values.id && <a className="underline" href={`/admin/systems/${saved.id}`}>Open it</a>}
        </p>
      )}
      {tested && (
        <p role="status" aria-label="Connection test result" className={`rounded border p-3 text-sm ${tested.ok ? "border-emerald-200 bg-emerald-50 text-emerald-900" : "border-amber-200 bg-amber-50 text-amber-900"}`}>
          {tested.ok ? "Connection OK: " : "Connection failed: "}
          {tested.message}
        </p>
      )}
    </form>
  );
}

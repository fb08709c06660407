"use client";
import { useActionState, useState } from "react";
import { CONFIG_FIELDS, CONNECTOR_LABELS, SECRET_FORM_FIELDS, configOfFields, fieldsOfConfig, isFormKind, type FormKind } from "@/lib/domain/connector-fields";
import { submitKeepingValues } from "@/components/forms/submit-keeping-values";
import type { SaveSystemState, TestSystemState } from "./actions";

type SaveAction = (prev: SaveSystemState, form: FormData) => Promise<SaveSystemState>;
type TestAction = (prev: TestSystemState, form: FormData) => Promise<TestSystemState>;

export type SystemFormValues = {
  id?: string;
  key: string;
  name: string;
  description: string;
  connectorKind: string;
  /** The stored configuration as the typed form's text fields (lib/domain/connector-fields.ts fieldsOfConfig). */
  configFields: Record<string, string>;
  /** The stored configuration as JSON (the "Advanced" editor). */
  config: string;
  /** Start in the JSON editor: the configuration holds keys the typed form cannot show. */
  advanced: boolean;
  /** Names of the secrets that hold a value (never the values). */
  secretsSet: string[];
  criticality: string;
  deprovisionAction: string;
  retentionDays: number;
  leaverPolicy: string;
  reconcilePolicy: string;
};

const input = "mt-1 rounded-md border border-slate-300 px-3 py-2 text-sm";
const labelCls = "flex flex-col text-sm font-medium text-slate-700";

/**
 * Edit form of a connected system. Every field is controlled (React 19 resets uncontrolled fields after a form
 * action), so "Test connection" and a refused save keep everything typed, secrets included. The configuration is
 * a typed form per connector (JSON only under "Advanced"). Secrets are write-only: the server only says which are
 * stored ("stored, type to replace"); an empty secret field keeps the stored value, and a changed address needs
 * the secrets typed again (lib/services/systems/config.ts storedSecretsFor).
 */
export function SystemForm({ values, save, test }: { values: SystemFormValues; save: SaveAction; test: TestAction }) {
  const [f, setF] = useState({
    key: values.key, name: values.name, description: values.description, connectorKind: values.connectorKind,
    criticality: values.criticality, deprovisionAction: values.deprovisionAction, retentionDays: String(values.retentionDays),
    leaverPolicy: values.leaverPolicy, reconcilePolicy: values.reconcilePolicy,
  });
  // Typed configuration per connector kind: switching the connector and back keeps what was typed for each.
  const [cfg, setCfg] = useState<Record<string, Record<string, string>>>({ [values.connectorKind]: values.configFields });
  const [advanced, setAdvanced] = useState(values.advanced);
  const [json, setJson] = useState(values.config);
  const [modeError, setModeError] = useState("");
  // What the admin typed into secret fields (never filled from the server), per kind.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [saved, saveAction, saving] = useActionState(async (prev: SaveSystemState, fd: FormData) => {
    const r = await save(prev, fd);
    if (r?.ok) setSecrets({}); // stored now: the fields go back to "stored, type to replace"
    return r;
  }, null);
  const [tested, testAction, testing] = useActionState(test, null);
  const kind = f.connectorKind;
  const formKind: FormKind | null = isFormKind(kind) ? kind : null;
  const fields = formKind ? CONFIG_FIELDS[formKind] : [];
  const secretFields = formKind ? SECRET_FORM_FIELDS[formKind] : [];
  const typed = cfg[kind] ?? {};
  const err = (name: string) => (saved && !saved.ok ? saved.fields?.[name] : undefined);
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((v) => ({ ...v, [k]: e.target.value }));

  function toggleAdvanced(on: boolean) {
    setModeError("");
    if (on) {
      setJson(JSON.stringify(configOfFields(kind, typed), null, 2));
      setAdvanced(true);
      return;
    }
    let parsed: unknown;
    try {
      parsed = json.trim() ? JSON.parse(json) : {};
    } catch {
      setModeError("The JSON does not parse: fix it or keep editing it as JSON.");
      return;
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      setModeError("The configuration must be a JSON object.");
      return;
    }
    const { values: v, unknownKeys } = fieldsOfConfig(kind, parsed as Record<string, unknown>);
    if (unknownKeys.length) {
      setModeError(`The form has no field for ${unknownKeys.map((k) => `"${k}"`).join(", ")}: keep editing it as JSON.`);
      return;
    }
    setCfg((c) => ({ ...c, [kind]: v }));
    setAdvanced(false);
  }

  return (
    <form onSubmit={submitKeepingValues((fd, by) => (by?.dataset.intent === "test" ? testAction(fd) : saveAction(fd)))} className="grid max-w-3xl gap-4">
      {values.id && <input type="hidden" name="id" value={values.id} />}
      <input type="hidden" name="configMode" value={advanced ? "json" : "fields"} />
      <div className="grid gap-4 sm:grid-cols-2">
        <label className={labelCls}>
          Key
          <input name="key" required value={f.key} onChange={set("key")} className={input} aria-invalid={Boolean(err("key"))} />
          {err("key") && <span className="text-xs text-rose-700">{err("key")}</span>}
        </label>
        <label className={labelCls}>
          Name
          <input name="name" required value={f.name} onChange={set("name")} className={input} aria-invalid={Boolean(err("name"))} />
          {err("name") && <span className="text-xs text-rose-700">{err("name")}</span>}
        </label>
      </div>
      <label className={labelCls}>
        Description
        <input name="description" value={f.description} onChange={set("description")} className={input} />
      </label>
      <label className={labelCls}>
        Connector
        <select name="connectorKind" value={kind} onChange={(e) => { setModeError(""); set("connectorKind")(e); }} className={input}>
          {(["scim", "ldap", "postgres", "manual"] as const).map((k) => <option key={k} value={k}>{CONNECTOR_LABELS[k]}</option>)}
          {values.connectorKind === "demo" && <option value="demo">{CONNECTOR_LABELS.demo}</option>}
        </select>
      </label>

      <fieldset className="rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-700">Configuration ({CONNECTOR_LABELS[formKind ?? "manual"]})</legend>
        {!advanced && kind === "demo" && (
          <p className="text-sm text-slate-600">
            A demo application: a real SCIM 2.0 service served by the portal itself (/api/demo-apps/{f.key || values.key}/scim/v2), with a token derived from the portal&apos;s secret key. Nothing to configure; test it like any SCIM target.
          </p>
        )}
        {!advanced && (
          <div className="grid gap-3 sm:grid-cols-2">
            {fields.map((c) => {
              const id = `config-${c.key}`;
              const common = {
                id, name: `config.${c.key}`, value: typed[c.key] ?? "", placeholder: c.placeholder, required: c.required,
                "aria-invalid": Boolean(err(`config.${c.key}`)),
                onChange: (e: { target: { value: string } }) => setCfg((all) => ({ ...all, [kind]: { ...(all[kind] ?? {}), [c.key]: e.target.value } })),
              };
              return (
                <label key={c.key} htmlFor={id} className={`${labelCls} ${c.type === "textarea" ? "sm:col-span-2" : ""}`}>
                  {c.label}
                  {c.type === "textarea" ? (
                    <textarea rows={3} className={input} {...common} />
                  ) : (
                    <input type="text" inputMode={c.type === "number" ? "numeric" : undefined} className={input} {...common} />
                  )}
                  {err(`config.${c.key}`) && <span className="text-xs text-rose-700">{err(`config.${c.key}`)}</span>}
                </label>
              );
            })}
          </div>
        )}
        {advanced && (
          <label className={labelCls}>
            Configuration (JSON, no secrets)
            <textarea name="config" rows={6} value={json} onChange={(e) => setJson(e.target.value)} className={`${input} font-mono`} aria-invalid={Boolean(err("config"))} />
            {err("config") && <span className="text-xs text-rose-700">{err("config")}</span>}
          </label>
        )}
        <label className="mt-3 flex items-center gap-2 text-xs text-slate-600">
          <input type="checkbox" checked={advanced} onChange={(e) => toggleAdvanced(e.target.checked)} />
          Advanced: edit the configuration as JSON
        </label>
        {modeError && <p role="alert" className="mt-1 text-xs text-rose-700">{modeError}</p>}
      </fieldset>

      {secretFields.length > 0 && (
        <fieldset className="rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-medium text-slate-700">Secrets (write-only)</legend>
          <p className="mb-2 text-xs text-slate-600">Stored secrets are never shown and only sent to the address they were saved for: if you change the host, scheme or port, enter them again.</p>
          {secretFields.map((s) => {
            const stored = values.connectorKind === kind && values.secretsSet.includes(s.key);
            const k = `${kind}.${s.key}`;
            return (
              <label key={s.key} className={`${labelCls} mb-2`}>
                {s.label}
                <input
                  type="password" name={`secret.${s.key}`} autoComplete="new-password" value={secrets[k] ?? ""}
                  onChange={(e) => setSecrets((v) => ({ ...v, [k]: e.target.value }))}
                  placeholder={stored ? "stored, type to replace" : "not set"} className={input} aria-invalid={Boolean(err(`secrets.${s.key}`))}
                />
                {err(`secrets.${s.key}`) && <span className="text-xs text-rose-700">{err(`secrets.${s.key}`)}</span>}
              </label>
            );
          })}
        </fieldset>
      )}
      <div className="grid gap-4 sm:grid-cols-4">
        <label className={labelCls}>
          Criticality
          <select name="criticality" value={f.criticality} onChange={set("criticality")} className={input}>
            {["low", "medium", "high", "critical"].map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label className={labelCls}>
          Leavers
          <select name="deprovisionAction" value={f.deprovisionAction} onChange={set("deprovisionAction")} className={input}>
            <option value="disable">disable</option>
            <option value="delete">delete</option>
          </select>
        </label>
        <label className={labelCls}>
          Group memberships on leaving
          <select name="leaverPolicy" value={f.leaverPolicy} onChange={set("leaverPolicy")} className={input}>
            <option value="disable_and_remove_memberships">removed when disabled</option>
            <option value="disable">kept until deleted</option>
          </select>
        </label>
        <label className={labelCls}>
          Retention (days)
          <input name="retentionDays" type="number" min={0} value={f.retentionDays} onChange={set("retentionDays")} className={input} />
        </label>
        <label className={labelCls}>
          Reconciliation
          <select name="reconcilePolicy" value={f.reconcilePolicy} onChange={set("reconcilePolicy")} className={input}>
            <option value="report">report drift</option>
            <option value="remediate">remediate drift</option>
          </select>
        </label>
      </div>
      <div className="flex flex-wrap gap-3">
        <button disabled={saving} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {saving ? "Saving…" : "Save"}
        </button>
        <button data-intent="test" formNoValidate disabled={testing} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-60">
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

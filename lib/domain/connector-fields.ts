/**
 * The typed form of a connected system's configuration, per connector kind: which fields an admin fills in
 * (labels, hints, which are numbers), which are secrets, and the two conversions between a stored configuration
 * object and the form's text fields. The connector factory (lib/connectors/index.ts) stays the judge of what is
 * valid; this module only decides how the form shows it. Keys the form does not know are never dropped: a
 * configuration holding one is edited as JSON ("Advanced").
 * Pure: no framework, no I/O (used by the client form and the server action alike).
 */

export type ConfigField = {
  key: string;
  label: string;
  type: "text" | "url" | "number" | "textarea";
  required?: boolean;
  placeholder?: string;
  hint?: string;
};

export type SecretField = { key: string; label: string; hint?: string };

export type FormKind = "scim" | "ldap" | "postgres" | "manual" | "demo";

export const CONNECTOR_LABELS: Record<FormKind, string> = {
  scim: "SCIM 2.0",
  ldap: "LDAP directory",
  postgres: "PostgreSQL roles",
  manual: "Manual (tasks for the owner)",
  demo: "Demo application (SCIM 2.0 served by the portal)",
};

const timeout: ConfigField = { key: "timeoutMs", label: "Timeout (ms)", type: "number", placeholder: "15000" };

export const CONFIG_FIELDS: Record<FormKind, ConfigField[]> = {
  scim: [
    { key: "baseUrl", label: "Base URL", type: "url", required: true, placeholder: "https://app.example.com/scim/v2" },
    { key: "pageSize", label: "Page size (users and groups per request)", type: "number", placeholder: "100" },
    timeout,
  ],
  ldap: [
    { key: "url", label: "Server URL", type: "url", required: true, placeholder: "ldaps://ldap.example.com" },
    { key: "bindDn", label: "Bind DN", type: "text", required: true, placeholder: "cn=gatehouse,dc=example,dc=com" },
    { key: "baseDn", label: "Base DN", type: "text", required: true, placeholder: "dc=example,dc=com" },
    { key: "usersOu", label: "Users OU", type: "text", placeholder: "ou=people" },
    { key: "groupsOu", label: "Groups OU", type: "text", placeholder: "ou=groups" },
    { key: "disabledOu", label: "Disabled users OU", type: "text", placeholder: "ou=disabled" },
    { key: "placeholderDn", label: "Placeholder member DN (for groups that cannot be empty)", type: "text", placeholder: "cn=nobody,dc=example,dc=com" },
    timeout,
  ],
  postgres: [
    { key: "url", label: "Connection URL without password (or store the whole URL as a secret below)", type: "url", placeholder: "postgres://gatehouse@db.example.com:5432/app" },
    { key: "prefix", label: "Role prefix (only roles with it are managed)", type: "text", required: true, placeholder: "gh_" },
    { key: "groupPrefix", label: "Group role prefix", type: "text", placeholder: "gh_grp_" },
    timeout,
  ],
  manual: [
    { key: "slaHours", label: "SLA (hours)", type: "number", placeholder: "48" },
    { key: "graceHours", label: "Grace period (hours)", type: "number", placeholder: "0" },
    { key: "instructions", label: "Instructions for the owner", type: "textarea", placeholder: "Remove the user in the admin console, then confirm here." },
  ],
  demo: [],
};

export const SECRET_FORM_FIELDS: Record<FormKind, SecretField[]> = {
  scim: [{ key: "token", label: "Bearer token" }],
  ldap: [{ key: "bindPassword", label: "Bind password" }],
  postgres: [
    { key: "url", label: "Connection URL with password (optional)" },
    { key: "password", label: "Password" },
  ],
  manual: [],
  demo: [],
};

export const isFormKind = (k: string): k is FormKind => Object.hasOwn(CONFIG_FIELDS, k); // not "constructor", "__proto__"…

/** The form's text fields for a stored configuration, and whether it holds keys the typed form cannot show. */
export function fieldsOfConfig(kind: string, config: Record<string, unknown>): { values: Record<string, string>; unknownKeys: string[] } {
  const fields = isFormKind(kind) ? CONFIG_FIELDS[kind] : [];
  const values: Record<string, string> = {};
  const unknownKeys: string[] = [];
  for (const [k, v] of Object.entries(config ?? {})) {
    if (kind === "demo" && k === "demo") continue; // the demo organisation's marker, kept by configOfFields
    const f = fields.find((x) => x.key === k);
    if (!f || (v !== null && typeof v === "object")) {
      unknownKeys.push(k);
      continue;
    }
    values[k] = v === null || v === undefined ? "" : String(v);
  }
  return { values, unknownKeys };
}

/** A configuration object from the form's text fields: empty fields left out, number fields as numbers when they are. */
export function configOfFields(kind: string, values: Record<string, string>): Record<string, unknown> {
  const fields = isFormKind(kind) ? CONFIG_FIELDS[kind] : [];
  const out: Record<string, unknown> = kind === "demo" ? { demo: true } : {};
  for (const f of fields) {
    const raw = (values[f.key] ?? "").trim();
    if (!raw) continue;
    // A number field that is not a number stays text: the connector's validation names the field.
    out[f.key] = f.type === "number" && /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : f.type === "textarea" ? (values[f.key] ?? "") : raw;
  }
  return out;
}

/**
 * What a connected system's configuration may hold, per connector kind, and the read model that leaves the server.
 *
 * Invariants:
 * - secrets are write-only: they are stored encrypted (lib/crypto.ts) and only the NAMES of the fields that are set
 *   ever leave this module (`secretsSet`);
 * - a configuration is validated by the connector factory itself (the same zod schemas the worker uses), so what
 *   is stored is what the worker can build; a refusal stores nothing;
 * - messages never echo a secret value (scrub() replaces any secret that a target's error text might contain).
 */
import type { Application } from "@/db/schema";
import { createConnector } from "@/lib/connectors";
import { ManualConnector, parseManualConfig } from "@/lib/connectors/manual";
import { decryptSecrets } from "@/lib/crypto";
import { ConnectorError, type Connector } from "@/lib/domain/connector";
import { ValidationError } from "@/lib/errors";

export const SYSTEM_KINDS = ["scim", "ldap", "postgres", "manual"] as const;
export type SystemKind = (typeof SYSTEM_KINDS)[number];
/** The kinds a saved system may have: the demo organisation's applications keep "demo" (never chosen for a new one). */
export const SAVED_KINDS = [...SYSTEM_KINDS, "demo"] as const;

/** Secret fields per kind: the only keys accepted under `secrets`, and never accepted under `config`. */
export const SECRET_FIELDS: Record<SystemKind | "demo", readonly string[]> = {
  scim: ["token"],
  ldap: ["bindPassword"],
  postgres: ["url", "password"],
  manual: [],
  demo: [],
};
const SECRETISH = /^(token|password|bindpassword|secret|apikey|api_key|clientsecret|client_secret)$/i;

export type SystemView = {
  id: string;
  key: string;
  name: string;
  description: string;
  connectorKind: Application["connectorKind"];
  config: Record<string, unknown>;
  /** Names of the secret fields that hold a value. Never the values. */
  secretsSet: string[];
  criticality: Application["criticality"];
  deprovisionAction: Application["deprovisionAction"];
  retentionDays: number;
  leaverPolicy: Application["leaverPolicy"];
  reconcilePolicy: Application["reconcilePolicy"];
  enabled: boolean;
  lastReconciledAt: Date | null;
  updatedAt: Date;
};

export function toSystemView(a: Application): SystemView {
  let secretsSet: string[] = [];
  try {
    secretsSet = Object.entries(decryptSecrets(a.secretsEncrypted)).filter(([, v]) => typeof v === "string" && v.length > 0).map(([k]) => k).sort();
  } catch {
    secretsSet = []; // unreadable under the current key: shown as unset so the admin re-enters it
  }
  return {
    id: a.id,
    key: a.key,
    name: a.name,
    description: a.description,
    connectorKind: a.connectorKind,
    config: a.config,
    secretsSet,
    criticality: a.criticality,
    deprovisionAction: a.deprovisionAction,
    retentionDays: a.retentionDays,
    leaverPolicy: a.leaverPolicy,
    reconcilePolicy: a.reconcilePolicy,
    enabled: a.enabled,
    lastReconciledAt: a.lastReconciledAt,
    updatedAt: a.updatedAt,
  };
}

/** Replace every secret value found in a message by •••. */
export function scrub(message: string, secrets: Record<string, string>): string {
  let out = message;
  for (const v of Object.values(secrets)) {
    if (typeof v !== "string" || v.length < 3) continue;
    out = out.split(v).join("•••");
    const enc = encodeURIComponent(v);
    if (enc !== v) out = out.split(enc).join("•••");
  }
  return out;
}

/** Stored secrets merged with new ones: an empty or missing field keeps the stored value. */
export function mergeSecrets(kind: string, stored: Record<string, string>, incoming: Record<string, string | null | undefined> = {}): { secrets: Record<string, string>; changed: string[] } {
  const allowed = SECRET_FIELDS[kind as SystemKind] ?? [];
  const unknown = Object.keys(incoming).filter((k) => !allowed.includes(k));
  if (unknown.length) {
    throw new ValidationError(
      allowed.length ? `Unknown secret field ${unknown.map((u) => `"${u}"`).join(", ")} for a ${kind} system (expected ${allowed.join(", ")})` : `A ${kind} system has no secrets (got ${unknown.map((u) => `"${u}"`).join(", ")})`,
      Object.fromEntries(unknown.map((u) => [`secrets.${u}`, "Unknown secret field"])),
    );
  }
  const secrets: Record<string, string> = {};
  for (const k of allowed) if (stored[k]) secrets[k] = stored[k]!;
  const changed: string[] = [];
  for (const [k, v] of Object.entries(incoming)) {
    if (typeof v === "string" && v.length > 0 && v !== stored[k]) {
      secrets[k] = v;
      changed.push(k);
    }
  }
  return { secrets, changed: changed.sort() };
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443", "ldap:": "389", "ldaps:": "636", "postgres:": "5432", "postgresql:": "5432" };

/** The URL a connector of this kind talks to (before validation), or null when none is configured. */
function targetUrl(kind: string, config: Record<string, unknown> | null | undefined, secrets: Record<string, string>): URL | null {
  const c = config ?? {};
  const raw = kind === "scim" ? c.baseUrl : kind === "ldap" ? c.url : kind === "postgres" ? (secrets.url ?? c.url) : undefined;
  if (typeof raw !== "string" || !raw.trim()) return null;
  try {
    return new URL(raw.trim());
  } catch {
    return null;
  }
}

/** scheme://host:port of the system (default ports made explicit), or null: where a stored secret would be sent. */
export function endpointOf(kind: string, config: Record<string, unknown> | null | undefined, secrets: Record<string, string> = {}): string | null {
  const u = targetUrl(kind, config, secrets);
  if (!u) return null;
  const scheme = u.protocol.toLowerCase() === "postgresql:" ? "postgres:" : u.protocol.toLowerCase();
  return `${scheme}//${u.hostname.toLowerCase()}:${u.port || DEFAULT_PORTS[u.protocol.toLowerCase()] || ""}`;
}

/** The target URL without user name, password or query (for the audit log: which address was contacted). */
export function auditableUrl(kind: string, config: Record<string, unknown> | null | undefined, secrets: Record<string, string> = {}): string | null {
  const u = targetUrl(kind, config, secrets);
  if (!u) return null;
  u.username = "";
  u.password = "";
  u.search = "";
  u.hash = "";
  return u.toString();
}

/**
 * The stored secrets this request may use. A stored secret is only ever sent to the endpoint (scheme+host+port) it
 * was saved for: when the configuration points elsewhere, every stored secret must be typed again (otherwise an
 * admin, or whoever holds an admin session, could point the system at their own host and receive the SCIM token
 * or the LDAP bind password). Throws ValidationError naming the fields to re-enter.
 */
export function storedSecretsFor(
  kind: string,
  stored: { config: Record<string, unknown> | null | undefined; secrets: Record<string, string> },
  next: { config: Record<string, unknown>; incoming?: Record<string, string | null | undefined> },
): Record<string, string> {
  const allowed = SECRET_FIELDS[kind as SystemKind] ?? [];
  const kept = allowed.filter((k) => stored.secrets[k]);
  if (!kept.length) return stored.secrets;
  const incoming = next.incoming ?? {};
  const given = (k: string) => typeof incoming[k] === "string" && incoming[k]!.length > 0;
  const merged: Record<string, string> = {};
  for (const k of allowed) {
    if (given(k)) merged[k] = incoming[k]!;
    else if (stored.secrets[k]) merged[k] = stored.secrets[k]!;
  }
  const before = endpointOf(kind, stored.config, stored.secrets);
  const after = endpointOf(kind, next.config, merged);
  if (before === after) return stored.secrets;
  const missing = kept.filter((k) => !given(k));
  if (missing.length) {
    throw new ValidationError(
      `The address changed (${before ?? "none"} → ${after ?? "none"}): enter ${missing.join(" and ")} again. Stored secrets are only sent to the address they were saved for.`,
      Object.fromEntries(missing.map((k) => [`secrets.${k}`, "Enter it again for the new address"])),
    );
  }
  return {};
}

/** Build the connector for a kind (validating config and secrets); refusals become ValidationError with a clear message. */
export function buildConnector(kind: string, config: Record<string, unknown>, secrets: Record<string, string>): Connector {
  for (const [k, v] of Object.entries(config ?? {})) {
    if (SECRETISH.test(k)) throw new ValidationError(`"${k}" is a secret: put it under secrets, not in the configuration`, { [`config.${k}`]: "Secrets go under secrets" });
    if (typeof v === "string" && /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
      try {
        if (new URL(v).password) throw new ValidationError(`The configuration's ${k} holds a password: store the URL (or the password) under secrets`, { [`config.${k}`]: "No passwords in the configuration" });
      } catch (e) {
        if (e instanceof ValidationError) throw e;
      }
    }
  }
  try {
    switch (kind) {
      case "scim":
      case "ldap":
      case "postgres":
        return createConnector(kind, config, secrets);
      case "manual":
        parseManualConfig(config);
        return new ManualConnector();
      default:
        throw new ConnectorError(`Unknown connector "${kind}" (expected ${SYSTEM_KINDS.join(", ")})`, false);
    }
  } catch (e) {
    if (e instanceof ConnectorError) throw new ValidationError(scrub(e.message, secrets));
    throw e;
  }
}

/**
 * A demo application's configuration: its marker `demo: true` and optionally the `baseUrl` of its SCIM service (default: the portal's own
 * /api/demo-apps/<key>/scim/v2). Its token is derived, never stored (provisioning/connector-for.ts).
 */
export function validateDemoConfig(config: Record<string, unknown>): void {
  const extra = Object.keys(config ?? {}).filter((k) => k !== "baseUrl" && k !== "demo");
  if (extra.length) throw new ValidationError(`A demo application's configuration holds only "baseUrl" (got ${extra.map((k) => `"${k}"`).join(", ")})`, { config: "Only baseUrl" });
  const b = config?.baseUrl;
  if (b === undefined) return;
  let ok = false;
  try {
    ok = typeof b === "string" && ["http:", "https:"].includes(new URL(b).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new ValidationError("The demo application's baseUrl must be an http(s) URL", { "config.baseUrl": "Must be an http(s) URL" });
}

/** Validate only (the connector built for the check is closed at once; building one opens no connection). */
export async function validateSystem(kind: string, config: Record<string, unknown>, secrets: Record<string, string>): Promise<void> {
  if (kind === "demo") return validateDemoConfig(config);
  const c = buildConnector(kind, config, secrets);
  await c.close?.().catch(() => {});
}

/**
 * createConnector(kind, config, secrets): validates the stored (non-secret) configuration and the secrets with
 * zod and builds the connector. Validation messages are written for the admin filling the form; they never echo
 * a secret value.
 *
 *   scim      config { baseUrl, timeoutMs?, pageSize?, lastLoginAttribute? }  secrets { token }
 *   ldap      config { url, bindDn, baseDn, usersOu?, groupsOu?, disabledOu?,
 *                      placeholderDn?, timeoutMs?, lastLoginAttribute? }       secrets { bindPassword }
 *   postgres  config { url?, prefix, groupPrefix?, timeoutMs? }               secrets { url? , password? }
 *             (the URL may hold a password, so it is preferably stored as a secret; `password` is set into it)
 */
import { z } from "zod";
import { ConnectorError, type Connector } from "@/lib/domain/connector";
import { parseScimAttributePath } from "@/lib/domain/usage";
import { ScimConnector } from "./scim";
import { LdapConnector } from "./ldap";
import { PostgresConnector } from "./postgres";

export type ConnectorKind = "scim" | "ldap" | "postgres";

const urlWith = (protocols: string[], message: string) =>
  z.string({ error: message }).trim().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, message);

const timeoutMs = z.coerce.number({ error: "Timeout must be a number of milliseconds" }).int().min(50, "Timeout must be at least 50 ms").max(300_000, "Timeout must be at most 300000 ms (5 minutes)").optional();
const dn = (what: string) => z.string({ error: `${what} is required` }).trim().min(3, `${what} is required`).regex(/^[A-Za-z][\w-]*=.+/, `${what} must be a DN such as dc=example,dc=com`);
const rdn = (what: string) => z.string().trim().regex(/^[A-Za-z][\w-]*=[^,]+(,[A-Za-z][\w-]*=[^,]+)*$/, `${what} must be relative DN such as ou=people`).optional();

const scimConfig = z.object({
  baseUrl: urlWith(["http:", "https:"], "SCIM base URL must be an http(s) URL"),
  timeoutMs,
  pageSize: z.coerce.number({ error: "Page size must be a number" }).int().min(1, "Page size must be at least 1").max(1000, "Page size must be at most 1000").optional(),
  /** Where the application keeps the last sign-in: a SCIM attribute path (RFC 7644 §3.10). */
  lastLoginAttribute: z
    .string({ error: "Last-login attribute must be a SCIM attribute path" })
    .trim()
    .superRefine((v, c) => {
      const r = parseScimAttributePath(v);
      if ("error" in r) c.addIssue({ code: "custom", message: `Last-login attribute: ${r.error} (e.g. meta.lastLogin or urn:…:User:lastLogin)` });
    })
    .optional(),
});
const scimSecrets = z.object({ token: z.string({ error: "SCIM bearer token is required" }).min(1, "SCIM bearer token is required") });

const ldapConfig = z.object({
  url: urlWith(["ldap:", "ldaps:"], "LDAP URL must be an ldap:// or ldaps:// URL"),
  bindDn: dn("Bind DN"),
  baseDn: dn("Base DN"),
  usersOu: rdn("Users OU"),
  groupsOu: rdn("Groups OU"),
  disabledOu: rdn("Disabled OU"),
  placeholderDn: dn("Placeholder member DN").optional(),
  timeoutMs,
  /** The attribute holding the last sign-in (default: authTimestamp or lastLogonTimestamp). */
  lastLoginAttribute: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, "Last-login attribute must be an LDAP attribute name such as authTimestamp or lastLogonTimestamp").optional(),
});
const ldapSecrets = z.object({ bindPassword: z.string({ error: "LDAP bind password is required" }).min(1, "LDAP bind password is required") });

const pgConfig = z.object({
  url: urlWith(["postgres:", "postgresql:"], "PostgreSQL URL must start with postgres:// or postgresql://").optional(),
  prefix: z
    .string({ error: "Role prefix is required (e.g. gh_): the connector only manages roles with this prefix" })
    .regex(/^[a-z][a-z0-9_]{1,30}$/, "Role prefix must be 2-31 lower-case letters, digits or _ and start with a letter (e.g. gh_)")
    .refine((p) => !p.startsWith("pg_"), "Role prefix must not start with pg_ (reserved by PostgreSQL)"),
  groupPrefix: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, "Group role prefix must be lower-case letters, digits or _").optional(),
  timeoutMs,
});
const pgSecrets = z.object({
  url: urlWith(["postgres:", "postgresql:"], "PostgreSQL URL must start with postgres:// or postgresql://").optional(),
  password: z.string().optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    // Issue messages are ours (above); zod's defaults never include input values, so no secret leaks.
    const msg = r.error.issues.map((i) => i.message).join("; ");
    throw new ConnectorError(`Invalid ${what}: ${msg}`, false);
  }
  return r.data;
}

export function createConnector(kind: ConnectorKind, config: Record<string, unknown>, secrets: Record<string, string>): Connector {
  switch (kind) {
    case "scim": {
      const c = parse(scimConfig, config, "SCIM configuration");
      const s = parse(scimSecrets, secrets, "SCIM secrets");
      return new ScimConnector({ ...c, token: s.token });
    }
    case "ldap": {
      const c = parse(ldapConfig, config, "LDAP configuration");
      const s = parse(ldapSecrets, secrets, "LDAP secrets");
      return new LdapConnector({ ...c, bindPassword: s.bindPassword });
    }
    case "postgres": {
      const c = parse(pgConfig, config, "PostgreSQL configuration");
      const s = parse(pgSecrets, secrets, "PostgreSQL secrets");
      const raw = s.url ?? c.url;
      if (!raw) throw new ConnectorError("Invalid PostgreSQL configuration: a connection URL is required", false);
      const u = new URL(raw);
      if (s.password) u.password = encodeURIComponent(s.password);
      if (c.groupPrefix && !c.groupPrefix.startsWith(c.prefix)) {
        throw new ConnectorError(`Invalid PostgreSQL configuration: group role prefix must start with the role prefix "${c.prefix}"`, false);
      }
      return new PostgresConnector({ url: u.toString(), prefix: c.prefix, groupPrefix: c.groupPrefix, timeoutMs: c.timeoutMs });
    }
    default:
      throw new ConnectorError(`Unknown connector kind "${String(kind)}" (expected scim, ldap or postgres)`, false);
  }
}

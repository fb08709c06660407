/**
 * SCIM 2.0 (RFC 7643/7644) connector over fetch. Users = accounts, Groups = entitlements.
 *
 * Operations and their requests:
 *   createAccount  POST /Users; 409 (duplicate userName) → GET /Users?filter=userName eq "x" and link (linked: true)
 *   updateAccount  PATCH /Users/{id} replace ops with paths
 *   disable/enable PATCH /Users/{id} replace active; if the server does not support PATCH (405/501, or 400 naming
 *                  PATCH) → GET + PUT the whole resource with `active` changed
 *   deleteAccount  DELETE /Users/{id}; 404 = already gone = success
 *   grant          PATCH /Groups/{gid} add members [{value: id}] (409 "already a member" = success)
 *   revoke         PATCH /Groups/{gid} remove members[value eq "id"] (404 group, 400 noTarget = success)
 *   listAccounts   pages through /Users and /Groups and inverts group members (many apps omit user.groups)
 *   manager        enterprise extension `manager.value` = the target's id of the manager's account, found by
 *                  userName (GET /Users?filter); absent in the target → not written (removed on update)
 *   last login     the attribute path of config lastLoginAttribute (e.g. `meta.lastLogin`, or an extension's
 *                  `urn:…:User:lastLogin`), read from each listed user; SCIM has no standard one
 *   passwords      none: Gatehouse never sends one (SSO apps); enableAccount reports credential "none"
 *
 * Tolerated quirks: non-UUID ids, ListResponse with extra fields, PATCH answered 200 with a body or 204 without,
 * servers that ignore startIndex (paging stops when a page is empty or brings no new id), totalResults missing.
 *
 * Errors: timeout (AbortController), network errors, 5xx and 429 → ConnectorError(retryable=true); other 4xx →
 * retryable=false with the server's `detail`. Messages name the method and path, never the token or URL credentials.
 *
 * Account-level idempotency: deleting / disabling / revoking for an account the target does not have succeeds
 * (nothing left to remove); updating, enabling or granting to a missing account fails (retryable=false).
 */
import {
  ConnectorError,
  type AccountRef,
  type AccountSpec,
  type Connector,
  type EnableResult,
  type TargetAccount,
  type TargetEntitlement,
  type TestResult,
} from "@/lib/domain/connector";
import { parseScimAttributePath, parseScimDateTime, readScimAttribute, type ScimAttributePath } from "@/lib/domain/usage";

export type ScimConfig = {
  baseUrl: string;
  /** Bearer token (secret). */
  token: string;
  timeoutMs?: number;
  pageSize?: number;
  /** SCIM attribute path holding the user's last sign-in (validated by createConnector). */
  lastLoginAttribute?: string;
};

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const MAX_PAGES = 10_000;

type Json = Record<string, any>;
type Res = { status: number; body: Json | null };

/** SCIM filter string literal (RFC 7644 §3.4.2.2: JSON string rules). */
export function scimString(v: string): string {
  return JSON.stringify(v);
}

export class ScimConnector implements Connector {
  readonly kind = "scim";
  private readonly base: string;
  private readonly origin: string;
  private readonly timeoutMs: number;
  private readonly pageSize: number;

  constructor(private readonly config: ScimConfig) {
    const u = new URL(config.baseUrl);
    u.username = "";
    u.password = "";
    this.base = u.toString().replace(/\/+$/, "");
    this.origin = u.origin;
    this.timeoutMs = config.timeoutMs ?? 15_000;
    this.pageSize = Math.max(1, Math.min(config.pageSize ?? 100, 1000));
  }

  // ---------------------------------------------------------------- HTTP
  private async request(method: string, path: string, body?: unknown, ok: number[] = []): Promise<Res> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs);
    const what = `SCIM ${method} ${path.split("?")[0]}`;
    let resp: Response;
    try {
      resp = await fetch(this.base + path, {
        method,
        headers: {
          Authorization: `Bearer ${this.config.token}`,
          Accept: "application/scim+json, application/json",
          ...(body !== undefined ? { "Content-Type": "application/scim+json" } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (e) {
      clearTimeout(timer);
      if (ctrl.signal.aborted) throw new ConnectorError(`${what} timed out after ${this.timeoutMs} ms`, true);
      throw new ConnectorError(`${what}: cannot reach ${this.origin} (${networkReason(e)})`, true);
    }
    let text = "";
    try {
      text = await resp.text();
    } catch (e) {
      throw new ConnectorError(
        ctrl.signal.aborted ? `${what} timed out after ${this.timeoutMs} ms` : `${what}: connection lost (${networkReason(e)})`,
        true,
      );
    } finally {
      clearTimeout(timer);
    }
    let parsed: Json | null = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    const status = resp.status;
    if ((status >= 200 && status < 300) || ok.includes(status)) return { status, body: parsed };
    const detail = scimDetail(parsed, text);
    if (status === 401 || status === 403) {
      throw new ConnectorError(`${what}: the SCIM server rejected the bearer token (HTTP ${status})${detail ? `: ${detail}` : ""}`, false, status);
    }
    if (status === 429 || status >= 500) {
      throw new ConnectorError(`${what}: server answered HTTP ${status}${detail ? `: ${detail}` : ""}`, true, status);
    }
    throw new ConnectorError(`${what}: HTTP ${status}${detail ? `: ${detail}` : ""}`, false, status);
  }

  private async patch(path: string, ops: Json[], ok: number[] = []): Promise<Res> {
    return this.request("PATCH", path, { schemas: [PATCH_SCHEMA], Operations: ops }, ok);
  }

  /** Reads every page of a list endpoint; robust to servers that ignore startIndex or repeat items. */
  private async listAll(resource: "Users" | "Groups", extra = ""): Promise<Json[]> {
    const byId = new Map<string, Json>();
    let startIndex = 1;
    for (let page = 0; page < MAX_PAGES; page++) {
      const q = `?startIndex=${startIndex}&count=${this.pageSize}${extra}`;
      const { body } = await this.request("GET", `/${resource}${q}`);
      const items: Json[] = Array.isArray(body?.Resources) ? body!.Resources : [];
      if (items.length === 0) break;
      let fresh = 0;
      for (const it of items) {
        const id = it?.id == null ? "" : String(it.id);
        if (!id || byId.has(id)) continue;
        byId.set(id, it);
        fresh++;
      }
      if (fresh === 0) break; // server ignores startIndex (or loops): nothing new can come
      const total = Number(body?.totalResults);
      if (Number.isFinite(total) && byId.size >= total) break;
      startIndex += items.length;
    }
    return [...byId.values()];
  }

  private async findUserByUserName(userName: string): Promise<Json | null> {
    // userName is case-insensitive (RFC 7643 §4.1.1) but some servers filter case-sensitively: try as given,
    // then lower-cased. Some servers ignore the filter: match the userName ourselves.
    for (const candidate of [...new Set([userName, userName.toLowerCase()])]) {
      const f = encodeURIComponent(`userName eq ${scimString(candidate)}`);
      const { body } = await this.request("GET", `/Users?filter=${f}&startIndex=1&count=10`);
      const items: Json[] = Array.isArray(body?.Resources) ? body!.Resources : [];
      const hit = items.find((u) => String(u.userName ?? "").toLowerCase() === userName.toLowerCase());
      if (hit) return hit;
    }
    return null;
  }

  /** The target's id for an account, or null when the target has no such account. */
  private async resolveUserId(ref: AccountRef): Promise<string | null> {
    if (ref.externalId) return ref.externalId;
    const u = await this.findUserByUserName(ref.userName);
    return u ? String(u.id) : null;
  }

  private async requireUserId(ref: AccountRef): Promise<string> {
    const id = await this.resolveUserId(ref);
    if (!id) throw new ConnectorError(`SCIM: no account with userName ${scimString(ref.userName)} in the target`, false, 404);
    return id;
  }

  // ---------------------------------------------------------------- Connector
  async testConnection(): Promise<TestResult> {
    try {
      const { body } = await this.request("GET", "/Users?startIndex=1&count=1");
      if (!body || typeof body !== "object" || !("Resources" in body || "totalResults" in body)) {
        return { ok: false, message: `${this.base}/Users did not answer with a SCIM ListResponse: check the base URL.` };
      }
      return { ok: true, message: `Connected to the SCIM server at ${this.base}.`, details: { totalUsers: body.totalResults ?? null } };
    } catch (e) {
      return { ok: false, message: scimTestMessage(e, this.base, this.timeoutMs) };
    }
  }

  /** The target's id of the manager's account (by userName), or null when the target has none. */
  private async managerId(userName: string | null | undefined): Promise<string | null> {
    if (!userName) return null;
    const u = await this.findUserByUserName(userName);
    return u ? String(u.id) : null;
  }

  async createAccount(spec: AccountSpec): Promise<{ externalId: string; userName: string; linked: boolean }> {
    const { status, body } = await this.request("POST", "/Users", toScimUser(spec, await this.managerId(spec.manager)), [409]);
    if (status !== 409) {
      if (!body?.id) throw new ConnectorError("SCIM POST /Users: the server did not return the new user's id", false, status);
      return { externalId: String(body.id), userName: String(body.userName ?? spec.userName), linked: false };
    }
    const existing = await this.findUserByUserName(spec.userName);
    if (!existing) {
      throw new ConnectorError(`SCIM POST /Users: HTTP 409 for ${scimString(spec.userName)} but no user with that userName can be found`, false, 409);
    }
    return { externalId: String(existing.id), userName: String(existing.userName), linked: true };
  }

  async updateAccount(ref: AccountRef, changes: Partial<AccountSpec>): Promise<void> {
    const id = await this.requireUserId(ref);
    const ops: Json[] = [];
    const put = (path: string, value: unknown) => value !== undefined && ops.push({ op: "replace", path, value });
    put("userName", changes.userName);
    put("displayName", changes.displayName);
    put("name.givenName", changes.givenName);
    put("name.familyName", changes.familyName);
    put("title", changes.title);
    put("active", changes.active);
    put("externalId", changes.personId);
    if (changes.email !== undefined) put("emails", [{ value: changes.email, type: "work", primary: true }]);
    if (changes.password !== undefined) put("password", changes.password);
    put(`${ENTERPRISE_SCHEMA}:employeeNumber`, changes.employeeNumber);
    put(`${ENTERPRISE_SCHEMA}:department`, changes.department);
    if (changes.manager !== undefined) {
      const mid = await this.managerId(changes.manager);
      if (mid) put(`${ENTERPRISE_SCHEMA}:manager`, { value: mid });
      else ops.push({ op: "remove", path: `${ENTERPRISE_SCHEMA}:manager` });
    }
    if (ops.length === 0) return;
    await this.patch(`/Users/${encodeURIComponent(id)}`, ops);
  }

  private async setActive(ref: AccountRef, active: boolean): Promise<void> {
    const id = active ? await this.requireUserId(ref) : await this.resolveUserId(ref);
    if (!id) return; // disabling an account the target does not have: nothing can sign in
    const path = `/Users/${encodeURIComponent(id)}`;
    try {
      await this.patch(path, [{ op: "replace", path: "active", value: active }], active ? [] : [404]);
    } catch (e) {
      if (!(e instanceof ConnectorError) || !patchUnsupported(e)) throw e;
      // PUT fallback: the whole resource with `active` changed (read-only attributes dropped).
      const { status, body } = await this.request("GET", path, undefined, active ? [] : [404]);
      if (status === 404) return;
      const { meta: _m, groups: _g, ...resource } = body ?? {};
      await this.request("PUT", path, { ...resource, active });
    }
  }

  disableAccount(ref: AccountRef): Promise<void> {
    return this.setActive(ref, false);
  }

  /** SCIM accounts get no password from Gatehouse (people sign in through SSO): nothing to reset. */
  async enableAccount(ref: AccountRef): Promise<EnableResult> {
    await this.setActive(ref, true);
    return { credential: "none" };
  }

  async deleteAccount(ref: AccountRef): Promise<void> {
    const id = await this.resolveUserId(ref);
    if (!id) return;
    await this.request("DELETE", `/Users/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async grant(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    const id = await this.requireUserId(ref);
    await this.patch(`/Groups/${encodeURIComponent(entitlementExternalId)}`, [{ op: "add", path: "members", value: [{ value: id }] }], [409]);
  }

  async revoke(ref: AccountRef, entitlementExternalId: string): Promise<void> {
    const id = await this.resolveUserId(ref);
    if (!id) return;
    try {
      await this.patch(
        `/Groups/${encodeURIComponent(entitlementExternalId)}`,
        [{ op: "remove", path: `members[value eq ${scimString(id)}]` }],
        [404],
      );
    } catch (e) {
      // RFC 7644 §3.5.2.2: some servers answer 400 noTarget when the member is already absent.
      if (e instanceof ConnectorError && e.status === 400 && /noTarget|no target|not a member|not found/i.test(e.message)) return;
      throw e;
    }
  }

  async listAccounts(): Promise<TargetAccount[]> {
    const [users, groups] = await Promise.all([this.listAll("Users"), this.listAll("Groups")]);
    const parsedPath = this.config.lastLoginAttribute ? parseScimAttributePath(this.config.lastLoginAttribute) : null;
    const loginPath: ScimAttributePath | null = parsedPath && !("error" in parsedPath) ? parsedPath : null;
    const memberOf = new Map<string, Set<string>>();
    for (const g of groups) {
      for (const m of Array.isArray(g.members) ? g.members : []) {
        if (m?.value == null) continue;
        const key = String(m.value);
        if (!memberOf.has(key)) memberOf.set(key, new Set());
        memberOf.get(key)!.add(String(g.id));
      }
    }
    return users.map((u) => {
      const id = String(u.id);
      const ents = memberOf.get(id) ?? new Set<string>();
      // Servers that do return user.groups: merge them in.
      for (const g of Array.isArray(u.groups) ? u.groups : []) if (g?.value != null) ents.add(String(g.value));
      const emails: Json[] = Array.isArray(u.emails) ? u.emails : [];
      const email = (emails.find((e) => e?.primary) ?? emails[0])?.value ?? null;
      const login = loginPath ? parseScimDateTime(readScimAttribute(u, loginPath)) : null;
      return {
        externalId: id,
        userName: String(u.userName ?? ""),
        email,
        displayName: u.displayName ?? ([u.name?.givenName, u.name?.familyName].filter(Boolean).join(" ") || null),
        active: u.active !== false && u.active !== "false",
        entitlements: [...ents].sort(),
        lastLoginAt: login ? login.toISOString() : null,
        lastLoginSource: login ? `scim:${this.config.lastLoginAttribute}` : null,
        raw: u,
      };
    });
  }

  async listEntitlements(): Promise<TargetEntitlement[]> {
    const groups = await this.listAll("Groups", "&excludedAttributes=members");
    return groups.map((g) => ({ externalId: String(g.id), name: String(g.displayName ?? g.id), kind: "group" as const }));
  }
}

function toScimUser(spec: AccountSpec, managerId: string | null = null): Json {
  const enterprise: Json = {};
  if (spec.employeeNumber) enterprise.employeeNumber = spec.employeeNumber;
  if (spec.department) enterprise.department = spec.department;
  if (managerId) enterprise.manager = { value: managerId };
  const hasEnt = Object.keys(enterprise).length > 0;
  return {
    schemas: hasEnt ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    userName: spec.userName,
    ...(spec.personId ? { externalId: spec.personId } : {}),
    name: { givenName: spec.givenName, familyName: spec.familyName, formatted: spec.displayName },
    displayName: spec.displayName,
    emails: [{ value: spec.email, type: "work", primary: true }],
    ...(spec.title ? { title: spec.title } : {}),
    active: spec.active ?? true,
    ...(spec.password ? { password: spec.password } : {}),
    ...(hasEnt ? { [ENTERPRISE_SCHEMA]: enterprise } : {}),
  };
}

function scimDetail(body: Json | null, text: string): string {
  if (body && typeof body === "object") {
    const parts = [body.scimType, body.detail ?? body.message ?? body.error].filter((x) => typeof x === "string" && x);
    if (parts.length) return parts.join(": ").slice(0, 300);
  }
  return text.replace(/\s+/g, " ").trim().slice(0, 200);
}

function patchUnsupported(e: ConnectorError): boolean {
  return e.status === 405 || e.status === 501 || (e.status === 400 && /patch.*(not supported|unsupported)/i.test(e.message));
}

function networkReason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (e as { code?: string })?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return "connection reset";
  return code ?? cause?.message ?? (e instanceof Error ? e.message : "network error");
}

function scimTestMessage(e: unknown, base: string, timeoutMs: number): string {
  if (!(e instanceof ConnectorError)) return `Unexpected error talking to ${base}.`;
  if (e.status === 401 || e.status === 403) return `The SCIM server at ${base} rejected the bearer token (HTTP ${e.status}). Check the token.`;
  if (e.status === 404) return `No SCIM Users endpoint at ${base}/Users (HTTP 404). Check the base URL (it usually ends in /scim/v2).`;
  if (/timed out/.test(e.message)) return `The SCIM server at ${base} did not answer within ${timeoutMs} ms.`;
  if (/cannot reach/.test(e.message)) return `Cannot reach the SCIM server at ${base}: ${e.message.split("(").pop()?.replace(")", "")}.`;
  return `The SCIM server at ${base} answered with an error: ${e.message}`;
}

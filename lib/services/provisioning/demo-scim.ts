/**
 * The demo applications' SCIM 2.0 service (RFC 7643/7644 subset), backed by the separate `demo_apps` schema.
 * Served by app/api/demo-apps/[app]/scim/v2/[...path]/route.ts; the provisioning engine reaches it over HTTP
 * with the ordinary SCIM connector, so it behaves like any SaaS target.
 *
 * Supported: Users (POST, GET list/one, PUT, PATCH, DELETE), Groups (POST, GET list/one, PUT, PATCH members
 * add/remove/replace, DELETE), ServiceProviderConfig; filter `attr eq "value"` on userName / externalId / id /
 * displayName; paging with startIndex/count; excludedAttributes=members. Errors use the SCIM Error schema:
 * 401 without a valid bearer token, 404 unknown resource, 409 uniqueness on userName, 400 invalid filter/path.
 * Ids are not UUIDs (like many SaaS apps). Users carry no `groups` attribute: clients read Groups.
 *
 * Token: HMAC of the app key under the portal's secret key (demoAppToken); compared in constant time, never logged.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { demoAppToken } from "./connector-for";
import { rowsOf } from "@/db/client";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

type Json = Record<string, any>;
export type ScimReply = { status: number; body?: Json };

class ScimError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly scimType?: string,
  ) {
    super(message);
  }
}
const err = (status: number, detail: string, scimType?: string): ScimReply => ({
  status,
  body: { schemas: [ERROR], status: String(status), ...(scimType ? { scimType } : {}), detail },
});

async function q<T = Json>(db: Queryable, query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

export function validDemoToken(appKey: string, authorization: string | null): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(demoAppToken(appKey));
  return a.length === b.length && timingSafeEqual(a, b);
}

type UserRow = { id: string; user_name: string; active: boolean; resource: Json; created_at: Date | string; updated_at: Date | string };
type GroupRow = { id: string; display_name: string; created_at: Date | string; updated_at: Date | string };

const iso = (d: Date | string) => new Date(d).toISOString();

function userOut(base: string, r: UserRow): Json {
  const { id: _i, meta: _m, schemas: _s, groups: _g, ...rest } = r.resource ?? {};
  return {
    schemas: rest[ENTERPRISE] ? [USER, ENTERPRISE] : [USER],
    ...rest,
    id: r.id,
    userName: r.user_name,
    active: r.active,
    meta: { resourceType: "User", created: iso(r.created_at), lastModified: iso(r.updated_at), location: `${base}/Users/${encodeURIComponent(r.id)}` },
  };
}

function groupOut(base: string, g: GroupRow, members: Array<{ value: string; display: string }> | null): Json {
  return {
    schemas: [GROUP],
    id: g.id,
    displayName: g.display_name,
    ...(members ? { members: members.map((m) => ({ value: m.value, display: m.display, type: "User", $ref: `${base}/Users/${encodeURIComponent(m.value)}` })) } : {}),
    meta: { resourceType: "Group", created: iso(g.created_at), lastModified: iso(g.updated_at), location: `${base}/Groups/${encodeURIComponent(g.id)}` },
  };
}

/** `attr eq "value"` (the only filter clients need here); anything else is a 400 invalidFilter. */
function parseFilter(f: string | null, allowed: string[]): { attr: string; value: string } | null {
  if (!f) return null;
  const m = /^\s*([A-Za-z][\w.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(f);
  if (!m) throw new ScimError(400, `Unsupported filter: only ${allowed.join(", ")} eq "value" is supported`, "invalidFilter");
  const attr = allowed.find((a) => a.toLowerCase() === m[1]!.toLowerCase());
  if (!attr) throw new ScimError(400, `Unsupported filter attribute ${m[1]}`, "invalidFilter");
  return { attr, value: JSON.parse(`"${m[2]}"`) as string };
}

function paging(url: URL): { offset: number; count: number; startIndex: number } {
  const startIndex = Math.max(1, Number.parseInt(url.searchParams.get("startIndex") ?? "1", 10) || 1);
  const c = Number.parseInt(url.searchParams.get("count") ?? "100", 10);
  const count = Math.max(0, Math.min(Number.isFinite(c) ? c : 100, 1000));
  return { offset: startIndex - 1, count, startIndex };
}

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

function cleanUser(body: Json): Json {
  if (!body || typeof body !== "object") throw new ScimError(400, "The request body must be a SCIM User", "invalidSyntax");
  const { id: _i, meta: _m, schemas: _s, groups: _g, ...rest } = body;
  if (typeof rest.userName !== "string" || !rest.userName.trim()) throw new ScimError(400, "userName is required", "invalidValue");
  return rest;
}

async function userByName(db: Queryable, app: string, userName: string, exceptId?: string): Promise<UserRow | undefined> {
  const rows = await q<UserRow>(db, sql`SELECT * FROM demo_apps.users WHERE app_key = ${app} AND lower(user_name) = lower(${userName})`);
  return rows.find((r) => r.id !== exceptId);
}

async function getUser(db: Queryable, app: string, id: string): Promise<UserRow> {
  const [u] = await q<UserRow>(db, sql`SELECT * FROM demo_apps.users WHERE app_key = ${app} AND id = ${id}`);
  if (!u) throw new ScimError(404, `User ${id} not found`);
  return u;
}

async function saveUser(db: Queryable, app: string, id: string, resource: Json): Promise<UserRow> {
  if (await userByName(db, app, resource.userName, id)) throw new ScimError(409, `userName "${resource.userName}" is already taken`, "uniqueness");
  const active = resource.active === undefined ? true : resource.active === true || resource.active === "true";
  const { active: _a, ...rest } = resource;
  const [u] = await q<UserRow>(
    db,
    sql`INSERT INTO demo_apps.users (app_key, id, user_name, active, resource) VALUES (${app}, ${id}, ${resource.userName}, ${active}, ${JSON.stringify(rest)}::jsonb)
        ON CONFLICT (app_key, id) DO UPDATE SET user_name = EXCLUDED.user_name, active = EXCLUDED.active, resource = EXCLUDED.resource, updated_at = now()
        RETURNING *`,
  );
  return u!;
}

/** Apply SCIM PATCH operations to a user resource (attribute paths; no value filters). */
function patchUser(current: Json, ops: Json[]): Json {
  const r: Json = JSON.parse(JSON.stringify(current));
  for (const op of ops) {
    const kind = String(op.op ?? "").toLowerCase();
    if (!["add", "replace", "remove"].includes(kind)) throw new ScimError(400, `Unknown PATCH op ${op.op}`, "invalidSyntax");
    const path: string | undefined = op.path;
    if (!path) {
      if (kind === "remove") throw new ScimError(400, "remove needs a path", "noTarget");
      if (!op.value || typeof op.value !== "object") throw new ScimError(400, "PATCH without a path needs an object value", "invalidValue");
      for (const [k, v] of Object.entries(op.value as Json)) {
        if (k === ENTERPRISE || k === "name") r[k] = { ...(r[k] ?? {}), ...(v as Json) };
        else r[k] = v;
      }
      continue;
    }
    if (/[[\]]/.test(path)) throw new ScimError(400, `Value filters in PATCH paths are not supported for Users (${path})`, "invalidPath");
    let target: Json = r;
    let attr = path;
    if (path.startsWith(`${ENTERPRISE}:`)) {
      target = r[ENTERPRISE] ??= {};
      attr = path.slice(ENTERPRISE.length + 1);
    }
    const parts = attr.split(".");
    for (const p of parts.slice(0, -1)) target = target[p] ??= {};
    const leaf = parts[parts.length - 1]!;
    if (kind === "remove") delete target[leaf];
    else target[leaf] = op.value;
  }
  return r;
}

async function groupMembers(db: Queryable, app: string, groupIds: string[]): Promise<Map<string, Array<{ value: string; display: string }>>> {
  const out = new Map<string, Array<{ value: string; display: string }>>();
  if (groupIds.length === 0) return out;
  const rows = await q<{ group_id: string; user_id: string; user_name: string }>(
    db,
    sql`SELECT m.group_id, m.user_id, u.user_name FROM demo_apps.members m JOIN demo_apps.users u ON u.app_key = m.app_key AND u.id = m.user_id
        WHERE m.app_key = ${app} AND m.group_id IN (${sql.join(groupIds.map((g) => sql`${g}`), sql`, `)}) ORDER BY m.user_id`,
  );
  for (const r of rows) {
    const l = out.get(r.group_id) ?? [];
    l.push({ value: r.user_id, display: r.user_name });
    out.set(r.group_id, l);
  }
  return out;
}

async function getGroup(db: Queryable, app: string, id: string): Promise<GroupRow> {
  const [g] = await q<GroupRow>(db, sql`SELECT * FROM demo_apps.groups WHERE app_key = ${app} AND id = ${id}`);
  if (!g) throw new ScimError(404, `Group ${id} not found`);
  return g;
}

async function addMembers(db: Queryable, app: string, groupId: string, values: unknown): Promise<void> {
  const ids = (Array.isArray(values) ? values : [values]).map((m) => String((m as Json)?.value ?? "")).filter(Boolean);
  for (const uid of ids) {
    const [u] = await q(db, sql`SELECT 1 FROM demo_apps.users WHERE app_key = ${app} AND id = ${uid}`);
    if (!u) throw new ScimError(400, `No user with id ${uid}`, "invalidValue");
    await db.execute(sql`INSERT INTO demo_apps.members (app_key, group_id, user_id) VALUES (${app}, ${groupId}, ${uid}) ON CONFLICT DO NOTHING`);
  }
}

async function removeMembers(db: Queryable, app: string, groupId: string, ids: string[] | "all"): Promise<void> {
  if (ids === "all") await db.execute(sql`DELETE FROM demo_apps.members WHERE app_key = ${app} AND group_id = ${groupId}`);
  else for (const uid of ids) await db.execute(sql`DELETE FROM demo_apps.members WHERE app_key = ${app} AND group_id = ${groupId} AND user_id = ${uid}`);
}

async function patchGroup(db: Queryable, app: string, groupId: string, ops: Json[]): Promise<void> {
  for (const op of ops) {
    const kind = String(op.op ?? "").toLowerCase();
    const path = String(op.path ?? "");
    const filtered = /^members\[\s*value\s+eq\s+"((?:[^"\\]|\\.)*)"\s*\]$/i.exec(path);
    if (kind === "add" && (path === "members" || (!path && op.value?.members))) {
      await addMembers(db, app, groupId, path ? op.value : op.value.members);
    } else if (kind === "remove" && filtered) {
      await removeMembers(db, app, groupId, [JSON.parse(`"${filtered[1]}"`) as string]);
    } else if (kind === "remove" && path === "members") {
      const vals = op.value ? (Array.isArray(op.value) ? op.value : [op.value]).map((m: Json) => String(m?.value ?? "")) : "all";
      await removeMembers(db, app, groupId, vals);
    } else if (kind === "replace" && (path === "members" || (!path && op.value?.members))) {
      await removeMembers(db, app, groupId, "all");
      await addMembers(db, app, groupId, path ? op.value : op.value.members);
    } else if (kind === "replace" && (path === "displayName" || (!path && typeof op.value?.displayName === "string"))) {
      const name = path ? op.value : op.value.displayName;
      await db.execute(sql`UPDATE demo_apps.groups SET display_name = ${String(name)}, updated_at = now() WHERE app_key = ${app} AND id = ${groupId}`);
    } else {
      throw new ScimError(400, `Unsupported Group PATCH operation ${kind} ${path}`, "invalidPath");
    }
  }
  await db.execute(sql`UPDATE demo_apps.groups SET updated_at = now() WHERE app_key = ${app} AND id = ${groupId}`);
}

const SERVICE_PROVIDER_CONFIG = {
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: 1000 },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: false },
  authenticationSchemes: [{ type: "oauthbearertoken", name: "OAuth Bearer Token", description: "Bearer token issued by the Gatehouse portal for this demo application", primary: true }],
  meta: { resourceType: "ServiceProviderConfig" },
};

export type DemoScimRequest = { appKey: string; method: string; path: string[]; url: URL; authorization: string | null; body: unknown };

/** Handle one SCIM request for demo application `appKey`. `path` is what follows /scim/v2/. */
export async function handleDemoScim(db: Queryable, req: DemoScimRequest): Promise<ScimReply> {
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(req.appKey)) return err(404, "Unknown application");
  if (!validDemoToken(req.appKey, req.authorization)) return err(401, "Invalid or missing bearer token");
  const app = req.appKey;
  const base = `${req.url.origin}${req.url.pathname.replace(/\/scim\/v2\/.*$/, "/scim/v2")}`;
  const [resource, id, ...rest] = req.path;
  const method = req.method.toUpperCase();
  const body = (req.body ?? {}) as Json;
  try {
    if (rest.length > 0) throw new ScimError(404, "Unknown endpoint");
    if (resource === "ServiceProviderConfig" && !id && method === "GET") return { status: 200, body: SERVICE_PROVIDER_CONFIG };
    if (resource === "Users") {
      if (!id && method === "GET") {
        const f = parseFilter(req.url.searchParams.get("filter"), ["userName", "externalId", "id"]);
        const { offset, count, startIndex } = paging(req.url);
        const where = !f
          ? sql`app_key = ${app}`
          : f.attr === "userName"
            ? sql`app_key = ${app} AND lower(user_name) = lower(${f.value})`
            : f.attr === "id"
              ? sql`app_key = ${app} AND id = ${f.value}`
              : sql`app_key = ${app} AND resource->>'externalId' = ${f.value}`;
        const [{ n }] = await q<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM demo_apps.users WHERE ${where}`);
        const rows = await q<UserRow>(db, sql`SELECT * FROM demo_apps.users WHERE ${where} ORDER BY id LIMIT ${count} OFFSET ${offset}`);
        return { status: 200, body: { schemas: [LIST], totalResults: Number(n), startIndex, itemsPerPage: rows.length, Resources: rows.map((r) => userOut(base, r)) } };
      }
      if (!id && method === "POST") {
        const u = await saveUser(db, app, newId(app), cleanUser(body));
        return { status: 201, body: userOut(base, u) };
      }
      if (id && method === "GET") return { status: 200, body: userOut(base, await getUser(db, app, id)) };
      if (id && method === "PUT") {
        await getUser(db, app, id);
        return { status: 200, body: userOut(base, await saveUser(db, app, id, cleanUser(body))) };
      }
      if (id && method === "PATCH") {
        const cur = await getUser(db, app, id);
        const ops = Array.isArray(body.Operations) ? body.Operations : null;
        if (!ops) throw new ScimError(400, "PATCH needs Operations", "invalidSyntax");
        const next = patchUser({ ...cur.resource, userName: cur.user_name, active: cur.active }, ops);
        return { status: 200, body: userOut(base, await saveUser(db, app, id, cleanUser(next))) };
      }
      if (id && method === "DELETE") {
        await getUser(db, app, id);
        await db.execute(sql`DELETE FROM demo_apps.users WHERE app_key = ${app} AND id = ${id}`);
        return { status: 204 };
      }
    }
    if (resource === "Groups") {
      const withMembers = !/\bmembers\b/.test(req.url.searchParams.get("excludedAttributes") ?? "");
      if (!id && method === "GET") {
        const f = parseFilter(req.url.searchParams.get("filter"), ["displayName", "id"]);
        const { offset, count, startIndex } = paging(req.url);
        const where = !f ? sql`app_key = ${app}` : f.attr === "id" ? sql`app_key = ${app} AND id = ${f.value}` : sql`app_key = ${app} AND display_name = ${f.value}`;
        const [{ n }] = await q<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM demo_apps.groups WHERE ${where}`);
        const rows = await q<GroupRow>(db, sql`SELECT * FROM demo_apps.groups WHERE ${where} ORDER BY id LIMIT ${count} OFFSET ${offset}`);
        const members = withMembers ? await groupMembers(db, app, rows.map((g) => g.id)) : null;
        return {
          status: 200,
          body: { schemas: [LIST], totalResults: Number(n), startIndex, itemsPerPage: rows.length, Resources: rows.map((g) => groupOut(base, g, members ? (members.get(g.id) ?? []) : null)) },
        };
      }
      if (!id && method === "POST") {
        if (typeof body.displayName !== "string" || !body.displayName) throw new ScimError(400, "displayName is required", "invalidValue");
        const gid = newId("grp");
        const [g] = await q<GroupRow>(db, sql`INSERT INTO demo_apps.groups (app_key, id, display_name) VALUES (${app}, ${gid}, ${body.displayName}) RETURNING *`);
        if (body.members) await addMembers(db, app, gid, body.members);
        return { status: 201, body: groupOut(base, g!, (await groupMembers(db, app, [gid])).get(gid) ?? []) };
      }
      if (id && method === "GET") {
        const g = await getGroup(db, app, id);
        return { status: 200, body: groupOut(base, g, withMembers ? ((await groupMembers(db, app, [id])).get(id) ?? []) : null) };
      }
      if (id && method === "PATCH") {
        await getGroup(db, app, id);
        const ops = Array.isArray(body.Operations) ? body.Operations : null;
        if (!ops) throw new ScimError(400, "PATCH needs Operations", "invalidSyntax");
        await patchGroup(db, app, id, ops);
        return { status: 204 };
      }
      if (id && method === "PUT") {
        await getGroup(db, app, id);
        await patchGroup(db, app, id, [
          { op: "replace", path: "displayName", value: body.displayName ?? id },
          { op: "replace", path: "members", value: body.members ?? [] },
        ]);
        const g = await getGroup(db, app, id);
        return { status: 200, body: groupOut(base, g, (await groupMembers(db, app, [id])).get(id) ?? []) };
      }
      if (id && method === "DELETE") {
        await getGroup(db, app, id);
        await db.execute(sql`DELETE FROM demo_apps.groups WHERE app_key = ${app} AND id = ${id}`);
        return { status: 204 };
      }
    }
    return err(resource === "Users" || resource === "Groups" ? 405 : 404, `${method} /${req.path.join("/")} is not supported`);
  } catch (e) {
    if (e instanceof ScimError) return err(e.status, e.message, e.scimType);
    if (e instanceof SyntaxError) return err(400, "Malformed value", "invalidSyntax");
    throw e;
  }
}

export type SyncResult = { applications: number; users: number; groups: number; members: number };

/**
 * Load the demo systems from the portal's actual state (accounts + account_entitlements), so a freshly seeded
 * portal's demo applications agree with its records: one group per entitlement (id = its external id), one user
 * per live account (id = its external id; accounts without one get one here and the portal records it), one
 * membership per held entitlement. Replaces what the demo systems held (all of them, or only the empty ones with
 * `onlyEmpty`). One transaction, set-based statements (no per-row round trips).
 */
export async function syncDemoTargetsFromPortal(db: Queryable, opts: { onlyEmpty?: boolean } = {}): Promise<SyncResult> {
  return db.transaction(async (tx) => {
    const apps = await q<{ key: string }>(
      tx,
      opts.onlyEmpty
        ? sql`SELECT key FROM applications a WHERE connector_kind = 'demo'
               AND NOT EXISTS (SELECT 1 FROM demo_apps.users u WHERE u.app_key = a.key)
               AND NOT EXISTS (SELECT 1 FROM demo_apps.groups g WHERE g.app_key = a.key)`
        : sql`SELECT key FROM applications WHERE connector_kind = 'demo'`,
    );
    const keys = apps.map((a) => a.key);
    if (keys.length === 0) return { applications: 0, users: 0, groups: 0, members: 0 };
    const inKeys = sql.join(keys.map((k) => sql`${k}`), sql`, `);
    await tx.execute(sql`DELETE FROM demo_apps.users WHERE app_key IN (${inKeys})`);
    await tx.execute(sql`DELETE FROM demo_apps.groups WHERE app_key IN (${inKeys})`);
    await tx.execute(sql`
      UPDATE accounts acc SET external_id = a.key || '-' || substr(md5(acc.id::text), 1, 10)
      FROM applications a WHERE a.id = acc.application_id AND a.key IN (${inKeys}) AND acc.external_id IS NULL AND acc.status <> 'deleted'`);
    const groups = await q(tx, sql`
      INSERT INTO demo_apps.groups (app_key, id, display_name)
      SELECT a.key, e.external_id, e.name FROM entitlements e JOIN applications a ON a.id = e.application_id
      WHERE a.key IN (${inKeys}) ON CONFLICT DO NOTHING RETURNING id`);
    const users = await q(tx, sql`
      INSERT INTO demo_apps.users (app_key, id, user_name, active, resource, created_at)
      SELECT a.key, acc.external_id, acc.username, acc.status = 'active',
             jsonb_strip_nulls(jsonb_build_object(
               'userName', acc.username,
               'externalId', acc.person_id::text,
               'displayName', coalesce(p.display_name, acc.username),
               'name', CASE WHEN p.id IS NULL THEN NULL ELSE jsonb_build_object('givenName', p.given_name, 'familyName', p.family_name, 'formatted', p.display_name) END,
               'emails', CASE WHEN p.id IS NULL THEN NULL ELSE jsonb_build_array(jsonb_build_object('value', p.email, 'type', 'work', 'primary', true)) END,
               'title', p.title)),
             acc.created_at
      FROM accounts acc JOIN applications a ON a.id = acc.application_id LEFT JOIN people p ON p.id = acc.person_id
      WHERE a.key IN (${inKeys}) AND acc.status <> 'deleted'
      ON CONFLICT DO NOTHING RETURNING id`);
    const members = await q(tx, sql`
      INSERT INTO demo_apps.members (app_key, group_id, user_id)
      SELECT a.key, e.external_id, acc.external_id
      FROM account_entitlements ae
        JOIN accounts acc ON acc.id = ae.account_id
        JOIN entitlements e ON e.id = ae.entitlement_id
        JOIN applications a ON a.id = acc.application_id AND a.id = e.application_id
      WHERE a.key IN (${inKeys}) AND acc.status <> 'deleted'
        AND EXISTS (SELECT 1 FROM demo_apps.users u WHERE u.app_key = a.key AND u.id = acc.external_id)
      ON CONFLICT DO NOTHING RETURNING user_id`);
    return { applications: keys.length, users: users.length, groups: groups.length, members: members.length };
  });
}

/** Fetch-style adapter (route handler, tests): Request in, Response out. */
export async function serveDemoScim(db: Queryable, appKey: string, path: string[], request: Request): Promise<Response> {
  let body: unknown;
  if (["POST", "PUT", "PATCH"].includes(request.method.toUpperCase())) {
    const text = await request.text();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return scimResponse(err(400, "The request body is not JSON", "invalidSyntax"));
      }
    }
  }
  const reply = await handleDemoScim(db, { appKey, method: request.method, path, url: new URL(request.url), authorization: request.headers.get("authorization"), body });
  return scimResponse(reply);
}

export function scimResponse(r: ScimReply): Response {
  if (r.body === undefined) return new Response(null, { status: r.status });
  return new Response(JSON.stringify(r.body), { status: r.status, headers: { "content-type": "application/scim+json" } });
}

export const scimServerError = () => scimResponse(err(500, "Internal error"));

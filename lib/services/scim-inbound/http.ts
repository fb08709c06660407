/**
 * The HTTP face of the inbound SCIM server, independent of Next.js: `(db, Request, route) →
 * Response`. Route handlers in app/scim/v2 are one-liners over it and tests call it directly.
 *
 * Protocol rules enforced here (RFC 7644 §3): `application/scim+json` responses; Error messages
 * with `scimType`; 401 + `WWW-Authenticate: Bearer` without a valid token; bodies over 1 MB → 413;
 * malformed JSON → 400 invalidSyntax; 201 + Location + ETag on create; If-Match → 412 on mismatch;
 * If-None-Match on GET → 304; 405 for methods an endpoint does not have; 501 for what is not
 * implemented (Bulk, /Me); root searches (GET /?filter, POST /.search) cover Users then Groups; discovery endpoints refuse filters (403).
 * Groups are IdP groups (groups.ts): POST / PUT / PATCH / DELETE as for Users.
 * Endpoint names are matched case-insensitively (a catch-all route forwards e.g. /scim/v2/users).
 */
import { z } from "zod";
import type { Db } from "@/db/client";
import { ScimError } from "@/lib/domain/scim/errors";
import { firstUnsafeText, isSafeText, UNSAFE_TEXT_MESSAGE } from "@/lib/domain/strict-input";
import { compileFilter, MAX_FILTER_LENGTH } from "@/lib/domain/scim/filter";
import { project } from "@/lib/domain/scim/resource";
import { GROUP, URN, USER, type ResourceSchema } from "@/lib/domain/scim/schema";
import { AppError, toUserError } from "@/lib/errors";
import { scimActor } from "./auth";
import { MAX_PAYLOAD_BYTES, resourceTypes, schemas, serviceProviderConfig } from "./discovery";
import { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup } from "./groups";
import { createUser, DEFAULT_COUNT, deleteUser, etagMatches, getUser, listUsers, MAX_COUNT, patchUser, replaceUser, type ListInput, type ScimCtx } from "./users";

export const SCIM_CONTENT_TYPE = "application/scim+json";
export type ScimEndpoint = "Users" | "Groups" | "ServiceProviderConfig" | "Schemas" | "ResourceTypes" | "root" | "other";
export type ScimRoute = { endpoint: ScimEndpoint; id?: string; rest?: string[] };

const ENDPOINTS: ScimEndpoint[] = ["Users", "Groups", "ServiceProviderConfig", "Schemas", "ResourceTypes"];

export function scimResponse(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  if (body === undefined || status === 204 || status === 304) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": SCIM_CONTENT_TYPE, ...headers } });
}

const errorResponse = (e: ScimError, headers: Record<string, string> = {}) => scimResponse(e.status, e.toJSON(), headers);

const queryParams = z.object({
  filter: z.string().max(MAX_FILTER_LENGTH, `filter is longer than ${MAX_FILTER_LENGTH} characters`).nullish(),
  startIndex: z.string().max(20).nullish(),
  count: z.string().max(20).nullish(),
  sortBy: z.string().max(300).nullish(),
  sortOrder: z.string().max(20).nullish(),
  attributes: z.string().max(4000).nullish(),
  excludedAttributes: z.string().max(4000).nullish(),
});

const searchBody = z.object({
  schemas: z.array(z.string()).optional(),
  filter: z.string().max(MAX_FILTER_LENGTH).optional(),
  startIndex: z.union([z.number(), z.string()]).optional(),
  count: z.union([z.number(), z.string()]).optional(),
  sortBy: z.string().max(300).optional(),
  sortOrder: z.string().max(20).optional(),
  attributes: z.union([z.array(z.string()), z.string()]).optional(),
  excludedAttributes: z.union([z.array(z.string()), z.string()]).optional(),
});

function listInputOf(url: URL): ListInput {
  const raw = Object.fromEntries(["filter", "startIndex", "count", "sortBy", "sortOrder", "attributes", "excludedAttributes"].map((k) => {
    const key = [...url.searchParams.keys()].find((x) => x.toLowerCase() === k.toLowerCase());
    return [k, key ? url.searchParams.get(key) : null];
  }));
  for (const [k, v] of Object.entries(raw)) if (v && !isSafeText(v)) throw new ScimError(400, k === "filter" ? "invalidFilter" : "invalidValue", `"${k}" ${UNSAFE_TEXT_MESSAGE}.`);
  const p = queryParams.safeParse(raw);
  if (!p.success) throw new ScimError(400, "invalidValue", p.error.issues[0]?.message ?? "Invalid query parameters.");
  return p.data;
}

function searchInputOf(body: unknown): ListInput {
  const p = searchBody.safeParse(body);
  if (!p.success) throw new ScimError(400, "invalidSyntax", `Not a SearchRequest: ${p.error.issues[0]?.path.join(".")} ${p.error.issues[0]?.message}`);
  if (p.data.schemas && !p.data.schemas.includes(URN.searchRequest)) throw new ScimError(400, "invalidSyntax", `"schemas" must contain "${URN.searchRequest}".`);
  const join = (v: string[] | string | undefined) => (Array.isArray(v) ? v.join(",") : v);
  return { ...p.data, attributes: join(p.data.attributes), excludedAttributes: join(p.data.excludedAttributes) };
}

/** Read at most MAX_PAYLOAD_BYTES and parse JSON. */
async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > MAX_PAYLOAD_BYTES) throw new ScimError(413, undefined, `The request body is larger than ${MAX_PAYLOAD_BYTES} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_PAYLOAD_BYTES) {
        await reader.cancel().catch(() => {});
        throw new ScimError(413, undefined, `The request body is larger than ${MAX_PAYLOAD_BYTES} bytes.`);
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new ScimError(400, "invalidSyntax", "The request body is empty.");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ScimError(400, "invalidSyntax", "The request body is not valid JSON.");
  }
  const unsafe = firstUnsafeText(body);
  if (unsafe) throw new ScimError(400, "invalidValue", `Text ${UNSAFE_TEXT_MESSAGE}${unsafe === "(value)" ? "" : ` (at ${unsafe})`}.`);
  return body;
}

/**
 * The endpoint URL prefix as the client addressed it, e.g. https://host/scim/v2 (Location,
 * meta.location, $ref): X-Forwarded-Proto/Host from a reverse proxy, else Host, else the URL.
 */
export function baseUrlOf(req: Request): string {
  const url = new URL(req.url);
  const first = (h: string) => req.headers.get(h)?.split(",")[0]?.trim() || undefined;
  const proto = first("x-forwarded-proto")?.replace(/:$/, "") ?? url.protocol.replace(/:$/, "");
  const hostRaw = first("x-forwarded-host") ?? first("host") ?? url.host;
  const host = /^[A-Za-z0-9.\-:[\]]+$/.test(hostRaw) ? hostRaw : url.host;
  const i = url.pathname.toLowerCase().indexOf("/scim/v2");
  return `${/^https?$/.test(proto) ? proto : "https"}://${host}${i >= 0 ? url.pathname.slice(0, i + "/scim/v2".length) : "/scim/v2"}`;
}

const methodNotAllowed = (allow: string) => errorResponse(new ScimError(405, undefined, `Method not allowed here; allowed: ${allow}.`), { Allow: allow });

function withResource(status: number, resource: Record<string, unknown>, url: URL, extra: Record<string, string> = {}, rt: ResourceSchema = USER) {
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  const shown = project(rt, resource, url.searchParams.get("attributes"), url.searchParams.get("excludedAttributes"));
  return scimResponse(status, shown, { ...(meta?.version ? { ETag: meta.version } : {}), ...extra });
}

/** Normalise a route: the catch-all maps /scim/v2/users/… onto the Users endpoint, etc. */
function resolveRoute(route: ScimRoute): ScimRoute | "Me" | "Bulk" | "search" | null {
  if (route.endpoint !== "other") return route;
  const [first, id, ...more] = route.rest ?? [];
  if (!first) return { endpoint: "root" };
  const lower = first.toLowerCase();
  if (lower === "me") return "Me";
  if (lower === "bulk") return "Bulk";
  if (lower === ".search" && !id) return "search";
  const ep = ENDPOINTS.find((e) => e.toLowerCase() === lower);
  if (!ep || more.length) return null;
  return { endpoint: ep, id: id ? decodeURIComponent(id) : undefined };
}

/** The caller's context from its bearer token, or the 401 to answer. */
async function authenticate(getDb: () => Promise<Db>, req: Request, baseUrl: string): Promise<ScimCtx | Response> {
  const db = await getDb();
  const actor = await scimActor(db, req.headers.get("authorization"));
  if (!actor) {
    return errorResponse(new ScimError(401, undefined, "A valid SCIM bearer token is required (Authorization: Bearer ghscim_…)."), { "WWW-Authenticate": 'Bearer realm="Gatehouse SCIM"' });
  }
  return { actor, db, baseUrl };
}

async function dispatch(getDb: () => Promise<Db>, req: Request, route: ScimRoute): Promise<Response> {
  const url = new URL(req.url);
  const method = req.method.toUpperCase();
  const baseUrl = baseUrlOf(req);
  const r = resolveRoute(route);
  if (r === null) throw new ScimError(404, undefined, `No SCIM endpoint at ${url.pathname}.`);
  if (r === "Me") throw new ScimError(501, undefined, "/Me is not supported: SCIM clients here are HR sources, not people.");
  if (r === "Bulk") throw new ScimError(501, undefined, "Bulk operations are not supported (ServiceProviderConfig bulk.supported = false).");
  if (r === "search" || r.endpoint === "root") {
    if (r === "search" && method !== "POST") return methodNotAllowed("POST");
    if (r !== "search" && method !== "GET") return methodNotAllowed("GET");
    if (r !== "search" && !url.searchParams.toString()) throw new ScimError(404, undefined, "This is the SCIM 2.0 base URL: use /Users, /Groups, /ServiceProviderConfig, /ResourceTypes or /Schemas.");
    const ctx = await authenticate(getDb, req, baseUrl);
    if (ctx instanceof Response) return ctx;
    return scimResponse(200, await searchAll(ctx, r === "search" ? searchInputOf(await readJson(req)) : listInputOf(url)));
  }

  // Discovery: no token needed, GET only, no filters (RFC 7644 §4: 403 for a filter).
  if (r.endpoint === "ServiceProviderConfig" || r.endpoint === "Schemas" || r.endpoint === "ResourceTypes") {
    if (method !== "GET") return methodNotAllowed("GET");
    if (url.searchParams.has("filter")) throw new ScimError(403, undefined, "Filtering is not supported on discovery endpoints.");
    if (r.endpoint === "ServiceProviderConfig") {
      if (r.id) throw new ScimError(404, undefined, "ServiceProviderConfig has no sub-resources.");
      return scimResponse(200, serviceProviderConfig(baseUrl));
    }
    const all: Array<Record<string, unknown>> = r.endpoint === "Schemas" ? schemas(baseUrl) : resourceTypes(baseUrl);
    if (r.id) {
      const one = all.find((x) => String(x.id).toLowerCase() === r.id!.toLowerCase());
      if (!one) throw new ScimError(404, undefined, `${r.endpoint === "Schemas" ? "Schema" : "ResourceType"} "${r.id}" not found.`);
      return scimResponse(200, one);
    }
    return scimResponse(200, { schemas: [URN.listResponse], totalResults: all.length, itemsPerPage: all.length, startIndex: 1, Resources: all });
  }

  const ctx = await authenticate(getDb, req, baseUrl);
  if (ctx instanceof Response) return ctx;
  const ifMatch = req.headers.get("if-match");

  if (r.endpoint === "Groups") {
    if (!r.id) {
      if (method === "GET") return scimResponse(200, await listGroups({ ctx, input: listInputOf(url) }));
      if (method === "POST") {
        const g = await createGroup({ ctx, input: { body: await readJson(req) } });
        return withResource(201, g, url, { Location: String((g.meta as { location: string }).location) }, GROUP);
      }
      return methodNotAllowed("GET, POST");
    }
    if (r.id === ".search") {
      if (method !== "POST") return methodNotAllowed("POST");
      return scimResponse(200, await listGroups({ ctx, input: searchInputOf(await readJson(req)) }));
    }
    switch (method) {
      case "GET": {
        const g = await getGroup({ ctx, input: { id: r.id } });
        const version = String((g.meta as { version: string }).version);
        if (etagMatches(req.headers.get("if-none-match"), version)) return scimResponse(304, undefined, { ETag: version });
        return withResource(200, g, url, {}, GROUP);
      }
      case "PUT":
        return withResource(200, await replaceGroup({ ctx, input: { id: r.id, body: await readJson(req), ifMatch } }), url, {}, GROUP);
      case "PATCH":
        return withResource(200, await patchGroup({ ctx, input: { id: r.id, body: await readJson(req), ifMatch } }), url, {}, GROUP);
      case "DELETE":
        await deleteGroup({ ctx, input: { id: r.id, ifMatch } });
        return scimResponse(204);
      default:
        return methodNotAllowed("GET, PUT, PATCH, DELETE");
    }
  }

  // Users
  if (!r.id) {
    if (method === "GET") return scimResponse(200, await listUsers({ ctx, input: listInputOf(url) }));
    if (method === "POST") {
      const user = await createUser({ ctx, input: { body: await readJson(req) } });
      const location = String((user.meta as { location: string }).location);
      return withResource(201, user, url, { Location: location });
    }
    return methodNotAllowed("GET, POST");
  }
  if (r.id === ".search") {
    if (method !== "POST") return methodNotAllowed("POST");
    return scimResponse(200, await listUsers({ ctx, input: searchInputOf(await readJson(req)) }));
  }
  switch (method) {
    case "GET": {
      const user = await getUser({ ctx, input: { id: r.id } });
      const version = String((user.meta as { version: string }).version);
      if (etagMatches(req.headers.get("if-none-match"), version)) return scimResponse(304, undefined, { ETag: version });
      return withResource(200, user, url);
    }
    case "PUT":
      return withResource(200, await replaceUser({ ctx, input: { id: r.id, body: await readJson(req), ifMatch } }), url);
    case "PATCH":
      return withResource(200, await patchUser({ ctx, input: { id: r.id, body: await readJson(req), ifMatch } }), url);
    case "DELETE":
      await deleteUser({ ctx, input: { id: r.id, ifMatch } });
      return scimResponse(204);
    default:
      return methodNotAllowed("GET, PUT, PATCH, DELETE");
  }
}

/**
 * A search from the root (RFC 7644 §3.4.3: GET /?filter=… or POST /.search) over Users, then Groups.
 * A filter naming an attribute only one type has matches nothing of the other type.
 */
async function searchAll(ctx: ScimCtx, input: ListInput) {
  const startIndex = Math.max(1, Number(input.startIndex ?? 1) || 1);
  const count = Math.min(MAX_COUNT, Math.max(0, input.count === null || input.count === undefined || input.count === "" ? DEFAULT_COUNT : Number(input.count) || 0));
  const compiles = (rt: ResourceSchema) => {
    if (!input.filter) return null;
    try {
      compileFilter(input.filter, rt);
      return null;
    } catch (e) {
      return e;
    }
  };
  const [userErr, groupErr] = [compiles(USER), compiles(GROUP)];
  if (userErr && groupErr) throw userErr;
  const none = { totalResults: 0, Resources: [] as unknown[] };
  const users = userErr ? none : await listUsers({ ctx, input: { ...input, startIndex, count } });
  const groupStart = Math.max(1, startIndex - users.totalResults);
  const groupCount = Math.max(0, count - users.Resources.length);
  const groups = groupErr ? none : await listGroups({ ctx, input: { ...input, startIndex: groupStart, count: groupCount } });
  const resources = [...users.Resources, ...groups.Resources].slice(0, count);
  return { schemas: [URN.listResponse], totalResults: users.totalResults + groups.totalResults, itemsPerPage: resources.length, startIndex, Resources: resources };
}

/** A SCIM 404 for paths that are not SCIM resources. */
export function scimNotFound(req: Request): Response {
  return errorResponse(new ScimError(404, undefined, `No SCIM resource at ${new URL(req.url).pathname}.`));
}

/** Entry point for every /scim/v2 route handler (and for tests). Never throws. */
export async function handleScimRequest(getDb: () => Promise<Db>, req: Request, route: ScimRoute): Promise<Response> {
  try {
    return await dispatch(getDb, req, route);
  } catch (e) {
    if (e instanceof ScimError) return errorResponse(e);
    // The one mapping (lib/errors.ts): domain refusals, zod errors and input the database refused become 4xx; bugs 500 (logged, redacted).
    const u = toUserError(e);
    const scimType = u.status === 400 ? "invalidValue" : u.status === 409 ? "uniqueness" : undefined;
    return errorResponse(new ScimError(u.status, scimType, u.message));
  }
}

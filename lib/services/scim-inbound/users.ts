/**
 * /Users verbs of the inbound SCIM server: list (filter, sort, page, project), get, create,
 * replace (PUT), patch and delete. Every write runs in ONE transaction: lock the person, check the
 * ETag precondition, compute the new representation, hand it to the HR pipeline (joiner / mover /
 * leaver / rehire, birthright grants, provisioning plan, audit) and write a `scim.user.*` audit
 * event naming the token; any error rolls everything back (a failed PATCH changes nothing).
 */
import type { Queryable } from "@/db/client";
import {
  countScimPeople, filterToSql, listScimPeople, managerEmployeeIdFor, renameEmployeeId, scimClaimants, scimPersonByEmployeeId, scimPersonById,
  sortToSql, type ScimPersonRow,
} from "@/db/queries/scim";
import { recordAudit } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { invalidSyntax, invalidValue, ScimError } from "@/lib/domain/scim/errors";
import { compileFilter, matches, sortComparator, type FilterNode } from "@/lib/domain/scim/filter";
import { applyPatch, parsePatchBody, type PatchOperation } from "@/lib/domain/scim/patch";
import { isObject, normalizeResource, project, type ScimObject } from "@/lib/domain/scim/resource";
import { resolveAttr, splitAttrPath, URN, USER, type Resolved } from "@/lib/domain/scim/schema";
import { applyHrRecords, type ApplyHrResult } from "@/lib/services/lifecycle/apply-hr-records";
import type { Ctx } from "@/lib/services/context";
import { idpGroupsOfPeople } from "@/db/queries/idp-groups";
import { fromScimUser, newEmployeeId, rawLocationOf, toScimUser } from "./mapping";

/** SCIM Users of person rows, each with its IdP groups (`groups`, read-only). */
async function scimUsers(db: Queryable, rows: ScimPersonRow[], baseUrl: string): Promise<ScimObject[]> {
  const groups = await idpGroupsOfPeople(db, rows.map((r) => r.id));
  return rows.map((r) => toScimUser(r, baseUrl, (groups.get(r.id) ?? []).map((g) => ({ id: g.id, displayName: g.name }))));
}
const scimUser = async (db: Queryable, row: ScimPersonRow, baseUrl: string) => (await scimUsers(db, [row], baseUrl))[0]!;

export type ScimCtx = Ctx & { baseUrl: string };
export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;
/** Filters the database cannot answer exactly are evaluated in memory over at most this many candidates. */
export const MAX_CANDIDATES = 20_000;

const notFound = (id: string) => new ScimError(404, undefined, `User "${id}" not found.`);

function guard(actor: Actor) {
  if (!can(actor, "hr.import")) throw new ScimError(403, undefined, "This token may not manage people.");
}

export type ListInput = {
  filter?: string | null; startIndex?: string | number | null; count?: string | number | null;
  sortBy?: string | null; sortOrder?: string | null; attributes?: string | null; excludedAttributes?: string | null;
};

function intParam(v: string | number | null | undefined, name: string): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || !Number.isInteger(n)) throw invalidValue(`"${name}" must be an integer.`);
  return n;
}

/** Paging and sorting parameters (RFC 7644 §3.4.2.3-4): startIndex < 1 means 1, count < 0 means 0. */
export function listParams(input: ListInput) {
  const startIndex = Math.max(1, intParam(input.startIndex, "startIndex") ?? 1);
  const count = Math.min(MAX_COUNT, Math.max(0, intParam(input.count, "count") ?? DEFAULT_COUNT));
  let sort: { r: Resolved; descending: boolean } | null = null;
  if (input.sortOrder && !/^(ascending|descending)$/i.test(input.sortOrder)) throw invalidValue('"sortOrder" must be "ascending" or "descending".');
  if (input.sortBy) {
    const ref = splitAttrPath(input.sortBy.trim(), USER);
    const r = ref && resolveAttr(USER, ref);
    if (!r) throw invalidValue(`"sortBy": "${input.sortBy}" is not an attribute of User.`);
    const withValue = !r.sub && r.attr.multiValued && r.attr.type === "complex" ? { ...r, sub: r.attr.subAttributes?.find((d) => d.name === "value") } : r;
    sort = { r: withValue, descending: /^descending$/i.test(input.sortOrder ?? "") };
  }
  return { startIndex, count, sort };
}

export function listResponse(resources: ScimObject[], total: number, startIndex: number) {
  return { schemas: [URN.listResponse], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources };
}

export async function listUsers({ ctx, input }: { ctx: ScimCtx; input: ListInput }) {
  guard(ctx.actor);
  const { startIndex, count, sort } = listParams(input);
  const ast: FilterNode | null = input.filter ? compileFilter(input.filter, USER) : null;
  const where = ast ? filterToSql(ast) : { sql: undefined, exact: true };
  const order = sortToSql(sort?.r ?? null, sort?.descending ?? false);
  const show = (u: ScimObject) => project(USER, u, input.attributes, input.excludedAttributes);
  if (where.exact && order) {
    const cond = where.sql;
    const total = await countScimPeople(ctx.db, cond);
    const rows = count === 0 ? [] : await listScimPeople(ctx.db, cond, order, startIndex - 1, count);
    return listResponse((await scimUsers(ctx.db, rows, ctx.baseUrl)).map(show), total, startIndex);
  }
  // The database narrows (a superset), memory decides.
  const cond = where.sql;
  const candidates = await listScimPeople(ctx.db, cond, sortToSql(null, false)!, 0, MAX_CANDIDATES + 1);
  if (candidates.length > MAX_CANDIDATES) throw new ScimError(400, "tooMany", `The filter needs more than ${MAX_CANDIDATES} candidates to be evaluated; narrow it with userName, externalId, active, meta.lastModified or an enterprise attribute.`);
  let hits = (await scimUsers(ctx.db, candidates, ctx.baseUrl)).filter((u) => !ast || matches(ast, u));
  if (sort) hits = [...hits].sort(sortComparator(sort.r, sort.descending));
  return listResponse(hits.slice(startIndex - 1, startIndex - 1 + count).map(show), hits.length, startIndex);
}

export async function getUser({ ctx, input }: { ctx: ScimCtx; input: { id: string } }) {
  guard(ctx.actor);
  const row = await scimPersonById(ctx.db, input.id);
  if (!row) throw notFound(input.id);
  return scimUser(ctx.db, row, ctx.baseUrl);
}

/** Weak comparison of If-Match / If-None-Match lists (RFC 7232 §2.3.2). */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const strip = (t: string) => t.trim().replace(/^W\//, "");
  return header.split(",").some((t) => strip(t) === strip(etag));
}

function checkIfMatch(ifMatch: string | null | undefined, current: ScimObject) {
  if (ifMatch && !etagMatches(ifMatch, String((current.meta as ScimObject).version))) {
    throw new ScimError(412, undefined, "The resource changed since you read it (If-Match does not match its current version).");
  }
}

const tokenOf = (actor: Actor) => ({ tokenId: actor.personId.startsWith("system:scim:") ? actor.personId.slice("system:scim:".length) : null, via: actor.name });

function uniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 4; x = (x as { cause?: unknown }).cause, i++) {
    if ((x as { code?: string }).code === "23505") return true;
  }
  return false;
}

type WriteOpts = { current: ScimPersonRow | null; employeeId?: string; rawLocation?: string; deleted?: string; action: string; ops?: PatchOperation[] };

/** Apply a canonical SCIM User through the HR pipeline inside `tx`; returns the stored person. */
async function writeUser(tx: Queryable, actor: Actor, user: ScimObject, o: WriteOpts): Promise<{ row: ScimPersonRow; result: ApplyHrResult }> {
  const today = new Date().toISOString().slice(0, 10);
  const m = fromScimUser(user, o.current, { rawLocation: o.rawLocation, today, deleted: o.deleted, created: o.action === "scim.user.created" || o.action === "scim.user.rehired" });
  let employeeId = o.current?.employeeId ?? o.employeeId ?? m.employeeNumber ?? m.externalId ?? newEmployeeId();
  if (o.current && m.employeeNumber && m.employeeNumber !== o.current.employeeId) {
    const holder = await scimPersonByEmployeeId(tx, m.employeeNumber);
    if (holder && holder.id !== o.current.id) throw new ScimError(409, "uniqueness", `employeeNumber "${m.employeeNumber}" belongs to another person.`);
    await renameEmployeeId(tx, o.current.id, m.employeeNumber);
    employeeId = m.employeeNumber;
  }
  const claimants = await scimClaimants(tx, { employeeId: null, email: m.record.email, userName: m.userName });
  if (claimants.some((c) => c.id !== o.current?.id)) throw new ScimError(409, "uniqueness", `userName "${m.userName}" is already in use.`);
  let managerEmployeeId: string | null = null;
  if (m.managerRef) {
    managerEmployeeId = await managerEmployeeIdFor(tx, m.managerRef);
    if (!managerEmployeeId) throw invalidValue(`manager "${m.managerRef}" is not a known User.`);
    if (managerEmployeeId === employeeId) throw invalidValue("A person cannot be their own manager.");
  }
  // One person per SCIM request, inside the request's transaction: the mass-change guard applies to batches
  // (CSV, webhook), and a held run written here would be rolled back with the refused request.
  const result = await applyHrRecords({ ctx: { db: tx, actor }, input: { source: "scim" }, records: [{ ...m.record, employeeId, managerEmployeeId }] }, { guard: false });
  if (!result.applied) throw invalidValue(result.errors.map((e) => e.message).join("; ") || "The change was not applied.");
  const row = await scimPersonByEmployeeId(tx, employeeId);
  if (!row) throw new Error("person vanished after the HR pipeline");
  await recordAudit(tx, {
    actorId: null, actorKind: "api", action: o.action, targetKind: "person", targetId: row.id,
    data: { ...tokenOf(actor), userName: m.userName, employeeId, events: result.events.map((e) => e.kind), ...(o.ops ? { operations: o.ops.map((x) => ({ op: x.op, path: x.path ?? null })) } : {}) },
  });
  return { row, result };
}

async function inTx<T>(ctx: ScimCtx, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction((tx) => fn(tx));
  } catch (e) {
    if (uniqueViolation(e)) throw new ScimError(409, "uniqueness", "userName or employeeNumber is already in use.");
    throw e;
  }
}

function userBody(body: unknown): ScimObject {
  if (!isObject(body)) throw invalidSyntax("The body must be a JSON object.");
  const user = normalizeResource(USER, body);
  const schemas = (user.schemas as string[] | undefined) ?? [];
  if (!schemas.some((s) => s.toLowerCase() === URN.user.toLowerCase())) throw invalidSyntax(`"schemas" must contain "${URN.user}".`);
  return user;
}

export async function createUser({ ctx, input }: { ctx: ScimCtx; input: { body: unknown } }) {
  guard(ctx.actor);
  const user = userBody(input.body);
  const probe = fromScimUser(user, null, { rawLocation: rawLocationOf(input.body), today: "" });
  const row = await inTx(ctx, async (tx) => {
    const claim = await scimClaimants(tx, { employeeId: probe.employeeNumber ?? probe.externalId, email: probe.record.email, userName: probe.userName });
    if (claim.some((c) => c.visible)) throw new ScimError(409, "uniqueness", `A User with userName "${probe.userName}"${probe.employeeNumber ? ` or employeeNumber "${probe.employeeNumber}"` : ""} already exists.`);
    const ids = [...new Set(claim.map((c) => c.id))];
    if (ids.length > 1) throw new ScimError(409, "uniqueness", "userName and employeeNumber belong to two different former people.");
    // A deleted (terminated) person with the same userName or employee number comes back: a rehire.
    const current = ids.length ? await scimPersonById(tx, ids[0], { forUpdate: true, includeDeleted: true }) : null;
    const { row } = await writeUser(tx, ctx.actor, user, { current, rawLocation: rawLocationOf(input.body), action: current ? "scim.user.rehired" : "scim.user.created" });
    return row;
  });
  return scimUser(ctx.db, row, ctx.baseUrl);
}

export async function replaceUser({ ctx, input }: { ctx: ScimCtx; input: { id: string; body: unknown; ifMatch?: string | null } }) {
  guard(ctx.actor);
  const user = userBody(input.body);
  const row = await inTx(ctx, async (tx) => {
    const current = await scimPersonById(tx, input.id, { forUpdate: true });
    if (!current) throw notFound(input.id);
    checkIfMatch(input.ifMatch, await scimUser(tx, current, ctx.baseUrl));
    return (await writeUser(tx, ctx.actor, user, { current, rawLocation: rawLocationOf(input.body), action: "scim.user.replaced" })).row;
  });
  return scimUser(ctx.db, row, ctx.baseUrl);
}

/** `x-location` is accepted as a PATCH path or path-less key too: it means the work address's locality. */
function rewriteXLocation(ops: PatchOperation[]): PatchOperation[] {
  const target = 'addresses[type eq "work"].locality';
  return ops.flatMap((o) => {
    if (o.path && o.path.toLowerCase() === "x-location") return [{ ...o, path: target }];
    if (!o.path && isObject(o.value)) {
      const key = Object.keys(o.value).find((k) => k.toLowerCase() === "x-location");
      if (key) {
        const { [key]: loc, ...rest } = o.value;
        return [{ ...o, value: rest }, { op: o.op === "remove" ? o.op : "replace", path: target, value: loc }];
      }
    }
    return [o];
  });
}

export async function patchUser({ ctx, input }: { ctx: ScimCtx; input: { id: string; body: unknown; ifMatch?: string | null } }) {
  guard(ctx.actor);
  const ops = rewriteXLocation(parsePatchBody(input.body));
  const row = await inTx(ctx, async (tx) => {
    const current = await scimPersonById(tx, input.id, { forUpdate: true });
    if (!current) throw notFound(input.id);
    const before = await scimUser(tx, current, ctx.baseUrl);
    checkIfMatch(input.ifMatch, before);
    const after = normalizeResource(USER, applyPatch(before, ops, USER));
    return (await writeUser(tx, ctx.actor, after, { current, action: "scim.user.patched", ops })).row;
  });
  return scimUser(ctx.db, row, ctx.baseUrl);
}

/** DELETE = leaver (all access removed by the pipeline) + hidden from /Users; the row and history stay. */
export async function deleteUser({ ctx, input }: { ctx: ScimCtx; input: { id: string; ifMatch?: string | null } }) {
  guard(ctx.actor);
  await inTx(ctx, async (tx) => {
    const current = await scimPersonById(tx, input.id, { forUpdate: true });
    if (!current) throw notFound(input.id);
    const before = await scimUser(tx, current, ctx.baseUrl);
    checkIfMatch(input.ifMatch, before);
    const gone = normalizeResource(USER, { ...before, active: false });
    await writeUser(tx, ctx.actor, gone, { current, deleted: new Date().toISOString(), action: "scim.user.deleted" });
  });
}

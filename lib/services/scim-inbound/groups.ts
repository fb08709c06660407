/**
 * /Groups: IdP groups (Entra group provisioning, Okta Push Groups) as writable SCIM Groups.
 *
 * A group is a named collection of people (members are Users; nested groups are refused, 400
 * invalidValue; ids that name no User are ignored and noted in the audit event). It grants nothing
 * by itself: birthright rules may say "members of IdP group X get role Y" (condition `idpGroup`)
 * and review campaigns may be scoped to members of groups. So every
 * membership change (POST, PUT, PATCH, DELETE, rename) re-evaluates birthright access of the people
 * whose membership changed and plans the provisioning operations that follow, in the same transaction
 * as the change and its `scim.group.*` audit event, exactly as an HR attribute change does.
 *
 * Lists are filtered, sorted and paged in memory after a database narrowing on displayName / externalId
 * / id equality (the lookups IdPs make); members are loaded only when returned or filtered on.
 */
import { sql } from "drizzle-orm";
import {
  addIdpGroupMembers, deleteIdpGroupRow, idpGroupById, idpGroupByName, idpGroupMemberIds, idpGroupMembersOf, idpGroupRows, insertIdpGroup,
  removeIdpGroupMembers, updateIdpGroup, visiblePeopleIds, type IdpGroupRow,
} from "@/db/queries/idp-groups";
import { idpGroups } from "@/db/schema";
import type { Queryable } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { can, type Actor } from "@/lib/auth/can";
import { invalidSyntax, invalidValue, ScimError } from "@/lib/domain/scim/errors";
import { compileFilter, matches, sortComparator, type FilterNode } from "@/lib/domain/scim/filter";
import { applyPatch, parsePatchBody } from "@/lib/domain/scim/patch";
import { isObject, normalizeResource, project, type ScimObject } from "@/lib/domain/scim/resource";
import { GROUP, resolveAttr, splitAttrPath, URN } from "@/lib/domain/scim/schema";
import { syncBirthrightGrants } from "@/lib/services/access/sync-birthright";
import { nowOf } from "@/lib/services/context";
import { planPeople } from "@/lib/services/provisioning/plan";
import { etagOf } from "./mapping";
import { DEFAULT_COUNT, etagMatches, listResponse, MAX_COUNT, type ListInput, type ScimCtx } from "./users";
import { wakeDispatcher } from "@/lib/jobs/wake";

function guard(ctx: ScimCtx) {
  if (!can(ctx.actor, "hr.import")) throw new ScimError(403, undefined, "This token may not manage people or groups.");
}

const notFound = (id: string) => new ScimError(404, undefined, `Group "${id}" not found.`);
const mentionsMembers = (s: string | null | undefined) => Boolean(s && /(^|[\s,(:\[])members\b/i.test(s));
const tokenOf = (actor: Actor) => ({ tokenId: actor.personId.startsWith("system:scim:") ? actor.personId.slice("system:scim:".length) : null, via: actor.name });

function toScimGroup(g: IdpGroupRow, members: Array<{ personId: string; displayName: string }> | null, baseUrl: string): ScimObject {
  const out: ScimObject = {
    schemas: [URN.group], id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(members?.length ? { members: members.map((m) => ({ value: m.personId, $ref: `${baseUrl}/Users/${m.personId}`, display: m.displayName.trim(), type: "User" })) } : {}),
    meta: { resourceType: "Group", created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${baseUrl}/Groups/${g.id}` },
  };
  // The same version whether members are shown or not: every membership change bumps lastModified.
  (out.meta as ScimObject).version = etagOf({ id: g.id, displayName: g.displayName, externalId: g.externalId, meta: out.meta });
  return out;
}

async function loadGroups(db: Queryable, rows: IdpGroupRow[], withMembers: boolean, baseUrl: string): Promise<ScimObject[]> {
  const members = withMembers ? await idpGroupMembersOf(db, rows.map((r) => r.id)) : [];
  const byGroup = new Map<string, Array<{ personId: string; displayName: string }>>();
  for (const m of members) byGroup.set(m.groupId, [...(byGroup.get(m.groupId) ?? []), m]);
  return rows.map((g) => toScimGroup(g, withMembers ? (byGroup.get(g.id) ?? []) : null, baseUrl));
}

/** One group with its members (what writes start from and ETags are computed on). */
async function fullGroup(db: Queryable, id: string, baseUrl: string, forUpdate = false): Promise<{ row: IdpGroupRow; scim: ScimObject }> {
  const row = await idpGroupById(db, id, { forUpdate });
  if (!row) throw notFound(id);
  const [scim] = await loadGroups(db, [row], true, baseUrl);
  return { row, scim: scim! };
}

/** A database narrowing for `displayName eq`, `externalId eq`, `id eq` at the top of an AND chain. */
function narrowing(ast: FilterNode | null) {
  const conj = (f: FilterNode): FilterNode[] => (f.kind === "and" ? [...conj(f.left), ...conj(f.right)] : [f]);
  for (const c of ast ? conj(ast) : []) {
    if (c.kind !== "cmp" || c.op !== "eq" || typeof c.value !== "string" || !c.resolved?.root || c.resolved.sub) continue;
    const name = c.resolved.attr.name;
    if (name === "displayName") return sql`lower(${idpGroups.displayName}) = lower(${c.value})`;
    if (name === "externalId") return sql`${idpGroups.externalId} = ${c.value}`;
    if (name === "id") return sql`${idpGroups.id}::text = ${c.value}`;
  }
  return undefined;
}

export async function listGroups({ ctx, input }: { ctx: ScimCtx; input: ListInput }) {
  guard(ctx);
  const startIndex = Math.max(1, Number.isInteger(Number(input.startIndex ?? 1)) ? Number(input.startIndex ?? 1) : 1);
  const count = Math.min(MAX_COUNT, Math.max(0, input.count === null || input.count === undefined || input.count === "" ? DEFAULT_COUNT : Number(input.count)));
  if (!Number.isFinite(count)) throw invalidValue('"count" must be an integer.');
  if (input.sortOrder && !/^(ascending|descending)$/i.test(input.sortOrder)) throw invalidValue('"sortOrder" must be "ascending" or "descending".');
  const ast = input.filter ? compileFilter(input.filter, GROUP) : null;
  const withMembers = mentionsMembers(input.filter) || mentionsMembers(input.sortBy) ||
    (input.attributes ? mentionsMembers(input.attributes) : !mentionsMembers(input.excludedAttributes));
  const rows = await idpGroupRows(ctx.db, narrowing(ast));
  let groups = (await loadGroups(ctx.db, rows, withMembers, ctx.baseUrl)).filter((g) => !ast || matches(ast, g));
  if (input.sortBy) {
    const ref = splitAttrPath(input.sortBy, GROUP);
    const r = ref && resolveAttr(GROUP, ref);
    if (!r) throw invalidValue(`"sortBy": "${input.sortBy}" is not an attribute of Group.`);
    groups = [...groups].sort(sortComparator(r, /^descending$/i.test(input.sortOrder ?? "")));
  }
  const page = groups.slice(startIndex - 1, startIndex - 1 + count).map((g) => project(GROUP, g, input.attributes, input.excludedAttributes));
  return listResponse(page, groups.length, startIndex);
}

/** The full representation (the caller projects `attributes` / `excludedAttributes`). */
export async function getGroup({ ctx, input }: { ctx: ScimCtx; input: { id: string } }) {
  guard(ctx);
  return (await fullGroup(ctx.db, input.id, ctx.baseUrl)).scim;
}

type Desired = { displayName: string; externalId: string | null; memberIds: string[]; ignored: string[] };

/**
 * A canonical Group → what to store. Members are visible Users; ids that name no User are ignored (not
 * stored, listed as `ignoredMembers` in the audit event): RFC 7644 does not make servers check them, and
 * an IdP that adds a member it has not provisioned yet must not fail the whole group.
 */
async function desiredOf(db: Queryable, group: ScimObject): Promise<Desired> {
  const displayName = typeof group.displayName === "string" ? group.displayName.trim() : "";
  if (!displayName) throw invalidValue('"displayName" is required.');
  if (displayName.length > 300) throw invalidValue('"displayName" is limited to 300 characters.');
  const externalId = typeof group.externalId === "string" && group.externalId.trim() ? group.externalId.trim() : null;
  const members = Array.isArray(group.members) ? (group.members as ScimObject[]) : [];
  const ids: string[] = [];
  for (const m of members) {
    if (m.type !== undefined && String(m.type).toLowerCase() !== "user") throw invalidValue("Group members must be Users: nested groups are not supported.");
    const v = typeof m.value === "string" ? m.value.trim() : "";
    if (!v) throw invalidValue('Each member needs a "value" (the User\'s id).');
    if (!ids.includes(v)) ids.push(v);
  }
  if (ids.length > 100_000) throw invalidValue("A group is limited to 100,000 members.");
  const known = await visiblePeopleIds(db, ids);
  return { displayName, externalId, memberIds: ids.filter((x) => known.has(x)), ignored: ids.filter((x) => !known.has(x)).slice(0, 100) };
}

function groupBody(body: unknown): ScimObject {
  if (!isObject(body)) throw invalidSyntax("The body must be a JSON object.");
  const g = normalizeResource(GROUP, body);
  const schemas = (g.schemas as string[] | undefined) ?? [];
  if (!schemas.some((s) => s.toLowerCase() === URN.group.toLowerCase())) throw invalidSyntax(`"schemas" must contain "${URN.group}".`);
  return g;
}

function uniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x && i < 4; x = (x as { cause?: unknown }).cause, i++) if ((x as { code?: string }).code === "23505") return true;
  return false;
}

async function inTx<T>(ctx: ScimCtx, fn: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction((tx) => fn(tx));
  } catch (e) {
    if (uniqueViolation(e)) throw new ScimError(409, "uniqueness", "A Group with this displayName already exists.");
    throw e;
  }
}

/**
 * Store `d` as group `groupId` (null = new), re-evaluate birthright access of everyone whose membership
 * changed (all members when the name changed: rules may name the group), plan operations, audit.
 */
async function writeGroup(tx: Queryable, ctx: ScimCtx, planned: { operations: number }, current: { row: IdpGroupRow; memberIds: string[] } | null, d: Desired, action: string, extra: Record<string, unknown> = {}) {
  const now = nowOf(ctx);
  const clash = await idpGroupByName(tx, d.displayName);
  if (clash && clash.id !== current?.row.id) throw new ScimError(409, "uniqueness", `A Group named "${d.displayName}" already exists.`);
  let id: string;
  if (current) {
    id = current.row.id;
    await updateIdpGroup(tx, id, { displayName: d.displayName, externalId: d.externalId, at: now });
  } else {
    id = (await insertIdpGroup(tx, { displayName: d.displayName, externalId: d.externalId, at: now })).id;
  }
  const before = new Set(current?.memberIds ?? []);
  const after = new Set(d.memberIds);
  const added = d.memberIds.filter((x) => !before.has(x));
  const removed = [...before].filter((x) => !after.has(x));
  await addIdpGroupMembers(tx, id, added, now);
  await removeIdpGroupMembers(tx, id, removed);
  const renamed = Boolean(current && current.row.displayName !== d.displayName);
  const affected = renamed ? [...new Set([...added, ...removed, ...after])] : [...added, ...removed];
  const access = await reevaluate(tx, ctx, affected, id, now);
  planned.operations += access.operations;
  await recordAudit(tx, {
    actorId: null, actorKind: "api", action, targetKind: "idp_group", targetId: id,
    data: {
      ...tokenOf(ctx.actor), displayName: d.displayName, externalId: d.externalId, membersAdded: added, membersRemoved: removed, memberCount: after.size,
      ...(renamed ? { renamedFrom: current!.row.displayName } : {}), ...(d.ignored.length ? { ignoredMembers: d.ignored } : {}), access, ...extra,
    },
  });
  return id;
}

/** Birthright access follows the new memberships, as for an HR attribute change (sync + plan, same tx). */
async function reevaluate(tx: Queryable, ctx: ScimCtx, personIds: string[], groupId: string, now: Date) {
  const access = { people: personIds.length, added: 0, scheduledForRemoval: 0, operations: 0 };
  if (personIds.length === 0) return access;
  const changes = await syncBirthrightGrants(tx, personIds, { now, moverOverlapDays: 7, actorId: null });
  for (const c of changes) {
    access.added += c.added.length;
    access.scheduledForRemoval += c.scheduled.length;
  }
  const planned = await planPeople(tx, personIds, { kind: "scim.group", id: groupId, actorId: null }, now);
  access.operations = planned.operationIds.length;
  return access;
}

async function wakeIfPlanned(planned: { operations: number }) {
  if (planned.operations === 0) return;
  wakeDispatcher();
}

function checkIfMatch(ifMatch: string | null | undefined, current: ScimObject) {
  if (ifMatch && !etagMatches(ifMatch, String((current.meta as ScimObject).version))) {
    throw new ScimError(412, undefined, "The group changed since you read it (If-Match does not match its current version).");
  }
}

export async function createGroup({ ctx, input }: { ctx: ScimCtx; input: { body: unknown } }) {
  guard(ctx);
  const g = groupBody(input.body);
  const planned = { operations: 0 };
  const id = await inTx(ctx, async (tx) => writeGroup(tx, ctx, planned, null, await desiredOf(tx, g), "scim.group.created"));
  await wakeIfPlanned(planned);
  return (await fullGroup(ctx.db, id, ctx.baseUrl)).scim;
}

export async function replaceGroup({ ctx, input }: { ctx: ScimCtx; input: { id: string; body: unknown; ifMatch?: string | null } }) {
  guard(ctx);
  const g = groupBody(input.body);
  const planned = { operations: 0 };
  await inTx(ctx, async (tx) => {
    const cur = await fullGroup(tx, input.id, ctx.baseUrl, true);
    checkIfMatch(input.ifMatch, cur.scim);
    const memberIds = await idpGroupMemberIds(tx, cur.row.id);
    await writeGroup(tx, ctx, planned, { row: cur.row, memberIds }, await desiredOf(tx, g), "scim.group.replaced");
  });
  await wakeIfPlanned(planned);
  return (await fullGroup(ctx.db, input.id, ctx.baseUrl)).scim;
}

export async function patchGroup({ ctx, input }: { ctx: ScimCtx; input: { id: string; body: unknown; ifMatch?: string | null } }) {
  guard(ctx);
  const ops = parsePatchBody(input.body);
  const planned = { operations: 0 };
  await inTx(ctx, async (tx) => {
    const cur = await fullGroup(tx, input.id, ctx.baseUrl, true);
    checkIfMatch(input.ifMatch, cur.scim);
    // Members hidden from SCIM (deleted Users) stay members: the patch only sees and changes visible ones.
    const allIds = await idpGroupMemberIds(tx, cur.row.id);
    const shown = new Set(((cur.scim.members as ScimObject[] | undefined) ?? []).map((m) => String(m.value)));
    const after = normalizeResource(GROUP, applyPatch(cur.scim, ops, GROUP));
    const d = await desiredOf(tx, after);
    d.memberIds = [...new Set([...allIds.filter((x) => !shown.has(x)), ...d.memberIds])];
    await writeGroup(tx, ctx, planned, { row: cur.row, memberIds: allIds }, d, "scim.group.patched", { operations: ops.map((o) => ({ op: o.op, path: o.path ?? null })) });
  });
  await wakeIfPlanned(planned);
  return (await fullGroup(ctx.db, input.id, ctx.baseUrl)).scim;
}

export async function deleteGroup({ ctx, input }: { ctx: ScimCtx; input: { id: string; ifMatch?: string | null } }) {
  guard(ctx);
  const planned = { operations: 0 };
  await inTx(ctx, async (tx) => {
    const cur = await fullGroup(tx, input.id, ctx.baseUrl, true);
    checkIfMatch(input.ifMatch, cur.scim);
    const memberIds = await idpGroupMemberIds(tx, cur.row.id);
    await deleteIdpGroupRow(tx, cur.row.id);
    const access = await reevaluate(tx, ctx, memberIds, cur.row.id, nowOf(ctx));
    planned.operations += access.operations;
    await recordAudit(tx, {
      actorId: null, actorKind: "api", action: "scim.group.deleted", targetKind: "idp_group", targetId: cur.row.id,
      data: { ...tokenOf(ctx.actor), displayName: cur.row.displayName, externalId: cur.row.externalId, membersRemoved: memberIds, access },
    });
  });
  await wakeIfPlanned(planned);
}

/**
 * /Groups: Gatehouse departments as read-only SCIM Groups (id = slug + hash of the name,
 * displayName = department, members = the visible people in it). Membership follows each person's
 * department, which the HR source sets on the User (enterprise `department`); writes to Groups are
 * answered 501 and ServiceProviderConfig / Schemas say so. Filter, sort and paging run in memory:
 * there are few departments.
 */
import { scimDepartmentMembers, scimDepartments } from "@/db/queries/scim";
import { can } from "@/lib/auth/can";
import { invalidValue, ScimError } from "@/lib/domain/scim/errors";
import { compileFilter, matches, sortComparator } from "@/lib/domain/scim/filter";
import { project, type ScimObject } from "@/lib/domain/scim/resource";
import { GROUP, resolveAttr, splitAttrPath, URN } from "@/lib/domain/scim/schema";
import { etagOf, groupIdOf } from "./mapping";
import { DEFAULT_COUNT, listResponse, MAX_COUNT, type ListInput, type ScimCtx } from "./users";

export const GROUPS_READ_ONLY = "Groups are read-only in Gatehouse: they mirror departments. Set the User's enterprise department instead.";

function guard(ctx: ScimCtx) {
  if (!can(ctx.actor, "hr.import")) throw new ScimError(403, undefined, "This token may not read people.");
}

const mentionsMembers = (s: string | null | undefined) => Boolean(s && /(^|[\s,(:\[])members\b/i.test(s));

async function loadGroups(ctx: ScimCtx, withMembers: boolean): Promise<ScimObject[]> {
  const depts = await scimDepartments(ctx.db);
  const members = withMembers ? await scimDepartmentMembers(ctx.db, depts.map((d) => d.department)) : [];
  const byDept = new Map<string, ScimObject[]>();
  for (const m of members) {
    const list = byDept.get(m.department) ?? [];
    list.push({ value: m.id, $ref: `${ctx.baseUrl}/Users/${m.id}`, display: m.displayName, type: "User" });
    byDept.set(m.department, list);
  }
  return depts.map((d) => {
    const id = groupIdOf(d.department);
    const g: ScimObject = {
      schemas: [URN.group], id, displayName: d.department,
      ...(withMembers ? { members: byDept.get(d.department) ?? [] } : {}),
      meta: { resourceType: "Group", created: d.created.toISOString(), lastModified: d.modified.toISOString(), location: `${ctx.baseUrl}/Groups/${id}` },
    };
    (g.meta as ScimObject).version = etagOf(g);
    return g;
  });
}

export async function listGroups({ ctx, input }: { ctx: ScimCtx; input: ListInput }) {
  guard(ctx);
  const startIndex = Math.max(1, Number.isInteger(Number(input.startIndex ?? 1)) ? Number(input.startIndex ?? 1) : 1);
  const count = Math.min(MAX_COUNT, Math.max(0, input.count === null || input.count === undefined || input.count === "" ? DEFAULT_COUNT : Number(input.count)));
  if (!Number.isFinite(count)) throw invalidValue('"count" must be an integer.');
  const ast = input.filter ? compileFilter(input.filter, GROUP) : null;
  const withMembers = mentionsMembers(input.filter) || mentionsMembers(input.sortBy) ||
    (input.attributes ? mentionsMembers(input.attributes) : !mentionsMembers(input.excludedAttributes));
  let groups = (await loadGroups(ctx, withMembers)).filter((g) => !ast || matches(ast, g));
  if (input.sortBy) {
    const ref = splitAttrPath(input.sortBy, GROUP);
    const r = ref && resolveAttr(GROUP, ref);
    if (!r) throw invalidValue(`"sortBy": "${input.sortBy}" is not an attribute of Group.`);
    groups = [...groups].sort(sortComparator(r, /^descending$/i.test(input.sortOrder ?? "")));
  }
  const page = groups.slice(startIndex - 1, startIndex - 1 + count).map((g) => project(GROUP, g, input.attributes, input.excludedAttributes));
  return listResponse(page, groups.length, startIndex);
}

export async function getGroup({ ctx, input }: { ctx: ScimCtx; input: { id: string; attributes?: string | null; excludedAttributes?: string | null } }) {
  guard(ctx);
  const withMembers = input.attributes ? mentionsMembers(input.attributes) : !mentionsMembers(input.excludedAttributes);
  const g = (await loadGroups(ctx, withMembers)).find((x) => x.id === input.id);
  if (!g) throw new ScimError(404, undefined, `Group "${input.id}" not found.`);
  return g;
}

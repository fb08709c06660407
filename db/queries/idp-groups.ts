/**
 * IdP groups (pushed over inbound SCIM /Groups) and their members: reads and writes taking `db` first.
 * Members are people; a person's groups feed birthright rules (`idpGroup` conditions) and campaign scopes.
 */
import { and, asc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { idpGroupMembers, idpGroups, people } from "@/db/schema";
import { isUuid, scimVisible } from "./scim";

export type IdpGroupRow = typeof idpGroups.$inferSelect;
export type IdpGroupMemberRow = { groupId: string; personId: string; displayName: string };

/** Each person's IdP groups (all people when `personIds` is omitted). */
export async function idpGroupsOfPeople(db: Queryable, personIds?: string[]): Promise<Map<string, Array<{ id: string; name: string }>>> {
  const out = new Map<string, Array<{ id: string; name: string }>>();
  if (personIds && personIds.length === 0) return out;
  const q = () => db
    .select({ personId: idpGroupMembers.personId, id: idpGroups.id, name: idpGroups.displayName })
    .from(idpGroupMembers)
    .innerJoin(idpGroups, eq(idpGroups.id, idpGroupMembers.groupId));
  const rows: Array<{ personId: string; id: string; name: string }> = [];
  if (!personIds) rows.push(...(await q().orderBy(asc(idpGroups.displayName))));
  else for (let i = 0; i < personIds.length; i += 5000) rows.push(...(await q().where(inArray(idpGroupMembers.personId, personIds.slice(i, i + 5000))).orderBy(asc(idpGroups.displayName))));
  for (const r of rows) {
    const l = out.get(r.personId) ?? [];
    l.push({ id: r.id, name: r.name });
    out.set(r.personId, l);
  }
  return out;
}

/** Groups matching an optional condition, by name. */
export async function idpGroupRows(db: Queryable, where?: SQL): Promise<IdpGroupRow[]> {
  return db.select().from(idpGroups).where(where).orderBy(asc(sql`lower(${idpGroups.displayName})`), asc(idpGroups.id));
}

export async function idpGroupById(db: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<IdpGroupRow | null> {
  if (!isUuid(id)) return null;
  if (opts.forUpdate) await db.execute(sql`SELECT 1 FROM idp_groups WHERE id = ${id} FOR UPDATE`);
  const [row] = await db.select().from(idpGroups).where(eq(idpGroups.id, id));
  return row ?? null;
}

export async function idpGroupByName(db: Queryable, displayName: string): Promise<IdpGroupRow | null> {
  const [row] = await db.select().from(idpGroups).where(sql`lower(${idpGroups.displayName}) = lower(${displayName})`);
  return row ?? null;
}

/** Members shown through SCIM (people deleted through SCIM are hidden, as on /Users). */
export async function idpGroupMembersOf(db: Queryable, groupIds: string[]): Promise<IdpGroupMemberRow[]> {
  if (groupIds.length === 0) return [];
  return db
    .select({ groupId: idpGroupMembers.groupId, personId: idpGroupMembers.personId, displayName: people.displayName })
    .from(idpGroupMembers)
    .innerJoin(people, eq(people.id, idpGroupMembers.personId))
    .where(and(inArray(idpGroupMembers.groupId, groupIds), scimVisible))
    .orderBy(asc(idpGroupMembers.addedAt), asc(idpGroupMembers.personId));
}

/** Every member id of a group (hidden ones included: they are members all the same). */
export async function idpGroupMemberIds(db: Queryable, groupId: string): Promise<string[]> {
  return (await db.select({ id: idpGroupMembers.personId }).from(idpGroupMembers).where(eq(idpGroupMembers.groupId, groupId))).map((r) => r.id);
}

/** Which of these ids are people a SCIM client can name (visible Users). */
export async function visiblePeopleIds(db: Queryable, ids: string[]): Promise<Set<string>> {
  const uuids = ids.filter(isUuid);
  if (uuids.length === 0) return new Set();
  const rows = await db.select({ id: people.id }).from(people).where(and(inArray(people.id, uuids), scimVisible));
  return new Set(rows.map((r) => r.id));
}

export async function insertIdpGroup(db: Queryable, v: { displayName: string; externalId: string | null; at: Date }): Promise<IdpGroupRow> {
  const [row] = await db.insert(idpGroups).values({ displayName: v.displayName, externalId: v.externalId, createdAt: v.at, updatedAt: v.at }).returning();
  return row!;
}

export async function updateIdpGroup(db: Queryable, id: string, v: { displayName: string; externalId: string | null; at: Date }) {
  await db.update(idpGroups).set({ displayName: v.displayName, externalId: v.externalId, updatedAt: v.at }).where(eq(idpGroups.id, id));
}

export async function deleteIdpGroupRow(db: Queryable, id: string) {
  await db.delete(idpGroups).where(eq(idpGroups.id, id));
}

export async function addIdpGroupMembers(db: Queryable, groupId: string, personIds: string[], at: Date) {
  for (let i = 0; i < personIds.length; i += 1000) {
    await db.insert(idpGroupMembers).values(personIds.slice(i, i + 1000).map((personId) => ({ groupId, personId, addedAt: at }))).onConflictDoNothing();
  }
}

export async function removeIdpGroupMembers(db: Queryable, groupId: string, personIds: string[]) {
  for (let i = 0; i < personIds.length; i += 1000) {
    await db.delete(idpGroupMembers).where(and(eq(idpGroupMembers.groupId, groupId), inArray(idpGroupMembers.personId, personIds.slice(i, i + 1000))));
  }
}

/** People who are members of any of these groups (campaign scopes). */
export async function peopleInIdpGroups(db: Queryable, groupIds: string[]): Promise<string[]> {
  const ids = groupIds.filter(isUuid);
  if (ids.length === 0) return [];
  const rows = await db.selectDistinct({ id: idpGroupMembers.personId }).from(idpGroupMembers).where(inArray(idpGroupMembers.groupId, ids));
  return rows.map((r) => r.id);
}

/**
 * Inbound SCIM /Groups as IdP groups (issue 12 §4): Entra group provisioning and Okta Push Groups write
 * groups of people; birthright rules name them (`idpGroup`), review campaigns are scoped by them, and a
 * membership change re-evaluates birthright access like an HR attribute change. Through the same handler
 * the /scim/v2 routes call; assertions read rows back (idp_groups, members, grants, audit, review items).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/db/client";
import { rulePredicate } from "@/db/queries/policy-sql";
import {
  applications, auditEvents, birthrightRules, entitlements, grants, idpGroupMembers, idpGroups, operations, people, reviewItems, roleEntitlements, roleTemplates,
} from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { URN } from "@/lib/domain/scim/schema";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { handleScimRequest, SCIM_CONTENT_TYPE } from "./http";
import { createScimToken } from "./tokens";

const system: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const BASE = "https://gh.test/scim/v2";
const patch = (...Operations: object[]) => ({ schemas: [URN.patchOp], Operations });
const DAY = 86_400_000;

type Call = { status: number; body: Record<string, any> | null; headers: Headers };

for (const driver of testDrivers()) {
  describe(`inbound SCIM Groups (IdP groups) on ${driver.label}`, () => {
    let t: TestDb;
    let token = "";
    const ids: Record<string, string> = {};
    let engChannel = "";

    const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Call> => {
      const req = new Request(BASE + path, {
        method, headers: { "Content-Type": SCIM_CONTENT_TYPE, Authorization: `Bearer ${token}`, ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const rest = new URL(BASE + path).pathname.split("/").slice(3).filter(Boolean);
      const res = await handleScimRequest(async () => t.db as Db, req, { endpoint: "other", rest });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const memberIds = async (groupId: string) => (await t.db.select().from(idpGroupMembers).where(eq(idpGroupMembers.groupId, groupId))).map((m) => m.personId).sort();
    const hasEng = async (personId: string) => {
      const [g] = await t.db.select().from(grants).where(and(eq(grants.personId, personId), eq(grants.entitlementId, engChannel), eq(grants.status, "active")));
      return g ? { active: true, expiresAt: g.expiresAt } : { active: false, expiresAt: null };
    };
    const audits = async (groupId: string) => (await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, groupId)).orderBy(auditEvents.seq)).map((a) => ({ action: a.action, data: a.data as Record<string, any> }));
    const sorted = (xs: string[]) => [...xs].sort();

    beforeAll(async () => {
      t = await driver.open();
      token = (await createScimToken({ ctx: { db: t.db, actor: system }, input: { name: "Entra" } })).token;
      for (const n of ["ann", "bob", "cid", "dee", "eve"]) {
        const r = await call("POST", "/Users", { schemas: [URN.user], userName: `${n}@corp.test`, name: { givenName: n, familyName: "Test" }, emails: [{ value: `${n}@corp.test`, type: "work", primary: true }] });
        expect(r.status).toBe(201);
        ids[n] = r.body!.id;
      }
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack" }).returning();
      const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "eng", name: "Eng channel" }).returning();
      engChannel = ent!.id;
      const [role] = await t.db.insert(roleTemplates).values({ key: "eng", name: "eng", status: "published" }).returning();
      await t.db.insert(roleEntitlements).values({ roleId: role!.id, entitlementId: engChannel });
      // "Members of IdP group Engineers get the Eng channel": the group is named by its displayName (any case).
      await t.db.insert(birthrightRules).values({ name: "Engineers rule", roleId: role!.id, conditions: [{ attribute: "idpGroup", op: "eq", value: "engineers" }] as never });
    });
    afterAll(async () => {
      await t?.close();
    });

    let eng: Record<string, any>;

    it("POST creates a group of people: 201, Location, ETag; rows, audit, and birthright access for its members", async () => {
      const r = await call("POST", "/Groups", { schemas: [URN.group], displayName: "Engineers", externalId: "aad-eng", members: [{ value: ids.ann }, { value: ids.bob, type: "User" }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      eng = r.body!;
      expect(r.headers.get("location")).toBe(`${BASE}/Groups/${eng.id}`);
      expect(r.headers.get("etag")).toBe(eng.meta.version);
      expect(eng).toMatchObject({ schemas: [URN.group], displayName: "Engineers", externalId: "aad-eng", meta: { resourceType: "Group", location: `${BASE}/Groups/${eng.id}` } });
      expect(sorted(eng.members.map((m: { value: string }) => m.value))).toEqual(sorted([ids.ann!, ids.bob!]));
      expect(eng.members[0]).toEqual({ value: eng.members[0].value, $ref: `${BASE}/Users/${eng.members[0].value}`, type: "User" });
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.bob!]));
      const [row] = await t.db.select().from(idpGroups).where(eq(idpGroups.id, eng.id));
      expect(row).toMatchObject({ displayName: "Engineers", externalId: "aad-eng" });
      expect(await hasEng(ids.ann!)).toMatchObject({ active: true });
      expect(await hasEng(ids.bob!)).toMatchObject({ active: true });
      expect(await hasEng(ids.cid!)).toMatchObject({ active: false });
      const a = await audits(eng.id);
      expect(a.map((x) => x.action)).toEqual(["scim.group.created"]);
      expect(a[0]!.data).toMatchObject({ displayName: "Engineers", memberCount: 2, access: { people: 2, added: 2 } });
      expect(sorted(a[0]!.data.membersAdded)).toEqual(sorted([ids.ann!, ids.bob!]));
      // The provisioning plan follows in the same transaction (outbox), caused by the group change.
      const ops = await t.db.select().from(operations).where(and(eq(operations.causeKind, "scim.group"), eq(operations.causeId, eng.id)));
      expect(sorted([...new Set(ops.map((o) => o.personId!))])).toEqual(sorted([ids.ann!, ids.bob!]));
      expect(a[0]!.data.access.operations).toBe(ops.length);
    });

    it("refuses a duplicate name (409), nested groups (400), a missing displayName (400); nothing is written", async () => {
      const before = (await t.db.select({ n: sql<number>`count(*)::int` }).from(idpGroups))[0]!.n;
      expect((await call("POST", "/Groups", { schemas: [URN.group], displayName: "ENGINEERS" })).body).toMatchObject({ status: "409", scimType: "uniqueness" });
      expect((await call("POST", "/Groups", { schemas: [URN.group], displayName: "X", members: [{ value: eng.id, type: "Group" }] })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
      expect((await call("POST", "/Groups", { schemas: [URN.group], members: [] })).body).toMatchObject({ status: "400" });
      expect((await call("POST", "/Groups", { displayName: "no schemas" })).body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
      expect((await t.db.select({ n: sql<number>`count(*)::int` }).from(idpGroups))[0]!.n).toBe(before);
    });

    it("lists, filters by displayName (any case), pages, and leaves members out on request; Users show their groups", async () => {
      for (const n of ["Sales", "Support", "Interns"]) expect((await call("POST", "/Groups", { schemas: [URN.group], displayName: n })).status).toBe(201);
      const all = await call("GET", "/Groups?sortBy=displayName");
      expect(all.body).toMatchObject({ schemas: [URN.listResponse], totalResults: 4, startIndex: 1, itemsPerPage: 4 });
      expect(all.body!.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(["Engineers", "Interns", "Sales", "Support"]);
      const f = await call("GET", `/Groups?filter=${encodeURIComponent('displayName eq "engineers"')}&excludedAttributes=members`);
      expect(f.body!.totalResults).toBe(1);
      expect(f.body!.Resources[0]).toMatchObject({ id: eng.id, displayName: "Engineers" });
      expect(f.body!.Resources[0].members).toBeUndefined();
      const page = await call("GET", "/Groups?sortBy=displayName&startIndex=2&count=2");
      expect(page.body).toMatchObject({ totalResults: 4, startIndex: 2, itemsPerPage: 2 });
      expect(page.body!.Resources.map((g: { displayName: string }) => g.displayName)).toEqual(["Interns", "Sales"]);
      const byMember = await call("GET", `/Groups?filter=${encodeURIComponent(`members[value eq "${ids.ann}"]`)}`);
      expect(byMember.body!.Resources.map((g: { id: string }) => g.id)).toEqual([eng.id]);
      const disp = await call("GET", `/Groups/${eng.id}?attributes=members.display`);
      expect(disp.body!.members.map((m: { display: string }) => m.display).sort()).toEqual(["ann Test", "bob Test"]);
      const ann = await call("GET", `/Users/${ids.ann}`);
      expect(ann.body!.groups).toEqual([{ value: eng.id, $ref: `${BASE}/Groups/${eng.id}`, display: "Engineers", type: "direct" }]);
      expect((await call("GET", "/Groups/00000000-0000-4000-8000-000000000000")).status).toBe(404);
      expect((await call("GET", `/Groups/${eng.id}`, undefined, { "If-None-Match": eng.meta.version })).status).toBe(304);
    });

    it("PATCH (Entra): add and remove members by value lists; access follows, removals keep the mover overlap", async () => {
      const add = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "Add", path: "members", value: [{ value: ids.cid }, { value: ids.dee }] }));
      expect(add.status, JSON.stringify(add.body)).toBe(200);
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.bob!, ids.cid!, ids.dee!]));
      expect(await hasEng(ids.cid!)).toMatchObject({ active: true, expiresAt: null });
      const rm = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "Remove", path: "members", value: [{ value: ids.dee }] }));
      expect(rm.status).toBe(200);
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.bob!, ids.cid!]));
      // As for an HR mover: birthright access no longer given is kept for the overlap, then expires.
      const dee = await hasEng(ids.dee!);
      expect(dee.active).toBe(true);
      expect(dee.expiresAt).not.toBeNull();
      const a = await audits(eng.id);
      expect(a.map((x) => x.action)).toEqual(["scim.group.created", "scim.group.patched", "scim.group.patched"]);
      expect(a[2]!.data).toMatchObject({ membersAdded: [], membersRemoved: [ids.dee], access: { people: 1, scheduledForRemoval: 1 } });
    });

    it("member ids that name no User are ignored (200), not stored, and noted in the audit event", async () => {
      const r = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "add", path: "members", value: [{ value: "fake-member-id" }, { value: "00000000-0000-4000-8000-000000000000" }] }));
      expect(r.status).toBe(200);
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.bob!, ids.cid!]));
      expect((await audits(eng.id)).at(-1)!.data).toMatchObject({ ignoredMembers: ["fake-member-id", "00000000-0000-4000-8000-000000000000"], membersAdded: [] });
    });

    it("PATCH (Okta): remove members[value eq …], replace displayName; a rename re-evaluates rules that name the group", async () => {
      const rm = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "remove", path: `members[value eq "${ids.cid}"]` }));
      expect(rm.status).toBe(200);
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.bob!]));
      expect((await call("PATCH", `/Groups/${eng.id}`, patch({ op: "remove", path: `members[value eq "${ids.eve}"]` }))).body).toMatchObject({ status: "400", scimType: "noTarget" });
      const ren = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "replace", path: "displayName", value: "Platform Engineers" }));
      expect(ren.status).toBe(200);
      expect(ren.body!.displayName).toBe("Platform Engineers");
      // The rule says "engineers": after the rename it no longer holds for anyone.
      expect((await hasEng(ids.ann!)).expiresAt).not.toBeNull();
      const back = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "replace", value: { displayName: "Engineers" } }));
      expect(back.status).toBe(200);
      expect(await hasEng(ids.ann!)).toMatchObject({ active: true, expiresAt: null });
      const last = (await audits(eng.id)).at(-1)!;
      expect(last.data).toMatchObject({ renamedFrom: "Platform Engineers", displayName: "Engineers" });
    });

    it("PATCH replace members and PUT set the whole membership; If-Match guards writes", async () => {
      const rep = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "replace", path: "members", value: [{ value: ids.eve }] }));
      expect(rep.status).toBe(200);
      expect(await memberIds(eng.id)).toEqual([ids.eve]);
      expect(await hasEng(ids.eve!)).toMatchObject({ active: true });
      const cur = (await call("GET", `/Groups/${eng.id}`)).body!;
      const stale = await call("PUT", `/Groups/${eng.id}`, { schemas: [URN.group], displayName: "Engineers", members: [] }, { "If-Match": 'W/"stale"' });
      expect(stale.status).toBe(412);
      const put = await call("PUT", `/Groups/${eng.id}`, { schemas: [URN.group], displayName: "Engineers", members: [{ value: ids.ann }, { value: ids.eve }] }, { "If-Match": cur.meta.version });
      expect(put.status).toBe(200);
      expect(put.body!.externalId).toBeUndefined(); // PUT replaces: no externalId given
      expect(await memberIds(eng.id)).toEqual(sorted([ids.ann!, ids.eve!]));
      const emptied = await call("PATCH", `/Groups/${eng.id}`, patch({ op: "remove", path: "members" }));
      expect(emptied.status).toBe(200);
      expect(emptied.body!.members).toBeUndefined();
      expect(await memberIds(eng.id)).toEqual([]);
      await call("PATCH", `/Groups/${eng.id}`, patch({ op: "add", path: "members", value: [{ value: ids.ann }, { value: ids.bob }] }));
    });

    it("the idpGroup condition means the same in SQL (previews, findings) as in memory (sync)", async () => {
      const count = async (conditions: object[]) => rowsOf<{ n: number }>(await t.db.execute(sql`SELECT count(*)::int AS n FROM people p WHERE ${rulePredicate(conditions as never)}`))[0]!.n;
      expect(await count([{ attribute: "idpGroup", op: "eq", value: "ENGINEERS" }])).toBe(2);
      expect(await count([{ attribute: "idpGroup", op: "eq", value: eng.id }])).toBe(2);
      expect(await count([{ attribute: "idpGroup", op: "in", value: ["Engineers", "Sales"] }])).toBe(2);
      expect(await count([{ attribute: "idpGroup", op: "startsWith", value: "eng" }])).toBe(2);
      const total = (await t.db.select({ n: sql<number>`count(*)::int` }).from(people))[0]!.n;
      expect(await count([{ attribute: "idpGroup", op: "neq", value: "Engineers" }])).toBe(total - 2);
    });

    it("a review campaign scoped by IdP group reviews only its members' access", async () => {
      const [adminRow] = await t.db.select().from(people).where(eq(people.id, ids.eve!));
      const actor: Actor = { personId: adminRow!.id, name: "Eve", email: adminRow!.email, roles: ["employee", "admin"], ownedApplicationIds: [] };
      const now = new Date();
      const c = await createCampaign({ ctx: { db: t.db, actor }, input: { name: "Engineers review", scope: { idpGroups: ["engineers"] }, dueAt: new Date(now.getTime() + 14 * DAY).toISOString() } });
      await (await launchCampaign({ ctx: { db: t.db, actor }, input: { campaignId: c.id }, now })).done;
      const items = await t.db.select({ personId: grants.personId }).from(reviewItems).innerJoin(grants, eq(grants.id, reviewItems.grantId)).where(eq(reviewItems.campaignId, c.id));
      expect(items.length).toBeGreaterThan(0);
      expect([...new Set(items.map((i) => i.personId))].sort()).toEqual(sorted([ids.ann!, ids.bob!]));
      // Everyone else holding the same entitlement (eve, cid, dee during their overlap) is out of scope.
      const holders = await t.db.select({ p: grants.personId }).from(grants).where(and(eq(grants.entitlementId, engChannel), eq(grants.status, "active")));
      expect(holders.length).toBeGreaterThan(2);
    });

    it("DELETE → 204, then 404; memberships gone, access re-evaluated, audited", async () => {
      const del = await call("DELETE", `/Groups/${eng.id}`);
      expect(del.status).toBe(204);
      expect((await call("GET", `/Groups/${eng.id}`)).status).toBe(404);
      expect((await call("DELETE", `/Groups/${eng.id}`)).status).toBe(404);
      expect(await memberIds(eng.id)).toEqual([]);
      expect((await hasEng(ids.ann!)).expiresAt).not.toBeNull();
      const a = (await audits(eng.id)).at(-1)!;
      expect(a.action).toBe("scim.group.deleted");
      expect(sorted(a.data.membersRemoved)).toEqual(sorted([ids.ann!, ids.bob!]));
      expect((await call("GET", `/Users/${ids.ann}`)).body!.groups).toBeUndefined();
    });

    it("/Schemas and /ResourceTypes describe writable groups; the audit chain is intact", async () => {
      const s = await call("GET", `/Schemas/${URN.group}`);
      const attrs = Object.fromEntries(s.body!.attributes.map((a: { name: string }) => [a.name, a]));
      expect(attrs.displayName).toMatchObject({ mutability: "readWrite", required: true });
      expect(attrs.members).toMatchObject({ mutability: "readWrite", multiValued: true });
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    });
  });
}

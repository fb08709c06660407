/**
 * Inbound SCIM 2.0 conformance, written from RFC 7643/7644, through the same handler the
 * /scim/v2 route files call (`handleScimRequest(getDb, Request, route)`), on PGlite and (with
 * TEST_DATABASE_URL) PostgreSQL. Assertions read rows back: people, hr_events, grants, audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { applications, birthrightRules, entitlements, grants, hrEvents, people, roleEntitlements, roleTemplates, scimTokens } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { URN } from "@/lib/domain/scim/schema";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { handleScimRequest, SCIM_CONTENT_TYPE } from "./http";
import { createScimToken, listTokens, revokeScimToken } from "./tokens";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const E = URN.enterprise;
const BASE = "https://gh.test/scim/v2";

type Call = { status: number; body: Record<string, any> | null; headers: Headers };

for (const driver of testDrivers()) {
  describe(`inbound SCIM on ${driver.label}`, () => {
    let t: TestDb;
    let token = "";
    const ent: Record<string, string> = {};

    const call = async (method: string, path: string, o: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}): Promise<Call> => {
      const headers: Record<string, string> = { "Content-Type": SCIM_CONTENT_TYPE, ...(o.headers ?? {}) };
      const tk = o.token === undefined ? token : o.token;
      if (tk) headers.Authorization = `Bearer ${tk}`;
      const req = new Request(BASE + path, { method, headers, body: o.body === undefined ? undefined : typeof o.body === "string" ? o.body : JSON.stringify(o.body) });
      const rest = new URL(BASE + path).pathname.split("/").slice(3).filter(Boolean);
      const res = await handleScimRequest(async () => t.db as Db, req, { endpoint: "other", rest });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const user = (userName: string, extra: Record<string, unknown> = {}) => ({
      schemas: [URN.user, E], userName, name: { givenName: userName.split("@")[0], familyName: "Test" }, active: true,
      emails: [{ value: userName, type: "work", primary: true }], ...extra,
    });
    const activeEnts = async (personId: string) =>
      (await t.db.select({ name: entitlements.name }).from(grants).innerJoin(entitlements, eq(entitlements.id, grants.entitlementId))
        .where(and(eq(grants.personId, personId), eq(grants.status, "active")))).map((r) => r.name).sort();
    const events = async (personId: string) => (await t.db.select().from(hrEvents).where(eq(hrEvents.personId, personId)).orderBy(hrEvents.receivedAt)).map((e) => e.kind);
    const person = async (id: string) => (await t.db.select().from(people).where(eq(people.id, id)))[0];

    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "slack", name: "Slack" }).returning();
      for (const n of ["Members", "Sales channel", "Eng channel"]) {
        const [e] = await t.db.insert(entitlements).values({ applicationId: app.id, externalId: n, name: n }).returning();
        ent[n] = e.id;
      }
      const role = async (key: string, names: string[], conditions: object[]) => {
        const [r] = await t.db.insert(roleTemplates).values({ key, name: key, status: "published" }).returning();
        await t.db.insert(roleEntitlements).values(names.map((n) => ({ roleId: r.id, entitlementId: ent[n] })));
        await t.db.insert(birthrightRules).values({ name: `${key} rule`, roleId: r.id, conditions: conditions as never });
      };
      await role("everyone", ["Members"], [{ attribute: "employmentType", op: "eq", value: "employee" }]);
      await role("sales", ["Sales channel"], [{ attribute: "department", op: "eq", value: "Sales" }]);
      await role("eng", ["Eng channel"], [{ attribute: "department", op: "eq", value: "Engineering" }]);
      token = (await createScimToken({ ctx: { db: t.db, actor: admin }, input: { name: "Okta" } })).token;
    });
    afterAll(async () => {
      await t?.close();
    });

    describe("tokens and authentication", () => {
      it("a token is ghscim_ + 32 random bytes, stored only as a hash, listed without the secret", async () => {
        expect(token).toMatch(/^ghscim_[A-Za-z0-9_-]{43}$/);
        const rows = await t.db.select().from(scimTokens);
        expect(JSON.stringify(rows)).not.toContain(token);
        const list = await listTokens({ ctx: { db: t.db, actor: admin } });
        expect(list.map((x) => x.name)).toContain("Okta");
        expect(JSON.stringify(list)).not.toContain("ghscim_");
      });

      it("only admins create tokens", async () => {
        const emp: Actor = { ...admin, roles: ["employee"] };
        await expect(createScimToken({ ctx: { db: t.db, actor: emp }, input: { name: "x" } })).rejects.toThrow(/admins/);
      });

      it.each([
        ["no Authorization header", null],
        ["an unknown token", "ghscim_" + "A".repeat(43)],
        ["a malformed header", "not a token"],
      ])("%s → 401 with WWW-Authenticate: Bearer", async (_n, tk) => {
        const r = await call("GET", "/Users", { token: tk });
        expect(r.status).toBe(401);
        expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(r.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
        expect(r.body).toMatchObject({ schemas: [URN.error], status: "401" });
      });

      it("a revoked token → 401; lastUsedAt is recorded for a used one", async () => {
        const extra = await createScimToken({ ctx: { db: t.db, actor: admin }, input: { name: "temp" } });
        expect((await call("GET", "/Users", { token: extra.token })).status).toBe(200);
        const [row] = await t.db.select().from(scimTokens).where(eq(scimTokens.id, extra.id));
        expect(row.lastUsedAt).not.toBeNull();
        await revokeScimToken({ ctx: { db: t.db, actor: admin }, input: { id: extra.id } });
        expect((await call("GET", "/Users", { token: extra.token })).status).toBe(401);
        const audit = await t.db.execute(sql`SELECT action FROM audit_events WHERE target_id = ${extra.id} ORDER BY seq`);
        expect(((audit as unknown as { rows?: unknown[] }).rows ?? (audit as unknown as unknown[])).map((r: any) => r.action)).toEqual(["scim.token.created", "scim.token.revoked"]);
      });
    });

    describe("discovery", () => {
      it("ServiceProviderConfig states what is supported (no token needed)", async () => {
        const r = await call("GET", "/ServiceProviderConfig", { token: null });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ schemas: [URN.spConfig], patch: { supported: true }, bulk: { supported: false }, filter: { supported: true }, sort: { supported: true }, etag: { supported: true }, changePassword: { supported: false } });
        expect(r.body!.authenticationSchemes[0].type).toBe("oauthbearertoken");
      });

      it("ResourceTypes and Schemas are ListResponses; single ones by id; unknown → 404; filter → 403", async () => {
        const rt = await call("GET", "/ResourceTypes");
        expect(rt.body).toMatchObject({ schemas: [URN.listResponse], totalResults: 2 });
        expect((await call("GET", "/ResourceTypes/User")).body).toMatchObject({ endpoint: "/Users", schema: URN.user, schemaExtensions: [{ schema: E, required: false }] });
        const s = await call("GET", "/Schemas");
        expect(s.body!.Resources.map((x: { id: string }) => x.id)).toEqual([URN.user, E, URN.group]);
        const u = await call("GET", `/Schemas/${URN.user}`);
        expect(u.body!.attributes.find((a: { name: string }) => a.name === "userName")).toMatchObject({ required: true, uniqueness: "server", caseExact: false });
        expect((await call("GET", "/Schemas/urn:nope")).status).toBe(404);
        expect((await call("GET", '/Schemas?filter=id eq "x"')).status).toBe(403);
      });

      it("unknown endpoints → 404 SCIM error; /Me and /Bulk → 501; endpoint names are case-insensitive", async () => {
        const r = await call("GET", "/Nope");
        expect(r.status).toBe(404);
        expect(r.body).toMatchObject({ schemas: [URN.error], status: "404" });
        expect((await call("GET", "/Me")).status).toBe(501);
        expect((await call("POST", "/Bulk", { body: {} })).status).toBe(501);
        expect((await call("GET", "/users")).status).toBe(200);
      });
    });

    describe("Users", () => {
      let bjensen: Record<string, any>;

      it("POST creates: 201, Location, ETag, meta; a joiner with birthright access and audit", async () => {
        const r = await call("POST", "/Users", {
          body: {
            schemas: [URN.user, E], externalId: "okta-001", userName: "bjensen@example.com",
            name: { givenName: "Barbara", familyName: "Jensen" }, displayName: "Babs Jensen", title: "Tour Guide", userType: "Employee",
            emails: [{ value: "bjensen@example.com", type: "work", primary: true }], password: "t1meMa$heen",
            addresses: [{ type: "work", locality: "Hollywood", region: "CA" }], phoneNumbers: [{ value: "555-555-8377", type: "work" }],
            [E]: { employeeNumber: "701984", department: "Sales", costCenter: "4130", organization: "Universal", division: "Theme Park" },
          },
        });
        expect(r.status).toBe(201);
        expect(r.headers.get("content-type")).toBe(SCIM_CONTENT_TYPE);
        bjensen = r.body!;
        expect(r.headers.get("location")).toBe(`${BASE}/Users/${bjensen.id}`);
        expect(r.headers.get("etag")).toMatch(/^W\/".+"$/);
        expect(bjensen.meta).toMatchObject({ resourceType: "User", location: `${BASE}/Users/${bjensen.id}`, version: r.headers.get("etag") });
        expect(bjensen).toMatchObject({
          userName: "bjensen@example.com", externalId: "okta-001", displayName: "Babs Jensen", title: "Tour Guide", active: true, userType: "Employee",
          name: { givenName: "Barbara", familyName: "Jensen" }, phoneNumbers: [{ value: "555-555-8377", type: "work" }],
          [E]: { employeeNumber: "701984", department: "Sales", costCenter: "4130", organization: "Universal", division: "Theme Park" },
        });
        expect(bjensen.password).toBeUndefined();
        expect(bjensen.addresses[0].locality).toBe("Hollywood");
        const p = await person(bjensen.id);
        expect(p).toMatchObject({ employeeId: "701984", email: "bjensen@example.com", department: "Sales", location: "Hollywood", status: "active", costCenter: "4130" });
        expect(JSON.stringify(p.attributes)).not.toContain("t1meMa$heen");
        expect(await events(bjensen.id)).toEqual(["joiner"]);
        expect(await activeEnts(bjensen.id)).toEqual(["Members", "Sales channel"]);
        const audit = await t.db.execute(sql`SELECT action FROM audit_events WHERE target_id = ${bjensen.id} ORDER BY seq`);
        const actions = ((audit as unknown as { rows?: unknown[] }).rows ?? (audit as unknown as unknown[])).map((x: any) => x.action);
        // The joiner's birthright access is planned into the outbox in the same transaction.
        expect(actions).toEqual(["provisioning.planned", "hr.joiner", "scim.user.created"]);
      });

      it("a duplicate userName (any case) → 409 uniqueness; nothing changes", async () => {
        const r = await call("POST", "/Users", { body: user("BJensen@Example.com") });
        expect(r.status).toBe(409);
        expect(r.body).toMatchObject({ schemas: [URN.error], status: "409", scimType: "uniqueness" });
        const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(people);
        expect(n).toBe(1);
      });

      it("GET by id returns the same representation; unknown or malformed id → 404", async () => {
        const r = await call("GET", `/Users/${bjensen.id}`);
        expect(r.status).toBe(200);
        expect(r.body).toEqual(bjensen);
        expect(r.headers.get("etag")).toBe(bjensen.meta.version);
        const missing = await call("GET", "/Users/00000000-0000-4000-8000-000000000000");
        expect(missing.status).toBe(404);
        expect(missing.body).toMatchObject({ schemas: [URN.error], status: "404" });
        expect((await call("GET", "/Users/not-a-uuid")).status).toBe(404);
      });

      it("If-None-Match with the current ETag → 304", async () => {
        const r = await call("GET", `/Users/${bjensen.id}`, { headers: { "If-None-Match": bjensen.meta.version } });
        expect(r.status).toBe(304);
        expect(r.body).toBeNull();
      });

      it("creates more users; manager by SCIM id; rejects bad bodies", async () => {
        const mia = await call("POST", "/Users", { body: user("mia@example.com", { name: { givenName: "Mia", familyName: "Boss" }, [E]: { employeeNumber: "M1", department: "Sales" } }) });
        expect(mia.status).toBe(201);
        for (const [u, dept] of [["ann@example.com", "Engineering"], ["bob@example.org", "Engineering"], ["cid@example.com", "Sales"]] as const) {
          const r = await call("POST", "/Users", { body: user(u, { [E]: { department: dept, manager: { value: mia.body!.id } } }) });
          expect(r.status).toBe(201);
          expect(r.body![E].manager).toEqual({ value: mia.body!.id, $ref: `${BASE}/Users/${mia.body!.id}` });
          // The manager's display name is computed: returned when asked for (RFC 7643 §7 returned "request").
          const withName = await call("GET", `/Users/${r.body!.id}?attributes=${E}:manager.displayName`);
          expect(withName.body![E].manager).toEqual({ displayName: "Mia Boss" });
        }
        const noEmpNo = await call("GET", '/Users?filter=userName eq "ann@example.com"');
        expect(noEmpNo.body!.Resources[0][E].employeeNumber).toBeUndefined(); // generated ids are not employee numbers
        expect((await call("POST", "/Users", { body: user("x@example.com", { [E]: { manager: { value: "00000000-0000-4000-8000-000000000000" } } }) })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
        expect((await call("POST", "/Users", { body: { schemas: [URN.user] } })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
        expect((await call("POST", "/Users", { body: { userName: "y@example.com" } })).body).toMatchObject({ status: "400", scimType: "invalidSyntax" });
        expect((await call("POST", "/Users", { body: user("z@example.com", { active: "perhaps" }) })).body).toMatchObject({ status: "400", scimType: "invalidValue" });
      });

      it("malformed JSON → 400 invalidSyntax; an oversized body → 413", async () => {
        const bad = await call("POST", "/Users", { body: '{"schemas": [' });
        expect(bad.status).toBe(400);
        expect(bad.body).toMatchObject({ scimType: "invalidSyntax" });
        const big = await call("POST", "/Users", { body: JSON.stringify(user("big@example.com", { nickName: "x".repeat(1_100_000) })) });
        expect(big.status).toBe(413);
      });

      it.each<[string, string[]]>([
        ['userName eq "bjensen@example.com"', ["bjensen@example.com"]],
        ['userName eq "BJENSEN@example.com"', ["bjensen@example.com"]],
        ['userName co "example.org"', ["bob@example.org"]],
        ['userName sw "b"', ["bjensen@example.com", "bob@example.org"]],
        ['userName sw "b" and name.familyName eq "test"', ["bob@example.org"]],
        ['userName eq "ann@example.com" or userName eq "cid@example.com"', ["ann@example.com", "cid@example.com"]],
        ['externalId eq "okta-001"', ["bjensen@example.com"]],
        ['externalId eq "OKTA-001"', []], // externalId is caseExact
        [`${E}:employeeNumber eq "701984"`, ["bjensen@example.com"]],
        [`${E}:department eq "engineering"`, ["ann@example.com", "bob@example.org"]],
        ['emails.value eq "bob@example.org"', ["bob@example.org"]],
        ['emails[type eq "work" and value ew "example.org"]', ["bob@example.org"]],
        ['addresses[type eq "work"].locality eq "x"'.replace('].locality eq "x"', ' and locality eq "hollywood"]'), ["bjensen@example.com"]],
        ["active eq true and not (title pr)", ["ann@example.com", "bob@example.org", "cid@example.com", "mia@example.com"]],
        ['displayName eq "Babs Jensen"', ["bjensen@example.com"]],
        ['userType eq "employee" and name.givenName sw "Bar"', ["bjensen@example.com"]],
      ])("filter %s", async (f, expected) => {
        const r = await call("GET", `/Users?filter=${encodeURIComponent(f)}`);
        expect(r.status).toBe(200);
        expect(r.body!.schemas).toEqual([URN.listResponse]);
        expect(r.body!.Resources.map((u: { userName: string }) => u.userName).sort()).toEqual(expected);
        expect(r.body!.totalResults).toBe(expected.length);
      });

      it("meta.lastModified gt: only what changed after the instant", async () => {
        const all = await call("GET", "/Users?count=100");
        const stamps = all.body!.Resources.map((u: { meta: { lastModified: string } }) => u.meta.lastModified).sort();
        const last = stamps[stamps.length - 1];
        expect((await call("GET", `/Users?filter=${encodeURIComponent(`meta.lastModified gt "${last}"`)}`)).body!.totalResults).toBe(0);
        expect((await call("GET", `/Users?filter=${encodeURIComponent(`meta.lastModified ge "${last}"`)}`)).body!.totalResults).toBeGreaterThanOrEqual(1);
        expect((await call("GET", `/Users?filter=${encodeURIComponent('meta.lastModified gt "2000-01-01T00:00:00Z"')}`)).body!.totalResults).toBe(5);
      });

      it("paging: startIndex is 1-based, count limits, totalResults counts all; sortBy/sortOrder", async () => {
        const p1 = await call("GET", "/Users?startIndex=1&count=2&sortBy=userName");
        expect(p1.body).toMatchObject({ totalResults: 5, itemsPerPage: 2, startIndex: 1 });
        expect(p1.body!.Resources.map((u: { userName: string }) => u.userName)).toEqual(["ann@example.com", "bjensen@example.com"]);
        const p3 = await call("GET", "/Users?startIndex=5&count=2&sortBy=userName");
        expect(p3.body).toMatchObject({ totalResults: 5, itemsPerPage: 1, startIndex: 5 });
        expect((await call("GET", "/Users?count=0")).body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
        expect((await call("GET", "/Users?startIndex=0&count=1")).body).toMatchObject({ startIndex: 1, itemsPerPage: 1 });
        const desc = await call("GET", "/Users?sortBy=userName&sortOrder=descending&count=1");
        expect(desc.body!.Resources[0].userName).toBe("mia@example.com");
        const mem = await call("GET", "/Users?sortBy=emails&sortOrder=descending&count=1&filter=" + encodeURIComponent('emails[type eq "work"]'));
        expect(mem.body).toMatchObject({ totalResults: 5 });
        expect(mem.body!.Resources[0].userName).toBe("mia@example.com");
        expect((await call("GET", "/Users?count=abc")).status).toBe(400);
      });

      it("attributes and excludedAttributes", async () => {
        const r = await call("GET", `/Users?filter=${encodeURIComponent('userName eq "bjensen@example.com"')}&attributes=userName`);
        expect(r.body!.Resources[0]).toEqual({ schemas: [URN.user, E], id: bjensen.id, userName: "bjensen@example.com" });
        const one = await call("GET", `/Users/${bjensen.id}?attributes=name.familyName,${E}:department`);
        expect(one.body).toEqual({ schemas: [URN.user, E], id: bjensen.id, name: { familyName: "Jensen" }, [E]: { department: "Sales" } });
        const ex = await call("GET", `/Users/${bjensen.id}?excludedAttributes=emails,groups`);
        expect(ex.body!.emails).toBeUndefined();
        expect(ex.body!.userName).toBe("bjensen@example.com");
      });

      it("invalid filters → 400 invalidFilter", async () => {
        for (const f of ['userName eq', 'userName xx "a"', 'foo eq "x"', "active gt true", '(userName eq "a"']) {
          const r = await call("GET", `/Users?filter=${encodeURIComponent(f)}`);
          expect(r.status).toBe(400);
          expect(r.body).toMatchObject({ schemas: [URN.error], status: "400", scimType: "invalidFilter" });
        }
      });

      it("POST /Users/.search takes a SearchRequest", async () => {
        const r = await call("POST", "/Users/.search", { body: { schemas: [URN.searchRequest], filter: 'userName sw "b"', attributes: ["userName"], sortBy: "userName", startIndex: 1, count: 10 } });
        expect(r.status).toBe(200);
        expect(r.body!.Resources).toEqual([
          { schemas: [URN.user, E], id: bjensen.id, userName: "bjensen@example.com" },
          expect.objectContaining({ userName: "bob@example.org" }),
        ]);
      });

      it("PUT replaces; a department change is a mover (hr_events row, access follows)", async () => {
        const cur = (await call("GET", `/Users/${bjensen.id}`)).body!;
        const r = await call("PUT", `/Users/${bjensen.id}`, { body: { ...cur, title: "Engineer", [E]: { ...cur[E], department: "Engineering" } }, headers: { "If-Match": cur.meta.version } });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ title: "Engineer", [E]: { department: "Engineering", employeeNumber: "701984" }, externalId: "okta-001" });
        expect(r.body!.meta.version).not.toBe(cur.meta.version);
        expect(r.body!.meta.lastModified >= cur.meta.lastModified).toBe(true);
        const [mover] = await t.db.select().from(hrEvents).where(and(eq(hrEvents.personId, bjensen.id), eq(hrEvents.kind, "mover")));
        expect(mover).toMatchObject({ source: "scim" });
        expect(mover.changes).toMatchObject({ department: { from: "Sales", to: "Engineering" } });
        expect(await activeEnts(bjensen.id)).toEqual(["Eng channel", "Members", "Sales channel"]); // Sales kept during the mover overlap
      });

      it("a GET → PUT round trip changes nothing (no events, same ETag content)", async () => {
        const cur = (await call("GET", `/Users/${bjensen.id}`)).body!;
        const before = await events(bjensen.id);
        const r = await call("PUT", `/Users/${bjensen.id}`, { body: cur });
        expect(r.status).toBe(200);
        expect(await events(bjensen.id)).toEqual(before);
        expect(r.body!.meta.version).toBe(cur.meta.version);
      });

      it("If-Match with a stale ETag → 412 and nothing changes", async () => {
        const r = await call("PATCH", `/Users/${bjensen.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "title", value: "Nope" }] }, headers: { "If-Match": 'W/"stale"' } });
        expect(r.status).toBe(412);
        expect(r.body).toMatchObject({ schemas: [URN.error], status: "412" });
        expect((await person(bjensen.id)).title).toBe("Engineer");
      });

      it("PATCH (Azure AD style) applies atomically; a failing operation changes nothing", async () => {
        const r = await call("PATCH", `/Users/${bjensen.id}`, {
          body: { schemas: [URN.patchOp], Operations: [
            { op: "Replace", path: "displayName", value: "Barbara J." },
            { op: "Add", path: 'emails[type eq "work"].value', value: "barbara@example.com" },
            { op: "Replace", path: "userName", value: "barbara@example.com" },
            { op: "Add", path: `${E}:costCenter`, value: "5000" },
          ] },
        });
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ displayName: "Barbara J.", userName: "barbara@example.com", [E]: { costCenter: "5000" } });
        expect((await person(bjensen.id)).email).toBe("barbara@example.com");
        const bad = await call("PATCH", `/Users/${bjensen.id}`, {
          body: { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "title", value: "Changed" }, { op: "remove", path: 'emails[type eq "pager"]' }] },
        });
        expect(bad.status).toBe(400);
        expect(bad.body).toMatchObject({ scimType: "noTarget" });
        expect((await person(bjensen.id)).title).toBe("Engineer");
        const taken = await call("PATCH", `/Users/${bjensen.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "userName", value: "ANN@example.com" }] } });
        expect(taken.status).toBe(409);
        expect(taken.body).toMatchObject({ scimType: "uniqueness" });
        const ro = await call("PATCH", `/Users/${bjensen.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "id", value: "x" }] } });
        expect(ro.body).toMatchObject({ status: "400", scimType: "mutability" });
      });

      it("PATCH active=false (Okta style) is a leaver: terminated, all access revoked; active=true is a rehire", async () => {
        const r = await call("PATCH", `/Users/${bjensen.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "replace", value: { active: false } }] } });
        expect(r.status).toBe(200);
        expect(r.body!.active).toBe(false);
        expect((await person(bjensen.id)).status).toBe("terminated");
        expect(await activeEnts(bjensen.id)).toEqual([]);
        const revoked = await t.db.select().from(grants).where(and(eq(grants.personId, bjensen.id), eq(grants.status, "revoked")));
        expect(revoked.length).toBeGreaterThan(0);
        expect((await events(bjensen.id)).at(-1)).toBe("leaver");
        expect((await call("GET", `/Users/${bjensen.id}`)).body!.active).toBe(false); // still visible, inactive
        const back = await call("PATCH", `/Users/${bjensen.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "Replace", path: "active", value: "True" }] } });
        expect(back.body!.active).toBe(true);
        expect((await events(bjensen.id)).at(-1)).toBe("rehire");
        expect(await activeEnts(bjensen.id)).toEqual(["Eng channel", "Members"]);
      });

      it("DELETE → 204, then 404 and gone from lists; the row and its history stay; POST again rehires", async () => {
        const cid = (await call("GET", `/Users?filter=${encodeURIComponent('userName eq "cid@example.com"')}`)).body!.Resources[0];
        const del = await call("DELETE", `/Users/${cid.id}`);
        expect(del.status).toBe(204);
        expect(del.body).toBeNull();
        expect((await call("GET", `/Users/${cid.id}`)).status).toBe(404);
        expect((await call("DELETE", `/Users/${cid.id}`)).status).toBe(404);
        expect((await call("GET", `/Users?filter=${encodeURIComponent('userName eq "cid@example.com"')}`)).body!.totalResults).toBe(0);
        const row = await person(cid.id);
        expect(row.status).toBe("terminated");
        expect(await activeEnts(cid.id)).toEqual([]);
        expect(await events(cid.id)).toEqual(["joiner", "leaver"]);
        const again = await call("POST", "/Users", { body: user("cid@example.com", { [E]: { department: "Sales" } }) });
        expect(again.status).toBe(201);
        expect(again.body!.id).toBe(cid.id); // the same identity, re-linked
        expect(await events(cid.id)).toEqual(["joiner", "leaver", "rehire"]);
      });

      it("a DELETE of an already inactive user still removes it from /Users", async () => {
        const bob = (await call("GET", `/Users?filter=${encodeURIComponent('userName eq "bob@example.org"')}`)).body!.Resources[0];
        await call("PATCH", `/Users/${bob.id}`, { body: { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "active", value: false }] } });
        expect((await call("DELETE", `/Users/${bob.id}`)).status).toBe(204);
        expect((await call("GET", `/Users/${bob.id}`)).status).toBe(404);
      });

      it("SQL and in-memory filtering agree", async () => {
        const all = (await call("GET", "/Users?count=1000")).body!.Resources as Array<Record<string, any>>;
        for (const f of ['userName sw "b"', 'not (userName sw "b")', "title pr", 'name.familyName ne "test"', 'userName gt "bob"', `${E}:department eq "Sales" or active eq false`]) {
          const viaSql = (await call("GET", `/Users?filter=${encodeURIComponent(f)}`)).body!.Resources.map((u: { id: string }) => u.id).sort();
          // The same filter with a value-filter clause that is always true forces in-memory evaluation.
          const viaMem = (await call("GET", `/Users?filter=${encodeURIComponent(`(${f}) and (emails[value pr] or not (emails[value pr]))`)}`)).body!.Resources.map((u: { id: string }) => u.id).sort();
          expect(viaMem, f).toEqual(viaSql);
          expect(viaSql.length, f).toBeLessThanOrEqual(all.length);
        }
      });

      it("Location follows the address the client used (reverse proxy headers)", async () => {
        const r = await call("GET", `/Users/${bjensen.id}`, { headers: { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "idm.example.com" } });
        expect(r.body!.meta.location).toBe(`https://idm.example.com/scim/v2/Users/${bjensen.id}`);
      });

      it("methods an endpoint lacks → 405", async () => {
        expect((await call("DELETE", "/Users")).status).toBe(405);
        expect((await call("POST", `/Users/${bjensen.id}`, { body: {} })).status).toBe(405);
      });
    });

    describe("Groups", () => {
      it("are IdP groups (see groups.int.test.ts): an empty list at first; the department is not a group", async () => {
        const r = await call("GET", "/Groups");
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ schemas: [URN.listResponse], totalResults: 0, Resources: [] });
        const u = await call("GET", `/Users?filter=${encodeURIComponent(`${E}:department eq "Sales"`)}`);
        expect(u.body!.Resources.every((x: { groups?: unknown }) => x.groups === undefined)).toBe(true);
      });
    });

    it("the audit chain is intact after all of this", async () => {
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    });
  });
}

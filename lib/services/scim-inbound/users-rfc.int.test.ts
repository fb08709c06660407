/**
 * Inbound SCIM /Users: the points an outside run of scim2-tester, scim-sanity and Entra/Okta-style probes
 * found (issue 12 §4), through the same handler the /scim/v2 route files call. PGlite by default, PostgreSQL
 * with TEST_DATABASE_URL. Assertions read rows back (people, hr_events, audit) and the SCIM representation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { hrEvents, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { URN, type AttrDef } from "@/lib/domain/scim/schema";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { handleScimRequest, SCIM_CONTENT_TYPE } from "./http";
import { NO_EMAIL_DOMAIN } from "./mapping";
import { createScimToken } from "./tokens";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const E = URN.enterprise;
const BASE = "https://gh.test/scim/v2";
const patch = (...Operations: object[]) => ({ schemas: [URN.patchOp], Operations });

type Call = { status: number; body: Record<string, any> | null };

for (const driver of testDrivers()) {
  describe(`inbound SCIM Users (RFC points) on ${driver.label}`, () => {
    let t: TestDb;
    let token = "";
    const call = async (method: string, path: string, body?: unknown): Promise<Call> => {
      const req = new Request(BASE + path, {
        method, headers: { "Content-Type": SCIM_CONTENT_TYPE, Authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const rest = new URL(BASE + path).pathname.split("/").slice(3).filter(Boolean);
      const res = await handleScimRequest(async () => t.db as Db, req, { endpoint: "other", rest });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const person = async (id: string) => (await t.db.select().from(people).where(eq(people.id, id)))[0]!;
    const create = async (body: Record<string, unknown>) => {
      const r = await call("POST", "/Users", { schemas: [URN.user, E], ...body });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body!;
    };

    beforeAll(async () => {
      t = await driver.open();
      token = (await createScimToken({ ctx: { db: t.db, actor: admin }, input: { name: "probe" } })).token;
    });
    afterAll(async () => {
      await t?.close();
    });

    it("/Schemas: every reference attribute states its referenceTypes (photos.value is external, RFC 7643 §8.7.1)", async () => {
      const r = await call("GET", "/Schemas");
      const missing: string[] = [];
      const walk = (attrs: AttrDef[], at: string) => {
        for (const a of attrs) {
          if (a.type === "reference" && !a.referenceTypes?.length) missing.push(`${at}${a.name}`);
          walk(a.subAttributes ?? [], `${at}${a.name}.`);
        }
      };
      for (const s of r.body!.Resources) walk(s.attributes, `${s.name}:`);
      expect(missing).toEqual([]);
      const user = r.body!.Resources.find((s: { id: string }) => s.id === URN.user);
      const photos = user.attributes.find((a: AttrDef) => a.name === "photos");
      expect(photos.subAttributes.find((a: AttrDef) => a.name === "value")).toMatchObject({ type: "reference", referenceTypes: ["external"] });
    });

    it("userName need not be an email (RFC 7643 §4.1.1): the email comes from emails; none at all → a placeholder never returned", async () => {
      const jdoe = await create({ userName: "jdoe", name: { givenName: "John", familyName: "Doe" }, emails: [{ value: "john.doe@corp.test", type: "work" }] });
      expect(jdoe).toMatchObject({ userName: "jdoe", emails: [{ value: "john.doe@corp.test", type: "work" }] });
      expect(await person(jdoe.id)).toMatchObject({ email: "john.doe@corp.test", displayName: "John Doe" });
      const found = await call("GET", `/Users?filter=${encodeURIComponent('userName eq "JDOE"')}`);
      expect(found.body!.Resources.map((u: { id: string }) => u.id)).toEqual([jdoe.id]);

      const bare = await create({ userName: "0a1b2c3d-no-mail" });
      expect(bare.userName).toBe("0a1b2c3d-no-mail");
      expect(bare.emails).toBeUndefined();
      expect(bare.active).toBe(true);
      const row = await person(bare.id);
      expect(row.email.endsWith(`@${NO_EMAIL_DOMAIN}`)).toBe(true);
      expect(row.status).toBe("active");
      expect((await call("GET", `/Users/${bare.id}`)).body!.emails).toBeUndefined();
      // Adding an email later makes it the person's email.
      const upd = await call("PATCH", `/Users/${bare.id}`, patch({ op: "add", path: "emails", value: [{ value: "late@corp.test", type: "work", primary: true }] }));
      expect(upd.status).toBe(200);
      expect((await person(bare.id)).email).toBe("late@corp.test");
      // A second User without email gets its own placeholder (no uniqueness clash).
      expect((await call("POST", "/Users", { schemas: [URN.user], userName: "another-no-mail" })).status).toBe(201);
      // Duplicate userNames are still refused, whatever their form.
      expect((await call("POST", "/Users", { schemas: [URN.user], userName: "JDoe" })).body).toMatchObject({ status: "409", scimType: "uniqueness" });
    });

    it("PATCH replace emails[type eq \"work\"].value replaces the work email instead of adding a second one", async () => {
      const u = await create({ userName: "wanda@corp.test", name: { givenName: "Wanda", familyName: "Work" }, emails: [{ value: "wanda@corp.test", type: "work", primary: true }] });
      const r = await call("PATCH", `/Users/${u.id}`, patch({ op: "replace", path: 'emails[type eq "work"].value', value: "wanda.work@corp.test" }));
      expect(r.status).toBe(200);
      expect(r.body!.emails).toEqual([{ value: "wanda.work@corp.test", type: "work", primary: true }]);
      expect((await call("GET", `/Users/${u.id}`)).body!.emails).toEqual([{ value: "wanda.work@corp.test", type: "work", primary: true }]);
      expect((await person(u.id)).email).toBe("wanda.work@corp.test");
      expect(r.body!.userName).toBe("wanda@corp.test"); // userName is its own attribute
    });

    it("Entra's filter form emails[type eq \"work\"].value eq \"x\" is answered (200), by SQL narrowing", async () => {
      const r = await call("GET", `/Users?filter=${encodeURIComponent('emails[type eq "work"].value eq "john.doe@corp.test"')}`);
      expect(r.status).toBe(200);
      expect(r.body!.Resources.map((u: { userName: string }) => u.userName)).toEqual(["jdoe"]);
      const none = await call("GET", `/Users?filter=${encodeURIComponent('emails[type eq "home"].value eq "john.doe@corp.test"')}`);
      expect(none.body!.totalResults).toBe(0);
    });

    describe("clearing a manager is applied and is a mover change", () => {
      let boss: Record<string, any>;
      const report = async (userName: string) =>
        create({ userName, name: { givenName: userName.split("@")[0], familyName: "Report" }, emails: [{ value: userName, type: "work", primary: true }], [E]: { department: "Ops", manager: { value: boss.id } } });
      const managerEvents = async (id: string) =>
        (await t.db.select().from(hrEvents).where(and(eq(hrEvents.personId, id), eq(hrEvents.kind, "mover")))).filter((e) => (e.changes as Record<string, unknown>).managerEmployeeId);

      beforeAll(async () => {
        boss = await create({ userName: "boss@corp.test", name: { givenName: "Big", familyName: "Boss" }, emails: [{ value: "boss@corp.test", type: "work", primary: true }], [E]: { employeeNumber: "B-1" } });
      });

      it.each([
        ["PATCH remove manager", (id: string) => call("PATCH", `/Users/${id}`, patch({ op: "remove", path: `${E}:manager` }))],
        ["PATCH replace manager with null", (id: string) => call("PATCH", `/Users/${id}`, patch({ op: "replace", path: `${E}:manager`, value: null }))],
        ["PATCH remove manager.value (Okta)", (id: string) => call("PATCH", `/Users/${id}`, patch({ op: "remove", path: `${E}:manager.value` }))],
        ["PUT without manager", async (id: string) => {
          const cur = (await call("GET", `/Users/${id}`)).body!;
          return call("PUT", `/Users/${id}`, { ...cur, [E]: { department: "Ops" } });
        }],
      ])("%s", async (_n, clear) => {
        const u = await report(`r${Math.random().toString(36).slice(2, 8)}@corp.test`);
        expect((await person(u.id)).managerId).toBe(boss.id);
        const r = await clear(u.id);
        expect(r.status).toBe(200);
        expect(r.body![E]?.manager).toBeUndefined();
        expect((await person(u.id)).managerId).toBeNull();
        expect((await call("GET", `/Users/${u.id}`)).body![E]?.manager).toBeUndefined();
        const ev = await managerEvents(u.id);
        expect(ev).toHaveLength(1);
        expect(ev[0]!.changes).toMatchObject({ managerEmployeeId: { from: "B-1", to: null } });
      });

      it("an HR import (same pipeline) with an empty manager clears it too", async () => {
        const u = await report("csv-report@corp.test");
        const row = await person(u.id);
        const res = await applyHrRecords({
          ctx: { db: t.db, actor: admin }, input: { source: "csv" },
          records: [{
            line: 2, employeeId: row.employeeId, givenName: row.givenName, familyName: row.familyName, email: row.email, department: row.department, title: row.title,
            level: row.level, location: row.location, managerEmployeeId: null, employmentType: row.employmentType, status: row.status, startDate: row.startDate,
            endDate: row.endDate, costCenter: row.costCenter, attributes: {},
          }],
        });
        expect(res).toMatchObject({ applied: true, updated: 1 });
        expect((await person(u.id)).managerId).toBeNull();
        expect(await managerEvents(u.id)).toHaveLength(1);
      });
    });

    it.each<[string, string, (u: Record<string, any>) => unknown]>([
      ["name", "name", (u) => u.name],
      ["displayName", "displayName", (u) => u.displayName],
      ["userType", "userType", (u) => u.userType],
      ["active", "active", (u) => u.active],
      ["emails", "emails", (u) => u.emails],
      ["employeeNumber", `${E}:employeeNumber`, (u) => u[E]?.employeeNumber],
      ["the enterprise extension", E, (u) => u[E]],
    ])("PATCH remove %s unassigns it (RFC 7644 §3.5.2.2): absent from the response and from later reads", async (_n, path, pick) => {
      const n = Math.random().toString(36).slice(2, 8);
      const u = await create({
        userName: `rm-${n}@corp.test`, name: { givenName: "Remo", familyName: "Ved" }, displayName: "Remo V.", userType: "Contractor", active: true,
        emails: [{ value: `rm-${n}@corp.test`, type: "work", primary: true }], [E]: { employeeNumber: `RM-${n}`, department: "Ops", costCenter: "42" },
      });
      expect(pick(u)).toBeDefined();
      const r = await call("PATCH", `/Users/${u.id}`, patch({ op: "remove", path }));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(pick(r.body!)).toBeUndefined();
      const again = (await call("GET", `/Users/${u.id}`)).body!;
      expect(pick(again)).toBeUndefined();
      expect(again.userName).toBe(`rm-${n}@corp.test`);
      // Gatehouse keeps what it needs internally: a name to show, the person's status and HR key.
      const row = await person(u.id);
      expect(row.displayName.length).toBeGreaterThan(0);
      expect(row.status).toBe("active");
      if (path === E) {
        expect(row).toMatchObject({ department: "", costCenter: null });
        expect(again.schemas).toEqual([URN.user]);
      }
      // Writing the attribute again brings it back.
      const value = path === E ? { department: "Ops" } : path.endsWith("employeeNumber") ? `RM2-${n}` : path === "active" ? true : path === "emails" ? [{ value: `rm-${n}@corp.test`, type: "work" }] : path === "name" ? { givenName: "Remo" } : "X";
      const back = await call("PATCH", `/Users/${u.id}`, patch({ op: "add", path, value }));
      expect(back.status).toBe(200);
      expect(pick(back.body!)).toBeDefined();
    });

    it("display names never get a trailing space when familyName is empty (the person's and manager.displayName)", async () => {
      // An HR file without a family name (the same pipeline SCIM writes through).
      const res = await applyHrRecords({
        ctx: { db: t.db, actor: admin }, input: { source: "csv" },
        records: [{
          line: 2, employeeId: "SOLO-1", givenName: "Solo", familyName: "", email: "solo@corp.test", department: "Ops", title: "", level: 1, location: "Paris",
          managerEmployeeId: null, employmentType: "employee", status: "active", startDate: null, endDate: null, costCenter: null, attributes: {},
        }],
      });
      expect(res.applied).toBe(true);
      const [row] = await t.db.select().from(people).where(eq(people.employeeId, "SOLO-1"));
      expect(row!.displayName).toBe("Solo");
      const solo = (await call("GET", `/Users/${row!.id}`)).body!;
      expect(solo.displayName).toBe("Solo");
      expect(solo.name).toEqual({ givenName: "Solo", formatted: "Solo" });
      const rep = await create({ userName: "rep@corp.test", name: { givenName: "Rep", familyName: "Orter" }, emails: [{ value: "rep@corp.test", type: "work" }], [E]: { manager: { value: solo.id } } });
      const mgr = await call("GET", `/Users/${rep.id}?attributes=${E}:manager`);
      expect(mgr.body![E].manager).toEqual({ value: solo.id, $ref: `${BASE}/Users/${solo.id}`, displayName: "Solo" });
      // A SCIM User with only a given name: the person's display name has no trailing space either.
      const viaScim = await create({ userName: "mono@corp.test", name: { givenName: "Mono" }, emails: [{ value: "mono@corp.test", type: "work" }] });
      expect((await person(viaScim.id)).displayName).toBe("Mono");
      expect(viaScim.name).toEqual({ givenName: "Mono" });
    });

    it("filters agree with the representation on unassigned attributes (SQL and in-memory evaluation)", async () => {
      for (const f of ["displayName pr", "active eq true", "active ne true", "userType pr", "name.givenName pr", `${E}:employeeNumber pr`, 'not (displayName pr)']) {
        const viaSql = (await call("GET", `/Users?count=1000&filter=${encodeURIComponent(f)}`)).body!.Resources.map((u: { id: string }) => u.id).sort();
        const viaMem = (await call("GET", `/Users?count=1000&filter=${encodeURIComponent(`(${f}) and (emails[value pr] or not (emails[value pr]))`)}`)).body!.Resources.map((u: { id: string }) => u.id).sort();
        expect(viaSql, f).toEqual(viaMem);
      }
      // Someone had displayName removed above: they are not `displayName pr`.
      expect((await call("GET", `/Users?filter=${encodeURIComponent("not (displayName pr)")}`)).body!.totalResults).toBeGreaterThan(0);
    });

    it("searches from the root (POST /.search, GET /?filter) cover Users and then Groups", async () => {
      const g = await call("POST", "/Groups", { schemas: [URN.group], displayName: "jdoe-team" });
      expect(g.status).toBe(201);
      const jdoe = (await call("GET", `/Users?filter=${encodeURIComponent('userName eq "jdoe"')}`)).body!.Resources[0];
      const r = await call("POST", "/.search", { schemas: [URN.searchRequest], filter: `id eq "${jdoe.id}" or displayName eq "jdoe-team"`, attributes: ["id"] });
      expect(r.status).toBe(200);
      expect(r.body!.totalResults).toBe(2);
      expect(r.body!.Resources.map((x: { schemas: string[] }) => x.schemas[0])).toEqual([URN.user, URN.group]);
      const userOnly = await call("GET", `/?filter=${encodeURIComponent('userName eq "jdoe"')}`);
      expect(userOnly.status).toBe(200);
      expect(userOnly.body!.totalResults).toBe(1); // Groups have no userName: they match nothing
      expect((await call("GET", `/?filter=${encodeURIComponent('nope eq "x"')}`)).body).toMatchObject({ status: "400", scimType: "invalidFilter" });
    });
  });
}

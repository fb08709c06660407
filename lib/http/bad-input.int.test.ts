/**
 * Issue 12 §3: bad input gets a clear 4xx and writes NOTHING. Each case reads the database back
 * (people, managers, hr_events, campaigns, audit) after the refusal. PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set (NUL bytes and impossible dates are refused by PostgreSQL itself, so the
 * real server is where a missed check would show as a 500).
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditEvents, hrEvents, people, reviewCampaigns } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { URN } from "@/lib/domain/scim/schema";
import { ValidationError } from "@/lib/errors";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { handleHrWebhook } from "@/lib/services/lifecycle/hr-webhook";
import { createCampaign } from "@/lib/services/reviews/create-campaign";
import { handleScimRequest, SCIM_CONTENT_TYPE } from "@/lib/services/scim-inbound/http";
import { createScimToken } from "@/lib/services/scim-inbound/tokens";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";

const admin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const BASE = "https://gh.test/scim/v2";
const secret = "s3cret-s3cret-s3cret";

for (const driver of testDrivers()) {
  describe(`bad input is refused and changes nothing (${driver.label})`, () => {
    let t: TestDb;
    let db: Db;
    let token = "";
    const counts = async () => {
      const n = async (q: Promise<Array<{ n: number }>>) => Number((await q)[0]!.n);
      return {
        people: await n(db.select({ n: sql<number>`count(*)::int` }).from(people)),
        events: await n(db.select({ n: sql<number>`count(*)::int` }).from(hrEvents)),
        campaigns: await n(db.select({ n: sql<number>`count(*)::int` }).from(reviewCampaigns)),
        audit: await n(db.select({ n: sql<number>`count(*)::int` }).from(auditEvents)),
        managers: JSON.stringify(await db.select({ e: people.employeeId, m: people.managerId, email: people.email }).from(people).orderBy(people.employeeId)),
      };
    };
    const scim = async (method: string, path: string, body?: unknown) => {
      const req = new Request(BASE + path, {
        method, headers: { "Content-Type": SCIM_CONTENT_TYPE, Authorization: `Bearer ${token}` },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const res = await handleScimRequest(async () => db, req, { endpoint: "other", rest: new URL(BASE + path).pathname.split("/").slice(3).filter(Boolean) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
    };
    const user = (email: string, extra: Record<string, unknown> = {}) => ({ schemas: [URN.user, URN.enterprise], userName: email, name: { givenName: email.split("@")[0], familyName: "Test" }, ...extra });
    const csv = (rows: string[]) => ["employee_id,first_name,last_name,email,department,title,manager_id,start_date", ...rows].join("\n");

    beforeAll(async () => {
      t = await driver.open();
      db = t.db as Db;
      token = (await createScimToken({ ctx: { db, actor: admin }, input: { name: "Okta" } })).token;
      const base = parseHrCsv(csv(["A1,Ann,Alpha,ann@x.test,Eng,Lead,,2024-01-01", "B1,Bob,Beta,bob@x.test,Eng,Dev,A1,2024-01-01", "C1,Cat,Gamma,cat@x.test,Eng,Dev,B1,2024-01-01"]));
      const r = await applyHrRecords({ ctx: { db, actor: admin }, input: { source: "csv" }, records: base.records, rowErrors: base.errors });
      expect(r.applied).toBe(true);
    });
    afterAll(async () => t?.close());

    describe("SCIM", () => {
      it.each([
        ["NUL in userName", '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"nul\\u0000@x.test"}'],
        ["lone surrogate in a name", '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"s@x.test","name":{"givenName":"\\ud800"}}'],
        ["NUL in an object key", '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"k@x.test","x\\u0000":1}'],
      ])("%s → 400 invalidValue", async (_n, body) => {
        const before = await counts();
        const r = await scim("POST", "/Users", body);
        expect(r.status).toBe(400);
        expect(r.body?.scimType).toBe("invalidValue");
        expect(r.body?.detail).toMatch(/NUL|lone surrogate/);
        expect(await counts()).toEqual(before);
      });

      it.each([
        'meta.lastModified gt "0000-01-01T00:00:00Z"', 'meta.created lt "2026-02-30T00:00:00Z"', 'meta.lastModified ge "2026-01-01T25:00:00Z"', 'meta.lastModified gt "yesterday"',
      ])("filter %s → 400 invalidFilter", async (filter) => {
        const r = await scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
        expect(r.status).toBe(400);
        expect(r.body?.scimType).toBe("invalidFilter");
      });

      it("a filter with a NUL in its string → 400 invalidFilter; a valid date filter still works", async () => {
        expect((await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "a\u0000"')}`)).status).toBe(400);
        const ok = await scim("GET", `/Users?filter=${encodeURIComponent('meta.lastModified gt "0001-01-01T00:00:00Z"')}`);
        expect(ok.status).toBe(200);
        expect(ok.body?.totalResults).toBe(3);
      });

      it("an email already used by another person → 409 uniqueness, on create and on change", async () => {
        const before = await counts();
        const created = await scim("POST", "/Users", user("dup@x.test", { emails: [{ value: "ANN@x.test", primary: true }], userName: "ANN@x.test" }));
        expect(created.status).toBe(409);
        expect(created.body?.scimType).toBe("uniqueness");
        const [bob] = await db.select().from(people).where(eq(people.employeeId, "B1"));
        const patched = await scim("PATCH", `/Users/${bob!.id}`, { schemas: [URN.patchOp], Operations: [{ op: "replace", path: "userName", value: "ann@x.test" }] });
        expect(patched.status).toBe(409);
        expect(await counts()).toEqual(before);
      });

      it("a manager cycle (A → B → A, and A → C → B → A) → 400 naming the loop; managers unchanged", async () => {
        const before = await counts();
        const [ann] = await db.select().from(people).where(eq(people.employeeId, "A1"));
        const [cat] = await db.select().from(people).where(eq(people.employeeId, "C1"));
        const [bob] = await db.select().from(people).where(eq(people.employeeId, "B1"));
        for (const mgr of [bob!, cat!]) {
          const r = await scim("PATCH", `/Users/${ann!.id}`, { schemas: [URN.patchOp], Operations: [{ op: "replace", path: `${URN.enterprise}:manager`, value: { value: mgr.id } }] });
          expect(r.status).toBe(400);
          expect(r.body?.detail).toMatch(/reporting line would loop: A1 → .*A1/);
        }
        expect(await counts()).toEqual(before);
      });
    });

    describe("HR webhook", () => {
      const now = new Date();
      const ts = String(Math.floor(now.getTime() / 1000));
      const send = (body: string, key: string) =>
        handleHrWebhook(db, { body, timestamp: ts, signature: `sha256=${createHmac("sha256", secret).update(`${ts}.${key}.${body}`).digest("hex")}`, idempotencyKey: key }, secret, now);
      const event = (p: Record<string, unknown>) => ({ person: { givenName: "W", familyName: "H", department: "Sales", title: "AE", ...p } });

      it.each([
        ["an impossible date (2026-02-30)", { employeeId: "W1", email: "w1@x.test", startDate: "2026-02-30" }, /startDate/],
        ["a NUL in a name", { employeeId: "W2", email: "w2@x.test", givenName: "W\u0000" }, /NUL/],
        ["a lone surrogate in the title", { employeeId: "W3", email: "w3@x.test", title: "x\ud800" }, /NUL|surrogate/],
      ])("%s → 400 naming the field, nothing written", async (_n, p, why) => {
        const before = await counts();
        const a = await send(JSON.stringify({ events: [event(p)] }), `evt-bad-${p.employeeId}`);
        expect(a.status).toBe(400);
        expect(JSON.stringify(a.body)).toMatch(why);
        expect(await counts()).toEqual(before);
      });

      it("a manager cycle inside one batch (X → Y → X) → 422 naming the loop, nothing written", async () => {
        const before = await counts();
        const a = await send(JSON.stringify({ events: [event({ employeeId: "X1", email: "x1@x.test", managerEmployeeId: "Y1" }), event({ employeeId: "Y1", email: "y1@x.test", managerEmployeeId: "X1" })] }), "evt-cycle-1");
        expect(a.status).toBe(422);
        expect(JSON.stringify(a.body)).toContain("reporting line would loop: X1 → Y1 → X1");
        expect(await counts()).toEqual(before);
      });

      it("two events of one batch with the same email → 422, nothing written", async () => {
        const before = await counts();
        const a = await send(JSON.stringify({ events: [event({ employeeId: "Q1", email: "q@x.test" }), event({ employeeId: "Q2", email: "Q@x.test" })] }), "evt-email-2");
        expect(a.status).toBe(422);
        expect(JSON.stringify(a.body)).toContain("already used by Q1 (line 1)");
        expect(await counts()).toEqual(before);
      });

      it("an email already used by another person → 422 for that event, nothing written", async () => {
        const before = await counts();
        const a = await send(JSON.stringify({ events: [event({ employeeId: "Z1", email: "Bob@x.test" })] }), "evt-email-1");
        expect(a.status).toBe(422);
        expect(JSON.stringify(a.body)).toContain("already used by another person (B1)");
        expect(await counts()).toEqual(before);
      });
    });

    describe("HR import", () => {
      it("reports an email used by another person and a manager cycle per row, and applies nothing", async () => {
        const before = await counts();
        const f = parseHrCsv(csv([
          "N1,New,One,cat@x.test,Eng,Dev,,2025-01-01", // Cat's email
          "N2,New,Two,n2@x.test,Eng,Dev,,2025-01-01",
          "N3,New,Three,N2@x.test,Eng,Dev,,2025-01-01", // same as the row above
          "A1,Ann,Alpha,ann@x.test,Eng,Lead,C1,2024-01-01", // A1 → C1 → B1 → A1
        ]));
        const r = await applyHrRecords({ ctx: { db, actor: admin }, input: { source: "csv" }, records: f.records, rowErrors: f.errors });
        expect(r.applied).toBe(false);
        expect(r.errors).toEqual(expect.arrayContaining([
          expect.objectContaining({ line: 2, column: "email", message: expect.stringContaining("already used by another person (C1)") }),
          expect.objectContaining({ line: 4, column: "email", message: expect.stringContaining("also appears on line 3") }),
          expect.objectContaining({ line: 5, column: "manager", message: "the reporting line would loop: A1 → C1 → B1 → A1" }),
        ]));
        expect(await counts()).toEqual(before);
      });

      it("an email another person still holds cannot be handed over in the same file (emails are unique at every moment)", async () => {
        const before = await counts();
        const f = parseHrCsv(csv(["B1,Bob,Beta,cat@x.test,Eng,Dev,A1,2024-01-01", "C1,Cat,Gamma,bob@x.test,Eng,Dev,B1,2024-01-01"]));
        const r = await applyHrRecords({ ctx: { db, actor: admin }, input: { source: "csv" }, records: f.records, rowErrors: f.errors });
        expect(r.applied).toBe(false);
        expect(r.errors.map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringContaining("change theirs in an earlier import first")]));
        expect(await counts()).toEqual(before);
      });
    });

    describe("review campaigns", () => {
      const annAsAdmin = async (): Promise<Actor> => ({ ...admin, personId: (await db.select().from(people).where(eq(people.employeeId, "A1")))[0]!.id });
      it.each([
        ["a due date in the past", new Date(Date.now() - 86_400_000).toISOString().slice(0, 10), /future/],
        ["an impossible due date", "2026-02-30", /real date/],
        ["a NUL in the name", "2099-01-01", /NUL/],
      ])("%s → a clear validation error, no campaign written", async (n, dueAt, why) => {
        const before = await counts();
        const input = { name: n === "a NUL in the name" ? "Q1\u0000 review" : "Q1 review", dueAt };
        const err = await createCampaign({ ctx: { db, actor: await annAsAdmin() }, input }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as Error).message).toMatch(why);
        expect(await counts()).toEqual(before);
      });

      it("a due date later today or in the future is accepted", async () => {
        const c = await createCampaign({ ctx: { db, actor: await annAsAdmin() }, input: { name: "Next quarter", dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) } });
        expect(c.dueAt?.toISOString()).toMatch(/T23:59:59\.000Z$/);
      });
    });
  });
}

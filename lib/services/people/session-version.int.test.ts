/**
 * Server-side session versions: the jwt callback's check (checkSessionToken) against PGlite / PostgreSQL, and the
 * three things that end a person's sessions: sign-out, removal of a portal role, termination (sweep and HR import).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { people, portalRoleAssignments } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { runLifecycleSweep } from "@/lib/services/lifecycle/sweep";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { grantPortalRole, revokePortalRole } from "./portal-roles";
import { CACHE_MS, checkSessionToken, currentSessionVersion, forgetSessionVersions, recordSignOut } from "./session-version";

const cli: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };
const hrAdmin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };

for (const driver of testDrivers()) {
  describe(`session versions on ${driver.label}`, () => {
    let t: TestDb;
    const ana = testPerson("Ana", { email: "ana.sv@corp.test" });
    const ben = testPerson("Ben", { email: "ben.sv@corp.test" });
    const cat = testPerson("Cat", { email: "cat.sv@corp.test", endDate: "2026-11-01" });
    const dan = testPerson("Dan", { email: "dan.sv@corp.test", employeeId: "SV-DAN", managerId: null });
    const versionOf = async (id: string) => (await t.db.select({ v: people.sessionVersion }).from(people).where(eq(people.id, id)))[0]!.v;
    const signIn = (id: string) => checkSessionToken(t.db, { name: "x" }, id);
    const use = (token: Record<string, unknown>) => checkSessionToken(t.db, token);

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([ana, ben, cat, dan]);
      await t.db.insert(portalRoleAssignments).values([{ personId: ana.id, role: "admin" }, { personId: ben.id, role: "admin" }]);
      forgetSessionVersions();
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a token is stamped with the version at sign-in and stays valid while it is current", async () => {
      const tok = await signIn(ana.id);
      expect(tok).toMatchObject({ personId: ana.id, sv: 0 });
      expect(await use(tok)).toMatchObject({ personId: ana.id });
      // Tokens from before versions existed count as version 0.
      expect(await use({ personId: ana.id })).toMatchObject({ personId: ana.id });
      // Unknown people never get a session.
      expect(await signIn("00000000-0000-4000-8000-00000000dead")).toEqual({ revoked: true });
    });

    it("sign-out ends every session of the person (another browser's copy too), audited", async () => {
      const laptop = await signIn(ana.id);
      const phone = await signIn(ana.id);
      await recordSignOut(t.db, ana.id);
      expect(await versionOf(ana.id)).toBe(1);
      expect(await use(laptop)).toEqual({ revoked: true });
      expect(await use(phone)).toEqual({ revoked: true });
      const again = await signIn(ana.id);
      expect(again).toMatchObject({ personId: ana.id, sv: 1 });
      expect(await use(again)).toMatchObject({ personId: ana.id });
      const audit = rowsOf<{ action: string; target_id: string }>(await t.db.execute(sql`SELECT action, target_id FROM audit_events WHERE action = 'auth.signed_out'`));
      expect(audit).toEqual([{ action: "auth.signed_out", target_id: ana.id }]);
    });

    it("removing a portal role ends the holder's sessions; granting one does not", async () => {
      const tok = await signIn(ben.id);
      await grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: ben.email, role: "auditor" } });
      expect(await use(tok)).toMatchObject({ personId: ben.id });
      await revokePortalRole({ ctx: { db: t.db, actor: cli }, input: { email: ben.email, role: "admin" } });
      expect(await use(tok)).toEqual({ revoked: true });
      expect(await versionOf(ben.id)).toBe(1);
      // The other admin's session is untouched.
      expect(await use(await signIn(ana.id))).toMatchObject({ personId: ana.id });
    });

    it("termination by the leaver sweep ends the sessions (and a leaver cannot sign in)", async () => {
      const tok = await signIn(cat.id);
      const r = await runLifecycleSweep(t.db, new Date("2026-11-22T09:00:00Z"));
      expect(r.leavers.map((l) => l.personId)).toContain(cat.id);
      expect(await versionOf(cat.id)).toBe(1);
      expect(await use(tok)).toEqual({ revoked: true });
      expect(await signIn(cat.id)).toEqual({ revoked: true });
    });

    it("termination by an HR import ends the sessions", async () => {
      const tok = await signIn(dan.id);
      const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
      const { records, errors } = parseHrCsv(header + `SV-DAN,Dan,Test,${dan.email},Engineering,Engineer,1,Remote,,employee,terminated,2024-01-01,2026-11-20\n`);
      await applyHrRecords({ ctx: { db: t.db, actor: hrAdmin }, input: { source: "csv", today: "2026-11-22" }, records, rowErrors: errors });
      expect((await t.db.select({ s: people.status }).from(people).where(eq(people.id, dan.id)))[0]!.s).toBe("terminated");
      expect(await versionOf(dan.id)).toBe(1);
      expect(await use(tok)).toEqual({ revoked: true });
    });

    it("a bump made by another process is seen once the short cache expires", async () => {
      const tok = await signIn(ana.id);
      const t0 = Date.now();
      expect(await currentSessionVersion(t.db, ana.id, { now: t0 })).toBe(1);
      await t.db.update(people).set({ sessionVersion: sql`${people.sessionVersion} + 1` }).where(eq(people.id, ana.id)); // as the worker would
      expect(await currentSessionVersion(t.db, ana.id, { now: t0 + 10 })).toBe(1); // cached
      expect(await currentSessionVersion(t.db, ana.id, { now: t0 + CACHE_MS + 1 })).toBe(2);
      expect(await use(tok)).toEqual({ revoked: true });
    });
  });
}

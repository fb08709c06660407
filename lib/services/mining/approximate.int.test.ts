/**
 * Approximate role mining through the service, on a fresh organisation (not the demo seed) whose access was
 * planted by job title: three titles, each with its own entitlement set (Solutions Engineers hold Salesforce
 * "Sales Operations", an edit-level entitlement, not the application's lowest), plus a little noise (a few extra
 * grants, a few missing ones) and a leaver whose grants must be ignored.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, ne } from "drizzle-orm";
import { applications, auditEvents, entitlements, grants, people, roleEntitlements, roleTemplates } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { draftsFromMined } from "./drafts-from-mined";
import { getMiningJob, startMining, type MiningResult } from "./mine-organisation";

const APPS: Record<string, Array<[string, "read" | "edit" | "admin"]>> = {
  Salesforce: [["Sales User", "read"], ["Sales Operations", "edit"], ["System Administrator", "admin"]],
  "Demo Cloud": [["Viewer", "read"], ["Presenter", "edit"]],
  Slack: [["Member", "read"]],
  Zoom: [["Basic", "read"], ["Host", "edit"]],
  GitHub: [["Read", "read"], ["Write", "edit"], ["Admin", "admin"]],
  Jira: [["User", "read"]],
  NetSuite: [["Viewer", "read"], ["Accountant", "edit"]],
  Expensify: [["Submitter", "read"], ["Approver", "edit"]],
  Tableau: [["Viewer", "read"]],
};
const PLANTED: Record<string, { department: string; count: number; ents: string[] }> = {
  "Solutions Engineer": { department: "Sales", count: 20, ents: ["Salesforce:Sales Operations", "Demo Cloud:Presenter", "Slack:Member", "Zoom:Host"] },
  "Software Engineer": { department: "Engineering", count: 16, ents: ["GitHub:Write", "Jira:User", "Slack:Member", "Zoom:Basic"] },
  Accountant: { department: "Finance", count: 10, ents: ["NetSuite:Accountant", "Expensify:Approver", "Slack:Member"] },
};

for (const driver of testDrivers()) {
  describe(`approximate role mining on a fresh organisation (${driver.label})`, () => {
    let t: TestDb;
    let admin: Actor, auditor: Actor;
    const ent = new Map<string, string>(); // "App:Name" -> id
    const noise: Array<[string, string]> = [];

    beforeAll(async () => {
      t = await driver.open();
      for (const [app, list] of Object.entries(APPS)) {
        const [a] = await t.db.insert(applications).values({ key: app.toLowerCase().replace(/\W+/g, "-"), name: app }).returning({ id: applications.id });
        for (const [name, level] of list) {
          const [e] = await t.db.insert(entitlements).values({ applicationId: a!.id, externalId: name.toLowerCase().replace(/\W+/g, "-"), name, level }).returning({ id: entitlements.id });
          ent.set(`${app}:${name}`, e!.id);
        }
      }
      const rows: Array<typeof grants.$inferInsert> = [];
      let n = 0;
      for (const [title, p] of Object.entries(PLANTED)) {
        for (let i = 0; i < p.count; i++) {
          const person = testPerson(`${title.replace(/\W+/g, "")}${i}`, { title, department: p.department, email: `p${n++}-${randomUUID().slice(0, 6)}@example.test` });
          await t.db.insert(people).values(person);
          // Two Solutions Engineers lack Zoom Host (missing grants), nothing else is missing.
          for (const e of p.ents) if (!(title === "Solutions Engineer" && i < 2 && e === "Zoom:Host")) rows.push({ personId: person.id, entitlementId: ent.get(e)!, source: "import" });
          // Noise: a few people hold something their peers do not.
          if (i === 3 || i === 7) {
            const extra = title === "Accountant" ? "Tableau:Viewer" : title === "Software Engineer" ? "GitHub:Admin" : "Tableau:Viewer";
            rows.push({ personId: person.id, entitlementId: ent.get(extra)!, source: "request" });
            noise.push([person.id, ent.get(extra)!]);
          }
        }
      }
      // A leaver: their grants are not part of the analysis.
      const leaver = testPerson("Leaver", { title: "Solutions Engineer", department: "Sales", status: "terminated" });
      await t.db.insert(people).values(leaver);
      rows.push({ personId: leaver.id, entitlementId: ent.get("Salesforce:System Administrator")!, source: "manual" });
      await t.db.insert(grants).values(rows);
      const a = testPerson("Admin", { title: "IT Administrator", department: "IT" });
      const au = testPerson("Auditor", { title: "Internal Auditor", department: "Finance" });
      await t.db.insert(people).values([a, au]);
      admin = { personId: a.id, name: "Admin Test", email: a.email, roles: ["employee", "admin"], ownedApplicationIds: [] };
      auditor = { personId: au.id, name: "Auditor Test", email: au.email, roles: ["employee", "auditor"], ownedApplicationIds: [] };
    }, 120_000);
    afterAll(async () => t?.close());

    const liveGrants = async () =>
      (await t.db.select({ p: grants.personId, e: grants.entitlementId }).from(grants).innerJoin(people, eq(people.id, grants.personId)).where(and(eq(grants.status, "active"), ne(people.status, "terminated")))).map((g) => `${g.p}|${g.e}`);

    it("approximate mode: few roles named from titles cover >= 95%; the rest are listed as exceptions; nobody gains access", async () => {
      const { jobId, done } = await startMining({ ctx: { db: t.db, actor: auditor }, input: { mode: "approximate", coverage: 0.95, timeLimitMs: 5000 } });
      await done;
      const job = await getMiningJob({ ctx: { db: t.db, actor: auditor }, input: { jobId } });
      expect(job?.status).toBe("succeeded");
      const r = job!.result as MiningResult;
      expect(r.mode).toBe("approximate");
      expect(r.target).toBe(0.95);
      const live = new Set(await liveGrants());
      expect(r.assignments).toBe(live.size);

      // Never grants extra access: every pair a role implies is a live grant.
      const covered = new Set<string>();
      for (const role of r.roles) for (const u of role.memberIds) for (const e of role.entitlements) covered.add(`${u}|${e.id}`);
      for (const k of covered) expect(live.has(k)).toBe(true);
      // Exceptions + covered = every live grant, no overlap, nothing dropped.
      const exc = new Set(r.exceptions.map((x) => `${x.personId}|${x.entitlementId}`));
      for (const k of exc) expect(covered.has(k)).toBe(false);
      expect(covered.size + exc.size).toBe(live.size);
      expect(r.covered).toBe(covered.size);
      expect(r.coveredShare).toBeGreaterThanOrEqual(0.95);
      // The planted noise is among the exceptions, with names.
      for (const [p, e] of noise) expect(exc.has(`${p}|${e}`)).toBe(true);
      expect(r.exceptions.every((x) => x.person.endsWith(" Test") && x.application && x.entitlement)).toBe(true);

      // Named from titles, with the share; unique names; the planted roles are found.
      const names = r.roles.map((x) => x.name);
      expect(new Set(names).size).toBe(names.length);
      for (const title of Object.keys(PLANTED)) {
        const role = r.roles.find((x) => x.name === title);
        expect(role, `a role named ${title}`).toBeDefined();
        expect(role!.naming.basis).toBe("title");
        expect(role!.naming.share).toBe(`${role!.naming.matching} of ${role!.members} members`);
        expect(role!.naming.why).toContain(title);
      }
      const se = r.roles.find((x) => x.name === "Solutions Engineer")!;
      expect(se.entitlements.map((e) => `${e.application}:${e.name}`)).toContain("Salesforce:Sales Operations");
      // Fewer roles than the exact method needs for the same access.
      const exact = await startMining({ ctx: { db: t.db, actor: auditor }, input: { mode: "exact", timeLimitMs: 3000 } });
      await exact.done;
      const ex = (await getMiningJob({ ctx: { db: t.db, actor: auditor }, input: { jobId: exact.jobId } }))!.result as MiningResult;
      expect(ex.mode).toBe("exact");
      expect(ex.exceptions).toEqual([]);
      expect(ex.coveredShare).toBe(1);
      expect(r.roles.length).toBeLessThan(ex.roles.length);
      expect(ex.roles.every((x) => x.name && x.naming.share)).toBe(true);
      const audit = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "mining.finished"), eq(auditEvents.targetId, jobId)));
      expect(audit[0]!.data).toMatchObject({ mode: "approximate", exceptions: r.exceptions.length, covered: r.covered });

      // A draft from the Solutions Engineer role has exactly its entitlements (edit-level Sales Operations, not the lowest).
      await expect(draftsFromMined({ ctx: { db: t.db, actor: auditor }, input: { jobId, roles: [{ roleId: se.id }] } })).rejects.toBeInstanceOf(ForbiddenError);
      const [created] = await draftsFromMined({ ctx: { db: t.db, actor: admin }, input: { jobId, roles: [{ roleId: se.id }] } });
      expect(created!.name).toBe("Solutions Engineer");
      const [tmpl] = await t.db.select().from(roleTemplates).where(eq(roleTemplates.id, created!.id));
      expect(tmpl).toMatchObject({ status: "draft", origin: "mined:organisation", name: "Solutions Engineer" });
      const stored = (await t.db.select({ e: roleEntitlements.entitlementId }).from(roleEntitlements).where(eq(roleEntitlements.roleId, created!.id))).map((x) => x.e).sort();
      expect(stored).toEqual(se.entitlements.map((e) => e.id).sort());
      expect(stored).toContain(ent.get("Salesforce:Sales Operations"));
      expect(stored).not.toContain(ent.get("Salesforce:Sales User"));
      expect(created!.included.map((e) => `${e.application} · ${e.name} (${e.level})`)).toContain("Salesforce · Sales Operations (edit)");
      expect((await verifyAuditChain(t.db)).ok).toBe(true);
    }, 120_000);

    it("refuses bad options and unknown roles without touching anything", async () => {
      const ctx = { db: t.db, actor: auditor };
      await expect(startMining({ ctx, input: { mode: "approximate", coverage: 0.3 } })).rejects.toBeInstanceOf(ValidationError);
      await expect(startMining({ ctx, input: { mode: "bogus" } })).rejects.toBeInstanceOf(ValidationError);
      const before = (await t.db.select({ id: roleTemplates.id }).from(roleTemplates)).length;
      const { jobId, done } = await startMining({ ctx, input: { mode: "approximate", coverage: 1, timeLimitMs: 2000 } });
      await done;
      const r = (await getMiningJob({ ctx, input: { jobId } }))!.result as MiningResult;
      expect(r.coveredShare).toBe(1);
      expect(r.exceptions).toEqual([]);
      const adminCtx = { db: t.db, actor: admin };
      await expect(draftsFromMined({ ctx: adminCtx, input: { jobId, roles: [{ roleId: "R999" }] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(draftsFromMined({ ctx: adminCtx, input: { jobId: randomUUID(), roles: [{ roleId: "R1" }] } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(draftsFromMined({ ctx: adminCtx, input: { jobId, roles: [{ roleId: "R1; DROP" }] } })).rejects.toBeInstanceOf(ValidationError);
      expect((await t.db.select({ id: roleTemplates.id }).from(roleTemplates)).length).toBe(before);
    }, 120_000);
  });
}

/**
 * Manual fulfilment end to end on the real worker: plan → worker opens an owner task (operation waits, running
 * with a long lease, no in-flight slot held) → owner confirms → operation succeeds, actual state recorded, next
 * operation proceeds → reminders when overdue → uploaded account list verifies the tasks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { accountEntitlements, accounts, applicationOwners, applications, auditEvents, entitlements, grants, manualTasks, operations, people } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { resetEnvCache } from "@/lib/env";
import { ConflictError, ForbiddenError } from "@/lib/errors";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { planPeople } from "@/lib/services/provisioning/plan";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { remindOverdueTasks } from "./manual-fulfilment";
import { confirmManualTask, listMyTasks } from "./manual-tasks";
import { uploadAccountList } from "./upload-accounts";
import { testPerson } from "@/lib/testing/fixtures";

process.env.GATEHOUSE_SECRET_KEY ??= "manual-int-test-key";
resetEnvCache();

const fast = { concurrency: 8, maxAttempts: 3, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };

const person = (n: string) => testPerson(n, { department: "Facilities", title: "Staff", location: "HQ" });

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const driver of testDrivers()) {
  describe(`manual fulfilment on ${driver.label}`, () => {
    let t: TestDb;
    let worker: ProvisioningWorker;
    let appId: string;
    let entId: string;
    const owner = person("Olga");
    const other = person("Otto");
    const staff = ["Alice", "Bob", "Cara", "Dan", "Eve", "Fay"].map(person);
    const ownerActor = (): Actor => ({ personId: owner.id, name: "Olga", email: owner.email, roles: ["employee", "app_owner"], ownedApplicationIds: [appId] });
    const otherActor: Actor = { personId: other.id, name: "Otto", email: other.email, roles: ["employee"], ownedApplicationIds: [] };
    const opsOf = (pid: string) => t.db.select().from(operations).where(eq(operations.personId, pid)).orderBy(operations.createdAt, operations.sequence);

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([owner, other, ...staff]);
      const [app] = await t.db.insert(applications).values({ key: "badge", name: "Badge office", connectorKind: "manual", config: { slaHours: 24, instructions: "Use the badge console." } }).returning();
      appId = app!.id;
      await t.db.insert(applicationOwners).values({ applicationId: appId, personId: owner.id });
      [{ id: entId }] = (await t.db.insert(entitlements).values({ applicationId: appId, externalId: "level-2", name: "Level 2 access" }).returning({ id: entitlements.id })) as [{ id: string }];
      worker = await new ProvisioningWorker(t, fast).start();
    });
    afterAll(async () => {
      await worker?.stop();
      await t?.close();
    });

    it("an operation on a manual application becomes an owner task with an SLA and waits (no slot held)", async () => {
      const before = Date.now();
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values(staff.map((p) => ({ personId: p.id, entitlementId: entId, source: "request" as const, reason: "badge" })));
        await planPeople(tx, staff.map((p) => p.id), { kind: "request", id: randomUUID() });
      });
      // Six people, default in-flight limit 4: all six tasks open anyway because waiting operations hold no slot.
      const tasks = await until(async () => {
        const r = await t.db.select().from(manualTasks).where(eq(manualTasks.applicationId, appId));
        return r.length === 6 ? r : null;
      }, "six manual tasks");
      for (const task of tasks) {
        expect(task.assigneeId).toBe(owner.id);
        expect(task.status).toBe("open");
        expect(task.dueAt.getTime() - before).toBeGreaterThan(23.9 * 3_600_000);
        expect(task.dueAt.getTime() - before).toBeLessThan(24.1 * 3_600_000);
      }
      expect(tasks.find((x) => x.instructions.includes("Alice Test"))!.instructions).toMatch(/Create an account for Alice Test \(user name alice\) in Badge office\.\n\nUse the badge console\./);
      const [create, grant] = await opsOf(staff[0]!.id);
      expect(create).toMatchObject({ kind: "create_account", status: "running" });
      expect((create!.result as { manualTaskId: string }).manualTaskId).toBeTruthy();
      expect(create!.leaseUntil!.getTime()).toBeGreaterThan(tasks[0]!.dueAt.getTime());
      expect(grant).toMatchObject({ kind: "grant", status: "pending" });
      // Sweeps do not resend a waiting operation.
      await new Promise((r) => setTimeout(r, 600));
      expect(await t.db.select().from(manualTasks).where(eq(manualTasks.applicationId, appId))).toHaveLength(6);
    });

    it("only the owner confirms; confirmation succeeds the operation, records the account, and the next step follows", async () => {
      const mine = await listMyTasks({ ctx: { actor: ownerActor(), db: t.db } });
      expect(mine).toHaveLength(6);
      expect(await listMyTasks({ ctx: { actor: otherActor, db: t.db } })).toEqual([]);
      const alice = mine.find((m) => m.personName === "Alice Test")!;
      await expect(confirmManualTask({ ctx: { actor: otherActor, db: t.db }, input: { taskId: alice.id } })).rejects.toThrow(ForbiddenError);
      await confirmManualTask({ ctx: { actor: ownerActor(), db: t.db }, input: { taskId: alice.id, note: "badge printed" } });
      await expect(confirmManualTask({ ctx: { actor: ownerActor(), db: t.db }, input: { taskId: alice.id } })).rejects.toThrow(ConflictError);
      const [create] = await opsOf(staff[0]!.id);
      expect(create!.status).toBe("succeeded");
      const [acc] = await t.db.select().from(accounts).where(and(eq(accounts.applicationId, appId), eq(accounts.personId, staff[0]!.id)));
      expect(acc).toMatchObject({ username: "alice", status: "active" });
      // The grant now becomes the next task, then its confirmation records the entitlement.
      const grantTask = await until(async () => (await listMyTasks({ ctx: { actor: ownerActor(), db: t.db } })).find((m) => m.personName === "Alice Test" && m.kind === "grant" && m.status === "open"), "the grant task");
      expect(grantTask.instructions).toMatch(/Give Alice Test \(user name alice\) "Level 2 access" in Badge office/);
      await confirmManualTask({ ctx: { actor: ownerActor(), db: t.db }, input: { taskId: grantTask.id } });
      expect(await t.db.select().from(accountEntitlements).where(eq(accountEntitlements.accountId, acc!.id))).toHaveLength(1);
      const audit = await t.db.select().from(auditEvents).where(inArray(auditEvents.action, ["manual_task.opened", "manual_task.completed"]));
      expect(audit.filter((a) => a.action === "manual_task.completed")).toHaveLength(2);
    });

    it("reminders when a task is overdue: once, then not again within a day", async () => {
      const bob = (await listMyTasks({ ctx: { actor: ownerActor(), db: t.db } })).find((m) => m.personName === "Bob Test")!;
      await t.db.update(manualTasks).set({ dueAt: new Date(Date.now() - 3_600_000) }).where(eq(manualTasks.id, bob.id));
      expect(await remindOverdueTasks(t.db)).toBe(1);
      expect(await remindOverdueTasks(t.db)).toBe(0);
      expect(await remindOverdueTasks(t.db, new Date(Date.now() + 25 * 3_600_000))).toBeGreaterThanOrEqual(1);
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "manual_task.reminder"), eq(auditEvents.targetId, bob.id)));
      expect(ev!.data).toMatchObject({ assigneeId: owner.id });
      const mine = await listMyTasks({ ctx: { actor: ownerActor(), db: t.db } });
      expect(mine.find((m) => m.id === bob.id)!.overdue).toBe(true);
    });

    it("an uploaded account list reconciles the system and verifies the tasks it shows done", async () => {
      const bobTask = (await listMyTasks({ ctx: { actor: ownerActor(), db: t.db } })).find((m) => m.personName === "Bob Test" && m.status === "open")!;
      await confirmManualTask({ ctx: { actor: ownerActor(), db: t.db }, input: { taskId: bobTask.id } });
      await expect(uploadAccountList({ ctx: { actor: otherActor, db: t.db }, input: { applicationId: appId, csv: "alice" } })).rejects.toThrow(ForbiddenError);
      await expect(uploadAccountList({ ctx: { actor: ownerActor(), db: t.db }, input: { applicationId: appId, csv: "alice,maybe" } })).rejects.toThrow(/Line 1: active must be true or false/);
      // Bob's account is not in the list yet: his task stays done, not verified.
      const r = await uploadAccountList({ ctx: { actor: ownerActor(), db: t.db }, input: { applicationId: appId, csv: "username,active,entitlements\nalice,true,level-2\nstray,true,\n" } });
      expect(r).toMatchObject({ targetAccounts: 2, orphans: 1, verifiedTasks: 2 });
      const statuses = await t.db.select({ status: manualTasks.status, op: manualTasks.operationId }).from(manualTasks).where(inArray(manualTasks.status, ["verified", "done"]));
      expect(statuses.filter((s) => s.status === "verified")).toHaveLength(2);
      expect(statuses.filter((s) => s.status === "done")).toHaveLength(1);
      const [app] = await t.db.select().from(applications).where(eq(applications.id, appId));
      expect(app!.lastReconciledAt).not.toBeNull();
      const r2 = await uploadAccountList({ ctx: { actor: ownerActor(), db: t.db }, input: { applicationId: appId, csv: "alice,true,level-2\nbob\nstray" } });
      expect(r2.verifiedTasks).toBe(1);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    });
  });
}

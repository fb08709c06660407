/**
 * The provisioning loop end to end against a REAL SCIM 2.0 application (lib/testing/scim-server.ts):
 * grant → plan (same transaction) → pg-boss → worker → connector → target → actual state → audit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { accountEntitlements, accounts, applications, auditEvents, entitlements, grants, incidents, operations, people } from "@/db/schema";
import { recordAudit, verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError } from "@/lib/errors";
import { PROVISION_QUEUE, startQueue } from "@/lib/jobs/queue";
import { claimOperation } from "@/lib/jobs/dispatch";
import { executeOperation } from "@/lib/jobs/execute";
import { resolveOptions } from "@/lib/jobs/options";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { planPeople } from "./plan";
import { reconcileAll } from "./reconcile";
import { retryIncident } from "./retry-incident";
import { testPerson } from "@/lib/testing/fixtures";

process.env.GATEHOUSE_SECRET_KEY ??= "provisioning-int-test-key";
resetEnvCache();

const TOKEN = "scim-test-token";
const fast = { concurrency: 8, maxAttempts: 3, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000 };

async function scimGroup(app: ScimApp, name: string): Promise<string> {
  const r = await fetch(`${app.baseUrl}/Groups`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
    body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: name, members: [] }),
  });
  expect(r.status).toBe(201);
  return String(((await r.json()) as { id: string }).id);
}

const person = testPerson;

for (const driver of testDrivers()) {
  describe(`provisioning on ${driver.label}`, () => {
    let t: TestDb;
    let scim: ScimApp;
    let worker: ProvisioningWorker;
    let appId: string;
    let entA: string;
    let entB: string;
    let grpA: string;
    let grpB: string;
    const admin = person("Admin");
    const adminActor: Actor = { personId: admin.id, name: "Admin", email: admin.email, roles: ["employee", "admin"], ownedApplicationIds: [] };

    const users = (userName: string) => scim.state().users.filter((u) => String(u.userName).toLowerCase() === userName);
    const members = (gid: string) => (scim.state().groups.find((g) => g.id === gid)?.members ?? []).map((m: { value: string }) => m.value);
    const opsOf = (personId: string) => t.db.select().from(operations).where(eq(operations.personId, personId)).orderBy(operations.createdAt, operations.sequence);
    async function grantAndPlan(personId: string, entitlementId: string) {
      return t.db.transaction(async (tx) => {
        await tx.insert(grants).values({ personId, entitlementId, source: "request", reason: "needed for the project", grantedById: admin.id });
        return planPeople(tx, [personId], { kind: "request", id: randomUUID(), actorId: admin.id });
      });
    }

    beforeAll(async () => {
      t = await driver.open();
      scim = await startScimApp({ token: TOKEN });
      grpA = await scimGroup(scim, "Developers");
      grpB = await scimGroup(scim, "Admins");
      await t.db.insert(people).values(admin);
      const [app] = await t.db
        .insert(applications)
        .values({ key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 3000 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) })
        .returning();
      appId = app!.id;
      const ents = await t.db
        .insert(entitlements)
        .values([
          { applicationId: appId, externalId: grpA, name: "Developers" },
          { applicationId: appId, externalId: grpB, name: "Admins" },
        ])
        .returning();
      entA = ents[0]!.id;
      entB = ents[1]!.id;
      worker = await new ProvisioningWorker(t, fast).start();
    });
    afterAll(async () => {
      await worker?.stop();
      await scim?.stop();
      await t?.close();
    });

    // pg-boss 10 itself on this driver: on PGlite through the `db` executeSql adapter (exec for its
    // multi-statement migrations, query for the rest); on PostgreSQL through its own pool.
    it("pg-boss: schema created (idempotently, by a second starter too), send, work, retry after a thrown error", async () => {
      const boss = await startQueue(t, { supervise: false });
      try {
        const rows = await t.db.execute(sql`select count(*)::int as n from pgboss.queue where name = ${PROVISION_QUEUE}`);
        expect(((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as { n: number }).n).toBe(1);
        await boss.createQueue("probe", { name: "probe", retryLimit: 2, retryDelay: 0 });
        const seen: string[] = [];
        let fail = true;
        const done = new Promise<void>((resolve) => {
          void boss.work<{ n: number }>("probe", { pollingIntervalSeconds: 0.5, batchSize: 5 }, async (jobs) => {
            for (const j of jobs) {
              seen.push(`${j.data.n}:${fail ? "fail" : "ok"}`);
              if (fail) {
                fail = false;
                throw new Error("first attempt fails");
              }
              resolve();
            }
          });
        });
        const id = await boss.send("probe", { n: 7 });
        await done;
        expect(seen).toEqual(["7:fail", "7:ok"]);
        await new Promise((r) => setTimeout(r, 300));
        const job = await boss.getJobById("probe", id!);
        expect(job).toMatchObject({ retryCount: 1, state: "completed" });
      } finally {
        await boss.stop({ graceful: false, wait: true, timeout: 1000 });
      }
    });

    it("a grant plans create_account + grant in the same transaction; the worker applies them to the target", async () => {
      const ada = person("Ada");
      await t.db.insert(people).values(ada);
      const planned = await grantAndPlan(ada.id, entA);
      expect(planned.planned.map((o) => o.kind)).toEqual(["create_account", "grant"]);
      const stored = await opsOf(ada.id);
      expect(stored.map((o) => [o.kind, o.status])).toEqual([["create_account", "pending"], ["grant", "pending"]]);
      expect(stored[1]!.dependsOn).toBe(stored[0]!.id);

      wakeDispatcher();
      await worker.runUntilIdle(30_000);

      // The target, read back over SCIM.
      const [u] = users("ada");
      expect(u).toBeTruthy();
      expect(u!.active).toBe(true);
      expect(members(grpA)).toEqual([u!.id]);
      // The actual state as recorded.
      const [acc] = await t.db.select().from(accounts).where(and(eq(accounts.personId, ada.id), eq(accounts.applicationId, appId)));
      expect(acc).toMatchObject({ status: "active", externalId: u!.id, username: "ada" });
      const held = await t.db.select().from(accountEntitlements).where(eq(accountEntitlements.accountId, acc!.id));
      expect(held.map((h) => h.entitlementId)).toEqual([entA]);
      const done = await opsOf(ada.id);
      expect(done.map((o) => [o.status, o.attempts])).toEqual([["succeeded", 1], ["succeeded", 1]]);
      expect(done[0]!.result).toMatchObject({ externalId: u!.id, linked: false });
      // Audit: planned + two successes, chain intact.
      const events = await t.db.select().from(auditEvents).where(sql`${auditEvents.action} like 'provisioning.%'`);
      expect(events.filter((e) => e.targetId === ada.id).map((e) => e.action)).toEqual(["provisioning.planned"]);
      expect(events.filter((e) => e.action === "provisioning.succeeded" && done.some((o) => o.id === e.targetId))).toHaveLength(2);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
      // Converged: planning again yields nothing.
      const again = await t.db.transaction((tx) => planPeople(tx, [ada.id], { kind: "test" }));
      expect(again.operationIds).toEqual([]);
    });

    it("target answering 500: retries with backoff, then dead-letter + incident; after the fault clears, retryIncident converges without a duplicate user", async () => {
      const bob = person("Bob");
      await t.db.insert(people).values(bob);
      await scim.setFault("500");
      await grantAndPlan(bob.id, entB);
      wakeDispatcher();
      await worker.runUntilIdle(30_000); // the grant waits behind the dead create_account: not "active" work
      const ops = await opsOf(bob.id);
      expect(ops.map((o) => [o.kind, o.status])).toEqual([["create_account", "dead"], ["grant", "pending"]]);
      expect(ops[0]!.attempts).toBe(3);
      expect(ops[0]!.lastError).toMatch(/HTTP 500/);
      const [inc] = await t.db.select().from(incidents).where(eq(incidents.operationId, ops[0]!.id));
      expect(inc).toMatchObject({ status: "open", personId: bob.id, applicationId: appId });
      expect(inc!.title).toMatch(/create account failed for Bob Test in Chat/);
      const [dl] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "provisioning.dead_lettered"), eq(auditEvents.targetId, ops[0]!.id)));
      expect(dl!.data).toMatchObject({ attempts: 3, incidentId: inc!.id });

      // Only admins may retry.
      await expect(retryIncident({ ctx: { db: t.db, actor: { ...adminActor, roles: ["employee", "auditor"] } }, input: { incidentId: inc!.id } })).rejects.toBeInstanceOf(ForbiddenError);
      await scim.setFault("none");
      const r = await retryIncident({ ctx: { db: t.db, actor: adminActor }, input: { incidentId: inc!.id } });
      expect(r.superseded).toBe(false);
      await worker.runUntilIdle(30_000);

      const after = await opsOf(bob.id);
      expect(after.map((o) => o.status)).toEqual(["succeeded", "succeeded"]);
      expect(users("bob")).toHaveLength(1);
      expect(members(grpB)).toEqual([users("bob")[0]!.id]);
      const [resolved] = await t.db.select().from(incidents).where(eq(incidents.id, inc!.id));
      expect(resolved!.status).toBe("resolved");
      const retried = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "incident.retried"), eq(auditEvents.targetId, inc!.id)));
      expect(retried).toHaveLength(1);
      expect(await verifyAuditChain(t.db)).toMatchObject({ ok: true });
    });

    it("a worker killed mid-operation: the expired lease is reclaimed, and the dead worker's late answer is fenced off", async () => {
      const cy = person("Cy");
      await t.db.insert(people).values(cy);
      await worker.stop(); // nobody dispatches while we stage the crash
      await grantAndPlan(cy.id, entA);
      const [create] = await opsOf(cy.id);
      // The killed worker had claimed attempt 1; its lease ran out.
      await t.db.execute(sql`UPDATE operations SET status = 'running', attempts = 1, started_at = now() - interval '1 minute', lease_until = now() - interval '1 second' WHERE id = ${create!.id}`);
      const [stale] = await t.db.select().from(operations).where(eq(operations.id, create!.id));
      worker = await new ProvisioningWorker(t, fast).start();
      await worker.runUntilIdle(30_000);
      const ops = await opsOf(cy.id);
      expect(ops.map((o) => [o.kind, o.status, o.attempts])).toEqual([["create_account", "succeeded", 2], ["grant", "succeeded", 1]]);
      expect(users("cy")).toHaveLength(1);
      // The killed worker comes back with attempt 1's answer: fenced (status/attempts no longer match).
      const outcome = await executeOperation(t.db, stale!, resolveOptions({ ...fast, connectorFor: () => ({ createAccount: async () => ({ externalId: "bogus", userName: "cy", linked: false }) }) as never }));
      expect(outcome).toBe("stale");
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.personId, cy.id));
      expect(acc!.externalId).toBe(users("cy")[0]!.id);
    });

    it("a leaver: access revoked in the target by disabling, and sessions first on critical apps", async () => {
      const ada = (await t.db.select().from(people).where(eq(people.email, "ada@example.test")))[0]!;
      await t.db.update(applications).set({ criticality: "critical", supportsSessionRevoke: true }).where(eq(applications.id, appId));
      await t.db.transaction(async (tx) => {
        await tx.update(people).set({ status: "terminated" }).where(eq(people.id, ada.id));
        await recordAudit(tx, { actorKind: "system", action: "person.terminated", targetKind: "person", targetId: ada.id });
        await planPeople(tx, [ada.id], { kind: "hr_event", id: "leaver-1" });
      });
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      const ops = (await opsOf(ada.id)).slice(2);
      // Sessions first, then the disable; the default leaver policy then removes the group membership too.
      expect(ops.map((o) => [o.kind, o.status])).toEqual([["revoke_sessions", "succeeded"], ["disable", "succeeded"], ["revoke", "succeeded"]]);
      expect(users("ada")[0]!.active).toBe(false);
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.personId, ada.id));
      expect(acc!.status).toBe("disabled");
      expect(acc!.disabledAt).toBeInstanceOf(Date);
    });

    it("a mover: changed HR details are pushed to the target with update_account", async () => {
      const bob = (await t.db.select().from(people).where(eq(people.email, "bob@example.test")))[0]!;
      const r = await t.db.transaction(async (tx) => {
        await tx.update(people).set({ title: "Engineering Manager" }).where(eq(people.id, bob.id));
        return planPeople(tx, [bob.id], { kind: "hr_event", id: "mover-1" });
      });
      expect(r.planned.map((o) => [o.kind, o.payload])).toEqual([["update_account", { changes: { title: "Engineering Manager" } }]]);
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      expect(users("bob")[0]!.title).toBe("Engineering Manager");
      expect((await t.db.transaction((tx) => planPeople(tx, [bob.id], { kind: "test" }))).operationIds).toEqual([]);
    });

    it("reconciliation reads the target back: drift is recorded, orphans found, and (remediate) the planner repairs it", async () => {
      const cy = (await t.db.select().from(people).where(eq(people.email, "cy@example.test")))[0]!;
      const [cyUser] = users("cy");
      // Someone removes Cy from the group directly in the application, and creates an account by hand.
      const auth = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" };
      const patch = await fetch(`${scim.baseUrl}/Groups/${grpA}`, {
        method: "PATCH",
        headers: auth,
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [{ op: "remove", path: `members[value eq "${cyUser!.id}"]` }] }),
      });
      expect(patch.status).toBeLessThan(300);
      await fetch(`${scim.baseUrl}/Users`, { method: "POST", headers: auth, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: "ghost.admin" }) });
      await t.db.update(applications).set({ reconcilePolicy: "remediate" }).where(eq(applications.id, appId));

      const [report] = await reconcileAll(t.db, { keys: ["chat"] });
      expect(report).toMatchObject({ application: "chat", drifted: 1, orphans: 1, missingInTarget: 0, plannedOperations: 1 });
      const [cyAcc] = await t.db.select().from(accounts).where(eq(accounts.personId, cy.id));
      expect(cyAcc!.reconState).toBe("drift");
      expect(await t.db.select().from(accountEntitlements).where(eq(accountEntitlements.accountId, cyAcc!.id))).toHaveLength(0);
      const [orphan] = await t.db.select().from(accounts).where(eq(accounts.username, "ghost.admin"));
      expect(orphan).toMatchObject({ personId: null, reconState: "orphan" });

      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      expect(members(grpA)).toContain(cyUser!.id);
      const again = await reconcileAll(t.db, { keys: ["chat"] });
      expect(again[0]).toMatchObject({ drifted: 0, orphans: 0, plannedOperations: 0 });
    });

    it("per-application limits hold in the claim: in-flight cap and rate limit", async () => {
      await worker.stop(); // claims by hand here
      const mk = async (key: string, config: Record<string, unknown>) => {
        const [a] = await t.db.insert(applications).values({ key, name: key, connectorKind: "scim", config }).returning();
        const rows = Array.from({ length: 5 }, (_, i) => ({ kind: "disable" as const, applicationId: a!.id, causeKind: "test", idempotencyKey: `limit:${key}:${i}` }));
        return (await t.db.insert(operations).values(rows).returning()).map((o) => o.id);
      };
      const opts = { leaseMs: 60_000, perAppMaxInFlight: 4 };
      const capped = await mk("capped", { maxInFlight: 2, baseUrl: "http://127.0.0.1:9" });
      const claims = [];
      for (const id of capped) claims.push(Boolean(await claimOperation(t.db, id, opts)));
      expect(claims).toEqual([true, true, false, false, false]);
      const refused = await t.db.select({ status: operations.status }).from(operations).where(eq(operations.id, capped[2]!));
      expect(refused[0]!.status).toBe("pending"); // back to the dispatcher, not lost

      const limited = await mk("limited", { rateLimitPerSecond: 2, maxInFlight: 100, baseUrl: "http://127.0.0.1:9" });
      const first = [];
      for (const id of limited.slice(0, 3)) first.push(Boolean(await claimOperation(t.db, id, opts)));
      expect(first).toEqual([true, true, false]);
      await new Promise((r) => setTimeout(r, 1100));
      expect(Boolean(await claimOperation(t.db, limited[2]!, opts))).toBe(true);
      await t.db.update(operations).set({ status: "cancelled" }).where(sql`${operations.causeKind} = 'test'`);
      worker = await new ProvisioningWorker(t, fast).start();
    });

    if (driver.label === "PostgreSQL") {
      it("two workers, 200 operations: none executed twice (target calls counted)", async () => {
        await worker.stop();
        const crowd = Array.from({ length: 100 }, (_, i) => person(`p${i}x`));
        await t.db.insert(people).values(crowd);
        const before = scim.requests.length;
        const executions = new Map<string, number>();
        const onExecute = (op: { id: string }) => executions.set(op.id, (executions.get(op.id) ?? 0) + 1);
        const planned = await t.db.transaction(async (tx) => {
          await tx.insert(grants).values(crowd.map((p) => ({ personId: p.id, entitlementId: entA, source: "role" as const, reason: "baseline" })));
          return planPeople(tx, crowd.map((p) => p.id), { kind: "bulk" });
        });
        expect(planned.operationIds).toHaveLength(200);
        // Make the workers race: an extra job for every operation, on top of what the dispatchers send.
        const extra = await startQueue(t, { supervise: false });
        await extra.insert(planned.operationIds.map((id) => ({ name: PROVISION_QUEUE, data: { operationId: id } })));
        await extra.stop({ graceful: false, wait: true, timeout: 1000 });
        await t.db.update(applications).set({ config: { baseUrl: scim.baseUrl, timeoutMs: 3000, maxInFlight: 16 } }).where(eq(applications.id, appId));
        const w1 = await new ProvisioningWorker(t, { ...fast, concurrency: 16, onExecute }).start();
        const w2 = await new ProvisioningWorker(t, { ...fast, concurrency: 16, onExecute }).start();
        worker = w1;
        try {
          await w1.runUntilIdle(50_000);
        } finally {
          await w2.stop();
        }
        const calls = scim.requests.slice(before);
        expect(calls.filter((c) => c.startsWith("POST /scim/v2/Users"))).toHaveLength(100);
        expect(calls.filter((c) => c.startsWith(`PATCH /scim/v2/Groups/${grpA}`))).toHaveLength(100);
        expect(executions.size).toBe(200);
        expect([...executions.values()].every((n) => n === 1)).toBe(true);
        expect(w1.stats.executed + w2.stats.executed).toBe(200);
        expect(w1.stats.skipped + w2.stats.skipped).toBeGreaterThan(0); // duplicate jobs found nothing to do
        const [{ n }] = (await t.db.execute(sql`select count(*)::int as n from operations where cause_kind = 'bulk' and (status <> 'succeeded' or attempts <> 1)`)) as unknown as Array<{ n: number }>;
        expect(n).toBe(0);
        expect(members(grpA).length).toBeGreaterThanOrEqual(100);
      });
    }
  });
}

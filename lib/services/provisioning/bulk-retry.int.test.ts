/**
 * Bulk retry per system and per kind (Operations page), and the Operations page's warnings: work nobody picked up
 * for more than a minute, systems paused by their circuit breaker. Real SCIM application; PGlite (and PostgreSQL
 * when TEST_DATABASE_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { applications, auditEvents, circuitBreakers, entitlements, grants, incidents, operations, people } from "@/db/schema";
import { incidentGroups, operationsSummary, stalledWork } from "@/db/queries/operations";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { testPerson } from "@/lib/testing/fixtures";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { planPeople } from "./plan";
import { retryIncidents } from "./retry-incidents";

process.env.GATEHOUSE_SECRET_KEY ??= "bulk-retry-int-test-key";
resetEnvCache();

const TOKEN = "bulk-retry-token";
const fast = { concurrency: 8, maxAttempts: 2, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };

for (const driver of testDrivers()) {
  describe(`bulk retry and queue warnings on ${driver.label}`, () => {
    let t: TestDb;
    let scim: ScimApp;
    let appId: string;
    let entId: string;
    const admin = testPerson("Boss");
    const adminActor: Actor = { personId: admin.id, name: "Boss", email: admin.email, roles: ["employee", "admin"], ownedApplicationIds: [] };

    beforeAll(async () => {
      t = await driver.open();
      scim = await startScimApp({ token: TOKEN });
      const [app] = await t.db
        .insert(applications)
        .values({ key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 3000 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) })
        .returning();
      appId = app!.id;
      const gid = await fetch(`${scim.baseUrl}/Groups`, {
        method: "POST",
        headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
        body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Staff", members: [] }),
      }).then(async (r) => String(((await r.json()) as { id: string }).id));
      entId = (await t.db.insert(entitlements).values({ applicationId: appId, externalId: gid, name: "Staff" }).returning())[0]!.id;
      await t.db.insert(people).values(admin);
    });
    afterAll(async () => {
      await scim?.stop();
      await t?.close();
    });

    it("work waiting more than a minute with no pickup is flagged; a paused system is listed", async () => {
      const p = testPerson("Waiting");
      await t.db.insert(people).values(p);
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values({ personId: p.id, entitlementId: entId, source: "request", reason: "x" });
        await planPeople(tx, [p.id], { kind: "request" });
      });
      expect(await stalledWork(t.db)).toBeNull(); // just planned: not late yet
      await t.db.update(operations).set({ createdAt: sql`now() - interval '2 minutes'` }).where(eq(operations.personId, p.id));
      const s = await stalledWork(t.db);
      expect(s).toMatchObject({ waiting: 1, lastPickupAt: null });
      // Paused systems are waiting on purpose: not a stall, but listed as paused.
      await t.db.insert(circuitBreakers).values({ applicationId: appId, state: "open", openedAt: new Date(), lastError: "connection refused" });
      const sum = await operationsSummary(t.db);
      expect(sum.stalled).toBeNull();
      expect(sum.paused).toMatchObject([{ applicationId: appId, name: "Chat", lastError: "connection refused", waiting: 2 }]);
      await t.db.delete(circuitBreakers).where(eq(circuitBreakers.applicationId, appId));
      await t.db.delete(operations).where(eq(operations.personId, p.id));
      await t.db.delete(grants).where(eq(grants.personId, p.id));
    });

    it("retry every create_account incident at once after the cause is fixed (admins only); each audited", async () => {
      const ps = ["Xa", "Xb", "Xc"].map((n) => testPerson(n));
      await t.db.insert(people).values(ps);
      await scim.setFault("500");
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values(ps.map((p) => ({ personId: p.id, entitlementId: entId, source: "request" as const, reason: "x" })));
        await planPeople(tx, ps.map((p) => p.id), { kind: "request", id: randomUUID() });
      });
      const worker = await new ProvisioningWorker(t, fast).start();
      try {
        wakeDispatcher();
        await worker.runUntilIdle(30_000);
        const dead = await t.db.select().from(operations).where(and(inArray(operations.personId, ps.map((p) => p.id)), eq(operations.kind, "create_account")));
        expect(dead.map((d) => d.status)).toEqual(["dead", "dead", "dead"]);
        const groups = await incidentGroups(t.db);
        expect(groups.byKind).toContainEqual({ kind: "create_account", n: 3 });
        expect(groups.bySystem).toContainEqual({ applicationId: appId, name: "Chat", n: 3 });

        await expect(retryIncidents({ ctx: { db: t.db, actor: { ...adminActor, roles: ["employee", "auditor"] } }, input: { kind: "create_account" } })).rejects.toBeInstanceOf(ForbiddenError);
        await expect(retryIncidents({ ctx: { db: t.db, actor: adminActor }, input: {} })).rejects.toBeInstanceOf(ValidationError);
        await expect(retryIncidents({ ctx: { db: t.db, actor: adminActor }, input: { kind: "drop_database" } })).rejects.toBeInstanceOf(ValidationError);

        await scim.setFault("none");
        const r = await retryIncidents({ ctx: { db: t.db, actor: adminActor }, input: { kind: "create_account" } });
        expect(r).toMatchObject({ reopened: 3, superseded: 0 });
        await worker.runUntilIdle(30_000);
        const after = await t.db.select().from(operations).where(inArray(operations.personId, ps.map((p) => p.id)));
        expect(after.every((o) => o.status === "succeeded")).toBe(true);
        expect(scim.state().users.map((u) => u.userName).sort()).toEqual(["xa", "xb", "xc"]);
        const incs = await t.db.select().from(incidents).where(inArray(incidents.operationId, dead.map((d) => d.id)));
        expect(incs.map((i) => i.status)).toEqual(["resolved", "resolved", "resolved"]);
        const audits = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "incident.retried"), inArray(auditEvents.targetId, incs.map((i) => i.id))));
        expect(audits).toHaveLength(3);
        expect(audits[0]).toMatchObject({ actorId: admin.id });
        // Nothing left: a second bulk retry of the system does nothing.
        expect(await retryIncidents({ ctx: { db: t.db, actor: adminActor }, input: { applicationId: appId } })).toEqual({ reopened: 0, dueNow: 0, superseded: 0, probed: 0 });
      } finally {
        await worker.stop();
      }
    });
  });
}

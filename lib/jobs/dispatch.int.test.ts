/**
 * Dispatch order and pausing (SQL only, nothing executed): leavers' disables and session revokes are sent before
 * older work of the same system; a system whose circuit breaker is open sends nothing, and its jobs bounce off the
 * claim back to pending.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { accounts, applications, circuitBreakers, entitlements, grants, operations, people } from "@/db/schema";
import { planPeople } from "@/lib/services/provisioning/plan";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { claimOperation, takeReady } from "./dispatch";

for (const driver of testDrivers()) {
  describe(`dispatch on ${driver.label}`, () => {
    let t: TestDb;
    let appId: string;
    beforeAll(async () => {
      t = await driver.open();
      const [app] = await t.db.insert(applications).values({ key: "chat", name: "Chat", connectorKind: "scim", config: { maxInFlight: 1 }, supportsSessionRevoke: true, criticality: "critical" }).returning();
      appId = app!.id;
      const [ent] = await t.db.insert(entitlements).values({ applicationId: appId, externalId: "g1", name: "Staff" }).returning();
      const joiners = ["J1", "J2", "J3"].map((n) => testPerson(n));
      const leaver = testPerson("Gone", { status: "terminated" });
      await t.db.insert(people).values([...joiners, leaver]);
      await t.db.insert(accounts).values({ personId: leaver.id, applicationId: appId, externalId: "u-gone", username: "gone", status: "active" });
      // The joiners' work is planned first (older), the leaver's after.
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values(joiners.map((p) => ({ personId: p.id, entitlementId: ent!.id, source: "request" as const, reason: "x" })));
        await planPeople(tx, joiners.map((p) => p.id), { kind: "request" }, new Date(Date.now() - 60_000));
      });
      await t.db.transaction((tx) => planPeople(tx, [leaver.id], { kind: "hr" }));
    });
    afterAll(async () => {
      await t?.close();
    });

    it("a paused system sends nothing, and a job that arrives anyway is not claimed", async () => {
      await t.db.insert(circuitBreakers).values({ applicationId: appId, state: "open", openedAt: new Date() });
      expect(await takeReady(t.db, { limit: 10, redeliverMs: 60_000, perAppMaxInFlight: 4 })).toEqual([]);
      const [any] = await t.db.select().from(operations).where(eq(operations.applicationId, appId)).limit(1);
      await t.db.update(operations).set({ status: "queued" }).where(eq(operations.id, any!.id));
      expect(await claimOperation(t.db, any!.id, { leaseMs: 60_000, perAppMaxInFlight: 4 })).toBeNull();
      const [back] = await t.db.select().from(operations).where(eq(operations.id, any!.id));
      expect(back!.status).toBe("pending");
      await t.db.delete(circuitBreakers).where(eq(circuitBreakers.applicationId, appId));
    });

    it("leavers first: with one slot, the newer revoke_sessions/disable go before the older joiners' work", async () => {
      const kinds = (await t.db.select({ kind: operations.kind }).from(operations).where(eq(operations.applicationId, appId))).map((k) => k.kind).sort();
      expect(kinds).toEqual(["create_account", "create_account", "create_account", "disable", "grant", "grant", "grant", "revoke_sessions"]);
      const [first] = await takeReady(t.db, { limit: 10, redeliverMs: 60_000, perAppMaxInFlight: 4 });
      expect(["revoke_sessions", "disable"]).toContain(first!.kind);
    });
  });
}

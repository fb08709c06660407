import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, applications, incidents, operations } from "@/db/schema";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applicationHealth, systemHealth } from "./system-health";

for (const driver of testDrivers()) {
  describe(`system health on ${driver.label}`, () => {
    let t: TestDb;
    beforeAll(async () => {
      t = await driver.open();
    });
    afterAll(async () => t?.close());

    it("counts drift, recent failures and open incidents per application", async () => {
      const now = new Date();
      const [a, b] = await t.db
        .insert(applications)
        .values([
          { key: "a", name: "A", connectorKind: "scim", lastReconciledAt: new Date(now.getTime() - 3_600_000) },
          { key: "b", name: "B", connectorKind: "scim", lastReconciledAt: now },
        ])
        .returning();
      await t.db.insert(accounts).values([
        ...Array.from({ length: 8 }, (_, i) => ({ applicationId: a!.id, username: `m${i}`, status: "active" as const, reconState: "matched" as const })),
        { applicationId: a!.id, username: "d1", status: "active" as const, reconState: "drift" as const },
        { applicationId: a!.id, username: "o1", status: "active" as const, reconState: "orphan" as const },
        { applicationId: a!.id, username: "gone", status: "deleted" as const, reconState: "drift" as const },
      ]);
      const old = new Date(now.getTime() - 10 * 86_400_000);
      const [dead] = await t.db
        .insert(operations)
        .values([
          { kind: "disable", applicationId: a!.id, status: "dead", causeKind: "t", idempotencyKey: "k1", finishedAt: now },
          { kind: "disable", applicationId: a!.id, status: "dead", causeKind: "t", idempotencyKey: "k2", finishedAt: old, createdAt: old },
          { kind: "disable", applicationId: a!.id, status: "succeeded", causeKind: "t", idempotencyKey: "k3", finishedAt: now },
        ])
        .returning();
      await t.db.insert(incidents).values([
        { applicationId: a!.id, operationId: dead!.id, title: "x", error: "e" },
        { applicationId: a!.id, title: "old", error: "e", status: "resolved" },
      ]);
      const h = await systemHealth(t.db, undefined, now);
      expect(h.get(a!.id)).toMatchObject({ accounts: 10, driftedAccounts: 2, driftPct: 20, failedOps7d: 1, openIncidents: 1, score: 100 - 12 - 5 - 10, band: "degraded" });
      expect(h.get(a!.id)!.reasons).toHaveLength(3);
      expect(await applicationHealth(t.db, b!.id, now)).toMatchObject({ score: 100, reasons: [] });
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { startQueue, type Boss } from "./queue";

// pg-boss 10 on both drivers: on PGlite through the `db` executeSql adapter (exec for its multi-statement
// migrations, query for the rest); on PostgreSQL through its own pool.
for (const driver of testDrivers()) {
  describe(`pg-boss on ${driver.label}`, () => {
    let t: TestDb;
    let boss: Boss;
    beforeAll(async () => {
      t = await driver.open();
      boss = await startQueue(t, { supervise: false });
    });
    afterAll(async () => {
      await boss?.stop({ graceful: false, wait: true, timeout: 1000 }).catch(() => {});
      await t?.close();
    });

    it("creates its schema (idempotently) and the provisioning queue", async () => {
      const again = await startQueue(t, { supervise: false }); // a second process starting on the same database
      await again.stop({ graceful: false, wait: true, timeout: 1000 });
      const r = await t.db.execute("select count(*)::int as n from pgboss.queue where name = 'provision-operation'" as never);
      const rows = Array.isArray(r) ? r : (r as { rows: unknown[] }).rows;
      expect((rows[0] as { n: number }).n).toBe(1);
    });

    it("sends, works and retries a job after a thrown error", async () => {
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
      expect(id).toBeTruthy();
      await done;
      expect(seen).toEqual(["7:fail", "7:ok"]);
      await new Promise((r) => setTimeout(r, 300));
      const job = await boss.getJobById("probe", id!);
      expect(job?.retryCount).toBe(1);
      expect(job?.state).toBe("completed");
    });
  });
}

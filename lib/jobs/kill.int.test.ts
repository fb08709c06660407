/**
 * Reliability: a worker PROCESS killed with SIGKILL in the middle of a batch, then a new one started → every
 * operation completes, each exactly once (one success record per operation, one user per userName in the real
 * SCIM application), and the target saw at most one repeated call per operation that was in flight at the kill.
 * Needs PostgreSQL (two processes share the portal database); skipped on a laptop without it, fails in CI.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { applications, auditEvents, entitlements, grants, operations, people } from "@/db/schema";
import { encryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { planPeople } from "@/lib/services/provisioning/plan";
import { DEFAULT_TEST_PG_URL, PG_INSTALL_HINT, pgAvailable } from "@/lib/testing/postgres";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { postgresTestDb, type TestDb } from "@/lib/testing/test-db";

process.env.GATEHOUSE_SECRET_KEY ??= "kill-int-test-key";
resetEnvCache();

const WORKER = path.resolve(__dirname, "../../scripts/bench/provisioning.ts");
const TOKEN = "kill-test-token";
const N = 60;
const describePg = requireOrSkip("PostgreSQL", await pgAvailable(), PG_INSTALL_HINT);

function startWorker(url: string): Promise<ChildProcess> {
  const cp = fork(WORKER, ["--worker", url, JSON.stringify({ concurrency: 4, leaseMs: 3000, redeliverMs: 2000, sweepIntervalMs: 150 })], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    cp.once("message", () => resolve(cp));
    cp.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describePg("worker killed with SIGKILL mid-batch", () => {
  let t: TestDb;
  let scim: ScimApp;
  const procs: ChildProcess[] = [];

  beforeAll(async () => {
    t = await postgresTestDb(DEFAULT_TEST_PG_URL);
    scim = await startScimApp({ token: TOKEN });
    const [app] = await t.db
      .insert(applications)
      .values({ key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 5000, maxInFlight: 4 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) })
      .returning();
    const gid = await fetch(`${scim.baseUrl}/Groups`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Staff", members: [] }),
    }).then(async (r) => String(((await r.json()) as { id: string }).id));
    const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: gid, name: "Staff" }).returning({ id: entitlements.id });
    const ps = Array.from({ length: N }, (_, i) => ({
      id: randomUUID(), employeeId: `K-${i}`, givenName: `K${i}`, familyName: "Test", displayName: `K${i} Test`, email: `k${i}@example.test`, department: "Ops", title: "Staff", location: "HQ",
    }));
    await t.db.insert(people).values(ps);
    await t.db.transaction(async (tx) => {
      await tx.insert(grants).values(ps.map((p) => ({ personId: p.id, entitlementId: ent!.id, source: "request" as const, reason: "staff" })));
      await planPeople(tx, ps.map((p) => p.id), { kind: "request", id: randomUUID() });
    });
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
    await scim?.stop();
    await t?.close();
  });

  it("every operation completes exactly once after a restart", async () => {
    const all = await t.db.select({ id: operations.id }).from(operations);
    expect(all).toHaveLength(2 * N); // create_account + grant per person
    const first = await startWorker(t.url!);
    procs.push(first);
    const calls = () => scim.requests.filter((r) => /^POST \S*\/Users/.test(r) || /^PATCH \S*\/Groups/.test(r)).length;
    const end = Date.now() + 60_000;
    while (calls() < 25 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    const atKill = await t.db.select({ status: operations.status, n: sql<number>`count(*)::int` }).from(operations).groupBy(operations.status);
    const doneAtKill = atKill.find((s) => s.status === "succeeded")?.n ?? 0;
    expect(doneAtKill).toBeGreaterThan(0);
    expect(doneAtKill).toBeLessThan(2 * N); // killed mid-batch

    const second = await startWorker(t.url!);
    procs.push(second);
    const end2 = Date.now() + 90_000;
    for (;;) {
      const [r] = await t.db.select({ n: sql<number>`count(*)::int` }).from(operations).where(eq(operations.status, "succeeded"));
      if (r!.n === 2 * N) break;
      if (Date.now() > end2) throw new Error(`only ${r!.n} of ${2 * N} succeeded`);
      await new Promise((r) => setTimeout(r, 100));
    }
    second.kill("SIGTERM");

    // Exactly once: one success record per operation; one user per userName in the target, each in the group once.
    const ok = await t.db
      .select({ op: auditEvents.targetId, n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "provisioning.succeeded"), inArray(auditEvents.targetId, all.map((a) => a.id))))
      .groupBy(auditEvents.targetId);
    expect(ok).toHaveLength(2 * N);
    expect(ok.every((o) => o.n === 1)).toBe(true);
    const users = scim.state().users;
    expect(users).toHaveLength(N);
    expect(new Set(users.map((u) => String(u.userName).toLowerCase())).size).toBe(N);
    const members = (scim.state().groups[0]?.members ?? []).map((m: { value: string }) => m.value);
    expect(members).toHaveLength(N);
    expect(new Set(members).size).toBe(N);
    // Repeated target calls are bounded by what was in flight when the worker died (concurrency 4).
    const posts = scim.requests.filter((r) => r.startsWith("POST") && /\/Users/.test(r)).length;
    expect(posts).toBeGreaterThanOrEqual(N);
    expect(posts).toBeLessThanOrEqual(N + 4);
  });
});

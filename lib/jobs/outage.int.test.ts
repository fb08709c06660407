/**
 * The controller after an outage (issue 11): the SCIM application is DOWN (listener closed: connection refused)
 * while 20 leavers are processed. The worker keeps retrying, the system's circuit breaker opens (its queue
 * pauses, an incident opens, a probe runs every few hundred ms); when the application is back, every leaver is
 * disabled in it within 30 s with no human action, each by exactly one operation recorded once, and every
 * incident closes by itself. Timings are shortened (probe 300 ms, backoff ≤ 1 s, outage
 * GATEHOUSE_TEST_OUTAGE_MS, default 4 s instead of minutes).
 *
 * On PostgreSQL the same scenario also runs with the worker in a child process killed with SIGKILL during the
 * outage and a new one started (skipped without PostgreSQL on a laptop, fails in CI).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { accounts, applications, auditEvents, circuitBreakers, entitlements, grants, incidents, operations, people } from "@/db/schema";
import { encryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { planPeople } from "@/lib/services/provisioning/plan";
import { testPerson } from "@/lib/testing/fixtures";
import { DEFAULT_TEST_PG_URL, PG_INSTALL_HINT, pgAvailable } from "@/lib/testing/postgres";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { postgresTestDb, testDrivers, type TestDb } from "@/lib/testing/test-db";
import { wakeDispatcher } from "./wake";
import { ProvisioningWorker } from "./worker";

process.env.GATEHOUSE_SECRET_KEY ??= "outage-int-test-key";
resetEnvCache();

const TOKEN = "outage-test-token";
const N = 20;
const OUTAGE_MS = Number(process.env.GATEHOUSE_TEST_OUTAGE_MS ?? 4000);
const FAST = {
  concurrency: 8,
  sweepIntervalMs: 150,
  pollingIntervalSeconds: 0.5,
  backoffBaseMs: 200,
  backoffCapMs: 1000,
  probeIntervalMs: 300,
  breakerThreshold: 3,
  lifecycleSweepMs: 0,
  reminderIntervalMs: 0,
  leaseMs: 5000,
  redeliverMs: 2000,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, timeoutMs: number, f: () => Promise<T | null | undefined | false>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

type Scenario = { t: TestDb; scim: ScimApp; appId: string; ids: string[] };

/** A SCIM application with N people who have an active account in it (set up through the worker). */
async function setup(t: TestDb, scim: ScimApp, startWorker: () => Promise<unknown>, stopWorker: () => Promise<void>): Promise<Scenario> {
  const [app] = await t.db
    .insert(applications)
    .values({ key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 2000, maxInFlight: 4 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) })
    .returning();
  const gid = await fetch(`${scim.baseUrl}/Groups`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
    body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "Staff", members: [] }),
  }).then(async (r) => String(((await r.json()) as { id: string }).id));
  const [ent] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: gid, name: "Staff" }).returning();
  const ps = Array.from({ length: N }, (_, i) => testPerson(`Leaver${i}`));
  await t.db.insert(people).values(ps);
  await t.db.transaction(async (tx) => {
    await tx.insert(grants).values(ps.map((p) => ({ personId: p.id, entitlementId: ent!.id, source: "request" as const, reason: "staff" })));
    await planPeople(tx, ps.map((p) => p.id), { kind: "request" });
  });
  await startWorker();
  wakeDispatcher();
  await until("accounts created", 60_000, async () => {
    const [r] = await t.db.select({ n: sql<number>`count(*)::int` }).from(accounts).where(and(eq(accounts.applicationId, app!.id), eq(accounts.status, "active")));
    return r!.n === N;
  });
  await stopWorker();
  return { t, scim, appId: app!.id, ids: ps.map((p) => p.id) };
}

/** Down → 20 leavers → (optional kill) → back: assertions of the issue. */
async function outage(s: Scenario, duringOutage: () => Promise<void>) {
  const { t, scim, appId, ids } = s;
  const succeededBefore = await t.db.select({ id: operations.id }).from(operations).where(eq(operations.applicationId, appId));
  await scim.setFault("down");
  await t.db.transaction(async (tx) => {
    await tx.update(people).set({ status: "terminated" }).where(inArray(people.id, ids));
    await planPeople(tx, ids, { kind: "hr" });
  });
  wakeDispatcher();
  // The breaker opens (system paused, system incident) and the queue stays put, without giving up.
  const cb = await until("breaker open", 30_000, async () => {
    const [r] = await t.db.select().from(circuitBreakers).where(eq(circuitBreakers.applicationId, appId));
    return r?.state === "open" ? r : null;
  });
  expect(cb.incidentId).toBeTruthy();
  await duringOutage();
  await sleep(OUTAGE_MS);
  const paused = await t.db.select({ status: operations.status, attempts: operations.attempts }).from(operations).where(and(eq(operations.applicationId, appId), eq(operations.kind, "disable")));
  expect(paused).toHaveLength(N);
  expect(paused.every((o) => o.status !== "dead" && o.status !== "succeeded")).toBe(true);
  // Paused, not hammering: attempts while down stay small (threshold 3 plus what was in flight).
  expect(paused.reduce((a, o) => a + o.attempts, 0)).toBeLessThanOrEqual(3 + 8 * 2);

  await scim.setFault("none");
  const back = Date.now();
  await until("every leaver disabled in the application", 30_000, async () => scim.state().users.filter((u) => u.active === false).length === N);
  const elapsed = Date.now() - back;
  expect(elapsed).toBeLessThan(30_000);
  await until("operations recorded", 10_000, async () => {
    const [r] = await t.db.select({ n: sql<number>`count(*)::int` }).from(operations).where(and(eq(operations.applicationId, appId), eq(operations.kind, "disable"), eq(operations.status, "succeeded")));
    return r!.n === N;
  });

  // No duplicate operation: one disable per leaver, each recorded as succeeded exactly once.
  const disables = await t.db.select().from(operations).where(and(eq(operations.applicationId, appId), eq(operations.kind, "disable")));
  expect(disables).toHaveLength(N);
  expect(new Set(disables.map((d) => d.personId)).size).toBe(N);
  const ok = await t.db
    .select({ op: auditEvents.targetId, n: sql<number>`count(*)::int` })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "provisioning.succeeded"), inArray(auditEvents.targetId, disables.map((d) => d.id))))
    .groupBy(auditEvents.targetId);
  expect(ok).toHaveLength(N);
  expect(ok.every((o) => o.n === 1)).toBe(true);
  expect(await t.db.select().from(operations).where(and(eq(operations.applicationId, appId), sql`${operations.id} NOT IN (${sql.join([...succeededBefore.map((o) => sql`${o.id}::uuid`), sql`NULL`], sql`, `)}) AND ${operations.kind} <> 'disable'`))).toEqual([]);
  // The actual state, and every incident closed by itself (the system's and any operation's).
  const accs = await t.db.select({ status: accounts.status }).from(accounts).where(eq(accounts.applicationId, appId));
  expect(accs.every((a) => a.status === "disabled")).toBe(true);
  await until("incidents closed", 5000, async () => (await t.db.select().from(incidents).where(and(eq(incidents.applicationId, appId), sql`${incidents.status} <> 'resolved'`))).length === 0);
  const all = await t.db.select().from(incidents).where(eq(incidents.applicationId, appId));
  expect(all.length).toBeGreaterThanOrEqual(1);
  expect(all.every((i) => i.status === "resolved" && i.resolvedById === null)).toBe(true);
  const [closed] = await t.db.select().from(circuitBreakers).where(eq(circuitBreakers.applicationId, appId));
  expect(closed).toMatchObject({ state: "closed", consecutiveFailures: 0 });
  const actions = (await t.db.select({ a: auditEvents.action }).from(auditEvents).where(eq(auditEvents.targetId, appId))).map((r) => r.a);
  expect(actions).toContain("system.circuit_opened");
  expect(actions).toContain("system.circuit_closed");
  return elapsed;
}

for (const driver of testDrivers()) {
  describe(`outage of a SCIM application on ${driver.label} (worker in process)`, () => {
    let t: TestDb;
    let scim: ScimApp;
    let worker: ProvisioningWorker | null = null;
    beforeAll(async () => {
      t = await driver.open();
      scim = await startScimApp({ token: TOKEN });
    });
    afterAll(async () => {
      await worker?.stop();
      await scim?.stop();
      await t?.close();
    });

    it(`down while ${N} leavers are processed → all disabled within 30 s of its return, no duplicates, incidents closed`, async () => {
      const s = await setup(
        t,
        scim,
        async () => (worker = await new ProvisioningWorker(t, FAST).start()),
        async () => {},
      );
      await outage(s, async () => {});
    });
  });
}

const describePg = requireOrSkip("PostgreSQL", await pgAvailable(), PG_INSTALL_HINT);
const WORKER = path.resolve(__dirname, "../../scripts/bench/provisioning.ts");

function startChild(url: string): Promise<ChildProcess> {
  const cp = fork(WORKER, ["--worker", url, JSON.stringify(FAST)], { execArgv: ["--import", "tsx"], env: { ...process.env }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    cp.once("message", () => resolve(cp));
    cp.once("exit", (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

describePg("outage of a SCIM application, worker killed with SIGKILL during it (PostgreSQL, worker processes)", () => {
  let t: TestDb;
  let scim: ScimApp;
  const procs: ChildProcess[] = [];
  beforeAll(async () => {
    t = await postgresTestDb(DEFAULT_TEST_PG_URL);
    scim = await startScimApp({ token: TOKEN });
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
    await scim?.stop();
    await t?.close();
  });

  it("the kill changes nothing: all disabled within 30 s of the return, exactly once, incidents closed", async () => {
    const s = await setup(
      t,
      scim,
      async () => procs.push(await startChild(t.url!)),
      async () => {},
    );
    await outage(s, async () => {
      const first = procs[0]!;
      first.kill("SIGKILL");
      await new Promise((r) => (first.exitCode !== null ? r(null) : first.once("exit", r)));
      procs.push(await startChild(t.url!));
    });
  });
});

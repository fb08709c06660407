/**
 * `npm run bench:reviews`: access reviews at scale and triage quality. Prints figures; asserts nothing.
 *
 *  (a) generation with pre-analysis: seed N people (default 20,000) on a fresh PostgreSQL database, launch a
 *      campaign over every active grant, report seconds, items and rows/s (generation job only, not seeding);
 *  (b) reviewer page server time: on the same database, a "group" campaign with one named reviewer over one
 *      department and just enough of its applications that they hold >= 2,000 items (smallest overshoot); getReviewerView (what app/(portal)/reviews/[id]/page.tsx calls)
 *      timed 20 times as that reviewer: p50 / p95;
 *  (c) triage quality on the demo organisation (1,200 people, seed 42, PGlite): share of items per recommendation,
 *      share flagged (review|remove; target <= 15%), and recall of the seed's planted problems (jobs row kind
 *      "seed", result.planted): a problem counts as caught when every one of its grants' items is flagged
 *      (target >= 95%); the looser "any item flagged" recall and per-kind figures are printed too.
 *
 *   npx tsx scripts/bench/reviews.ts [--people 20000] [--url postgres://postgres@127.0.0.1:5432/postgres]
 *                                    [--only a,b,c] [--demo-people 1200] [--seed 42] [--min-items 2000]
 */
import { count, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobs, people, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { getReviewerView } from "@/lib/services/reviews/list-reviews";
import { pgliteTestDb, postgresTestDb } from "@/lib/testing/test-db";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};
const only = new Set(arg("only", "a,b,c").split(","));
const seed = Number(arg("seed", "42"));
const secs = (t0: number) => (performance.now() - t0) / 1000;
const rows = <T>(r: unknown) => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

async function adminCtx(db: Db) {
  const [admin] = await db.select({ id: people.id, name: people.displayName, email: people.email }).from(people).orderBy(people.employeeId).limit(1);
  const actor: Actor = { personId: admin!.id, name: admin!.name, email: admin!.email, roles: ["employee", "admin"], ownedApplicationIds: [] };
  return { db, actor };
}

async function generate(db: Db, input: Record<string, unknown>) {
  const ctx = await adminCtx(db);
  const c = await createCampaign({ ctx, input: { dueAt: new Date(Date.now() + 14 * 86_400_000), defaultDecision: "recommendation", ...input } });
  const t0 = performance.now();
  const { done, jobId } = await launchCampaign({ ctx, input: { campaignId: c.id } });
  await done;
  const seconds = secs(t0);
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (job?.status !== "succeeded") throw new Error(`generation ${job?.status}: ${job?.error}`);
  const [{ n }] = (await db.select({ n: count() }).from(reviewItems).where(eq(reviewItems.campaignId, c.id))) as [{ n: number }];
  return { campaignId: c.id, seconds, items: Number(n), result: job.result as Record<string, number> };
}

async function benchScale() {
  const n = Number(arg("people", "20000"));
  const url = arg("url", "postgres://postgres@127.0.0.1:5432/postgres");
  const { seedDatabase } = await import("@/db/seed/load");
  const t = await postgresTestDb(url);
  try {
    let t0 = performance.now();
    const seeded = await seedDatabase(t.db, { people: n, seed, actorKind: "cli" });
    console.log(`(a) seeded ${n} people, ${seeded.counts.grants} grants on PostgreSQL in ${secs(t0).toFixed(1)} s (not part of the figure below)`);
    if (only.has("a")) {
      const g = await generate(t.db, { name: "Bench: everything" });
      console.log(`(a) RESULT generation: ${g.items} items in ${g.seconds.toFixed(2)} s = ${Math.round(g.items / g.seconds)} rows/s` +
        ` (build ${g.result.buildSeconds} s, insert ${g.result.insertSeconds} s; no_action ${g.result.no_action}, review ${g.result.review}, remove ${g.result.remove})`);
    }
    if (only.has("b")) {
      const minItems = Number(arg("min-items", "2000"));
      // A scope near minItems: one department and the fewest of its applications (largest first) that reach it;
      // the department/application pair with the smallest overshoot wins.
      const cells = rows<{ department: string; applicationId: string; n: number }>(await t.db.execute(sql`
        SELECT p.department, e.application_id AS "applicationId", count(*)::int AS n
        FROM grants g JOIN people p ON p.id = g.person_id JOIN entitlements e ON e.id = g.entitlement_id
        WHERE g.status = 'active' AND p.department IS NOT NULL GROUP BY p.department, e.application_id ORDER BY n DESC`));
      let best: { department: string; apps: string[]; n: number } | null = null;
      for (const d of new Set(cells.map((c) => c.department))) {
        let sum = 0;
        const apps: string[] = [];
        for (const c of cells.filter((c) => c.department === d)) { apps.push(c.applicationId); sum += c.n; if (sum >= minItems) break; }
        if (sum >= minItems && (!best || sum < best.n)) best = { department: d, apps, n: sum };
      }
      if (!best) throw new Error(`no department holds ${minItems} grants`);
      const chosen = [{ department: best.department }];
      const ctx = await adminCtx(t.db);
      const [reviewer] = await t.db.select({ id: people.id, name: people.displayName, email: people.email }).from(people)
        .where(sql`${people.status} = 'active' AND ${people.department} NOT IN (${sql.join(chosen.map((d) => sql`${d.department}`), sql`, `)}) AND ${people.id} <> ${ctx.actor.personId}`).limit(1);
      t0 = performance.now();
      const g = await generate(t.db, { name: "Bench: one reviewer", reviewerKind: "group", reviewerGroup: [reviewer!.id], scope: { departments: chosen.map((d) => d.department), applicationIds: best.apps } });
      const [top] = await t.db.select({ r: reviewItems.reviewerId, n: count() }).from(reviewItems).where(eq(reviewItems.campaignId, g.campaignId))
        .groupBy(reviewItems.reviewerId).orderBy(desc(count())).limit(1);
      const rctx = { db: t.db, actor: { personId: top!.r!, name: reviewer!.name, email: reviewer!.email, roles: ["employee"], ownedApplicationIds: [] } as Actor };
      const times: number[] = [];
      let people0 = 0;
      for (let i = 0; i < 21; i++) {
        const s = performance.now();
        const v = await getReviewerView({ ctx: rctx, input: { campaignId: g.campaignId } });
        if (i > 0) times.push(performance.now() - s); // first call warms caches and is left out
        people0 = v.people.length;
      }
      console.log(`(b) RESULT reviewer page (getReviewerView) for a reviewer with ${top!.n} items over ${people0} people (department ${best.department}, ${best.apps.length} application(s)):` +
        ` p50 ${quantile(times, 0.5).toFixed(0)} ms, p95 ${quantile(times, 0.95).toFixed(0)} ms over ${times.length} calls (+1 warm-up)`);
    }
  } finally {
    await t.close();
  }
}

type Planted = { kind: string; personId: string | null; grantIds: string[]; entitlementIds: string[] };

async function benchQuality() {
  const n = Number(arg("demo-people", "1200"));
  const { seedDatabase } = await import("@/db/seed/load");
  const t = await pgliteTestDb();
  try {
    const t0 = performance.now();
    await seedDatabase(t.db, { people: n, seed, actorKind: "cli" });
    console.log(`(c) seeded demo organisation (${n} people, seed ${seed}) on PGlite in ${secs(t0).toFixed(1)} s`);
    const g = await generate(t.db, { name: "Bench: all access" });
    const [seedJob] = await t.db.select().from(jobs).where(eq(jobs.kind, "seed")).orderBy(desc(jobs.createdAt)).limit(1);
    const planted = ((seedJob?.result as { planted?: Planted[] } | null)?.planted ?? []) as Planted[];
    const items = await t.db.select({ grantId: reviewItems.grantId, personId: reviewItems.personId, entitlementId: reviewItems.entitlementId, recommendation: reviewItems.recommendation, reasons: reviewItems.reasons })
      .from(reviewItems).where(eq(reviewItems.campaignId, g.campaignId));
    const byGrant = new Map(items.filter((i) => i.grantId).map((i) => [i.grantId!, i]));
    const byRec = { no_action: 0, review: 0, remove: 0 };
    for (const i of items) byRec[i.recommendation] += 1;
    const flagged = byRec.review + byRec.remove;
    const kinds = new Map<string, { total: number; all: number; any: number; missed: string[] }>();
    let total = 0, all = 0, any = 0, skipped = 0;
    for (const p of planted) {
      const its = p.grantIds.map((id) => byGrant.get(id)).filter((x): x is NonNullable<typeof x> => Boolean(x));
      if (!p.personId || its.length === 0) { skipped += 1; continue; } // orphan accounts: no grant to review
      const k = kinds.get(p.kind) ?? { total: 0, all: 0, any: 0, missed: [] };
      kinds.set(p.kind, k);
      const f = its.filter((i) => i.recommendation !== "no_action").length;
      total += 1; k.total += 1;
      if (f === its.length) { all += 1; k.all += 1; }
      else if (k.missed.length < 2) k.missed.push(its.find((i) => i.recommendation === "no_action")!.reasons[0] ?? "");
      if (f > 0) { any += 1; k.any += 1; }
    }
    const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : "n/a");
    console.log(`(c) RESULT ${items.length} items in ${g.seconds.toFixed(2)} s: no_action ${pct(byRec.no_action, items.length)}, review ${pct(byRec.review, items.length)}, remove ${pct(byRec.remove, items.length)}; flagged ${pct(flagged, items.length)} (target <= 15%)`);
    console.log(`(c) RESULT recall of planted problems: ${all}/${total} = ${pct(all, total)} with every item flagged (target >= 95%); ${pct(any, total)} with at least one item flagged; ${skipped} without reviewable grants (orphan accounts) left out`);
    for (const [kind, k] of kinds) console.log(`    ${kind.padEnd(22)} ${k.all}/${k.total} all flagged, ${k.any}/${k.total} any${k.missed.length ? `; missed e.g. "${k.missed.join('" | "')}"` : ""}`);
  } finally {
    await t.close();
  }
}

async function main() {
  console.log(`bench:reviews ${new Date().toISOString()} load ${(await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  if (only.has("c")) await benchQuality();
  if (only.has("a") || only.has("b")) await benchScale();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

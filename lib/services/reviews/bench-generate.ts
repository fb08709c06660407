/**
 * Benchmark (prints figures, asserts nothing): seed the demo organisation at a given size on a fresh PostgreSQL
 * database, then create and launch a campaign over every active grant and time generation (load + triage +
 * reviewer resolution + batched inserts with progress).
 *
 *   npx tsx lib/services/reviews/bench-generate.ts [--people 20000] [--url postgres://postgres@127.0.0.1:5432/postgres] [--seed 42]
 */
import { count, eq } from "drizzle-orm";
import { jobs, people, reviewItems } from "@/db/schema";
import { postgresTestDb } from "@/lib/testing/test-db";
import { createCampaign, launchCampaign } from "./create-campaign";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
};

async function main() {
  const n = Number(arg("people", "20000"));
  const url = arg("url", "postgres://postgres@127.0.0.1:5432/postgres");
  const { seedDatabase } = await import("@/db/seed/load");
  const t = await postgresTestDb(url);
  try {
    const s0 = performance.now();
    const seeded = await seedDatabase(t.db, { people: n, seed: Number(arg("seed", "42")), actorKind: "cli" });
    console.log(`seeded ${n} people, ${seeded.counts.grants} grants in ${((performance.now() - s0) / 1000).toFixed(1)} s`);
    const [admin] = await t.db.select({ id: people.id, name: people.displayName, email: people.email }).from(people).limit(1);
    const ctx = { db: t.db, actor: { personId: admin!.id, name: admin!.name, email: admin!.email, roles: ["employee" as const, "admin" as const], ownedApplicationIds: [] } };
    const c = await createCampaign({ ctx, input: { name: "Bench: everything", dueAt: new Date(Date.now() + 14 * 86_400_000), defaultDecision: "recommendation" } });
    const t0 = performance.now();
    const { done, jobId } = await launchCampaign({ ctx, input: { campaignId: c.id } });
    await done;
    const [job] = await t.db.select().from(jobs).where(eq(jobs.id, jobId));
    const secs = (performance.now() - t0) / 1000;
    const [{ n: items }] = (await t.db.select({ n: count() }).from(reviewItems).where(eq(reviewItems.campaignId, c.id))) as [{ n: number }];
    const byRec = await t.db.select({ r: reviewItems.recommendation, n: count() }).from(reviewItems).where(eq(reviewItems.campaignId, c.id)).groupBy(reviewItems.recommendation);
    console.log(`RESULT ${JSON.stringify({ people: n, items: Number(items), seconds: Number(secs.toFixed(2)), job: { status: job?.status, result: job?.result }, byRecommendation: Object.fromEntries(byRec.map((r) => [r.r, Number(r.n)])) })}`);
  } finally {
    await t.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

/**
 * Health of connected systems: one score 0–100 per application, with the reasons that lowered it.
 *
 * Inputs (one grouped query each, whatever the number of applications):
 *   lastReconciledAt  the last successful reconciliation (or uploaded account list, for manual systems)
 *   drift %           accounts whose recon_state is drift, orphan or unmanaged ÷ accounts not deleted
 *   failed operations operations dead, or failed awaiting retry, finished/started in the last 7 days
 *   open incidents    incidents open or retrying
 *
 * Formula (deductions from 100, clamped to 0..100):
 *   sync      never reconciled: −25; last sync older than 7 days: −20; older than 24 hours: −10
 *   drift     −min(30, round(drift % × 0.6))      (50 % drift costs the full 30)
 *   failures  −min(25, 5 × failed operations)
 *   incidents −min(30, 10 × open incidents)
 * Bands: ≥ 80 healthy, ≥ 50 degraded, below 50 unhealthy. Complexity: O(applications) after four grouped scans.
 */
import { sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { rowsOf } from "@/db/client";

export type SystemHealth = {
  applicationId: string;
  score: number;
  band: "healthy" | "degraded" | "unhealthy";
  lastReconciledAt: Date | null;
  accounts: number;
  driftedAccounts: number;
  driftPct: number;
  failedOps7d: number;
  openIncidents: number;
  reasons: string[];
};

const DAY = 86_400_000;

export type HealthFacts = { lastReconciledAt: Date | null; accounts: number; driftedAccounts: number; failedOps7d: number; openIncidents: number };

/** The documented formula, pure (also used by tests). */
export function healthScore(f: HealthFacts, now = new Date()): Pick<SystemHealth, "score" | "band" | "driftPct" | "reasons"> {
  const reasons: string[] = [];
  let score = 100;
  if (!f.lastReconciledAt) {
    score -= 25;
    reasons.push("never reconciled: the portal has not read this system back yet (−25)");
  } else {
    const age = now.getTime() - f.lastReconciledAt.getTime();
    if (age > 7 * DAY) {
      score -= 20;
      reasons.push(`last reconciled ${Math.floor(age / DAY)} days ago (−20)`);
    } else if (age > DAY) {
      score -= 10;
      reasons.push(`last reconciled ${Math.floor(age / 3_600_000)} hours ago (−10)`);
    }
  }
  const driftPct = f.accounts > 0 ? Math.round((1000 * f.driftedAccounts) / f.accounts) / 10 : 0;
  const d = Math.min(30, Math.round(driftPct * 0.6));
  if (d > 0) {
    score -= d;
    reasons.push(`${f.driftedAccounts} of ${f.accounts} accounts drifted, orphaned or unmanaged (${driftPct}%) (−${d})`);
  }
  if (f.failedOps7d > 0) {
    const p = Math.min(25, 5 * f.failedOps7d);
    score -= p;
    reasons.push(`${f.failedOps7d} failed operation${f.failedOps7d === 1 ? "" : "s"} in the last 7 days (−${p})`);
  }
  if (f.openIncidents > 0) {
    const p = Math.min(30, 10 * f.openIncidents);
    score -= p;
    reasons.push(`${f.openIncidents} open incident${f.openIncidents === 1 ? "" : "s"} (−${p})`);
  }
  score = Math.max(0, Math.min(100, score));
  return { score, band: score >= 80 ? "healthy" : score >= 50 ? "degraded" : "unhealthy", driftPct, reasons };
}

/** Health of the given applications (all when ids is omitted), keyed by application id. */
export async function systemHealth(db: Queryable, ids?: string[], now = new Date()): Promise<Map<string, SystemHealth>> {
  if (ids && ids.length === 0) return new Map();
  const only = (col: string) => (ids ? sql`AND ${sql.raw(col)} IN (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})` : sql``);
  const since = new Date(now.getTime() - 7 * DAY);
  const [apps, accs, ops, incs] = await Promise.all([
    db.execute(sql`SELECT id, last_reconciled_at FROM applications a WHERE true ${only("a.id")}`),
    db.execute(sql`
      SELECT application_id, count(*)::int AS n,
             count(*) FILTER (WHERE recon_state IN ('drift','orphan','unmanaged'))::int AS drifted
      FROM accounts c WHERE status <> 'deleted' ${only("c.application_id")} GROUP BY application_id`),
    db.execute(sql`
      SELECT application_id, count(*)::int AS n FROM operations o
      WHERE (status = 'dead' OR (status = 'failed' AND attempts > 0))
        AND coalesce(finished_at, started_at, created_at) >= ${since.toISOString()}::timestamptz ${only("o.application_id")}
      GROUP BY application_id`),
    db.execute(sql`
      SELECT application_id, count(*)::int AS n FROM incidents i
      WHERE status IN ('open','retrying') AND application_id IS NOT NULL ${only("i.application_id")} GROUP BY application_id`),
  ]);
  const count = (r: unknown) => new Map(rowsOf<{ application_id: string; n: number; drifted?: number }>(r).map((x) => [x.application_id, x]));
  const a = count(accs);
  const o = count(ops);
  const i = count(incs);
  const out = new Map<string, SystemHealth>();
  for (const row of rowsOf<{ id: string; last_reconciled_at: string | Date | null }>(apps)) {
    const facts: HealthFacts = {
      lastReconciledAt: row.last_reconciled_at ? new Date(row.last_reconciled_at) : null,
      accounts: Number(a.get(row.id)?.n ?? 0),
      driftedAccounts: Number(a.get(row.id)?.drifted ?? 0),
      failedOps7d: Number(o.get(row.id)?.n ?? 0),
      openIncidents: Number(i.get(row.id)?.n ?? 0),
    };
    out.set(row.id, { applicationId: row.id, ...facts, ...healthScore(facts, now) });
  }
  return out;
}

/** Health of one application (for the application page), or null when it does not exist. */
export async function applicationHealth(db: Queryable, applicationId: string, now = new Date()): Promise<SystemHealth | null> {
  return (await systemHealth(db, [applicationId], now)).get(applicationId) ?? null;
}

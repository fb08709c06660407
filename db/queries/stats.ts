import { count, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applications, grants, incidents, operations, people } from "@/db/schema";
import { rowsOf } from "@/db/client";

export async function healthCounts(db: Queryable) {
  const [[p], [a], [g]] = await Promise.all([
    db.select({ n: count() }).from(people),
    db.select({ n: count() }).from(applications),
    db.select({ n: count() }).from(grants).where(eq(grants.status, "active")),
  ]);
  return { people: Number(p.n), applications: Number(a.n), grants: Number(g.n) };
}

/** Organisation figures for the admin dashboard. */
export async function orgFigures(db: Queryable) {
  const [byStatus, perApp, weekly, [openIncidents], [pendingOps], leaversLive] = await Promise.all([
    db.select({ status: people.status, n: count() }).from(people).groupBy(people.status),
    db
      .select({ name: applications.name, active: sql<number>`count(*) filter (where ${accounts.status} = 'active')`, total: count() })
      .from(accounts)
      .innerJoin(applications, eq(applications.id, accounts.applicationId))
      .groupBy(applications.name)
      .orderBy(sql`count(*) desc`)
      .limit(15),
    db.execute<{ week: string; joiners: number; leavers: number }>(sql`
      SELECT to_char(date_trunc('week', d), 'YYYY-MM-DD') AS week, sum(j)::int AS joiners, sum(l)::int AS leavers FROM (
        SELECT start_date AS d, 1 AS j, 0 AS l FROM people WHERE start_date >= (date_trunc('week', now()) - interval '11 weeks')::date AND start_date <= current_date
        UNION ALL
        SELECT end_date, 0, 1 FROM people WHERE status = 'terminated' AND end_date >= (date_trunc('week', now()) - interval '11 weeks')::date AND end_date <= current_date
      ) x GROUP BY 1`),
    db.select({ n: count() }).from(incidents).where(eq(incidents.status, "open")),
    db.select({ n: count() }).from(operations).where(sql`${operations.status} in ('pending','queued','running','failed')`),
    db.execute<{ n: number }>(sql`SELECT count(DISTINCT p.id)::int AS n FROM people p JOIN accounts a ON a.person_id = p.id
      WHERE p.status = 'terminated' AND a.status = 'active'`),
  ]);
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) as Record<string, number>,
    accountsPerApp: perApp.map((r) => ({ name: r.name, active: Number(r.active), total: Number(r.total) })),
    joinersLeavers: lastTwelveWeeks(rowsOf<{ week: string; joiners: number; leavers: number }>(weekly)),
    openIncidents: Number(openIncidents.n),
    pendingOperations: Number(pendingOps.n),
    leaversWithLiveAccounts: Number(rowsOf<{ n: number }>(leaversLive)[0]?.n ?? 0),
  };
}

/** Fill the 12 most recent ISO weeks (Monday starts) so empty weeks show as zero. */
function lastTwelveWeeks(rows: Array<{ week: string; joiners: number; leavers: number }>) {
  const by = new Map(rows.map((r) => [r.week, r]));
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)));
  const out: Array<{ week: string; joiners: number; leavers: number }> = [];
  for (let i = 11; i >= 0; i--) {
    const w = new Date(monday.getTime() - i * 7 * 86_400_000).toISOString().slice(0, 10);
    const r = by.get(w);
    out.push({ week: w, joiners: Number(r?.joiners ?? 0), leavers: Number(r?.leavers ?? 0) });
  }
  return out;
}

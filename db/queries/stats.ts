import { count, eq, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { accounts, applications, grants, incidents, operations, people } from "@/db/schema";
import { rowsOf } from "./people";

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
      WITH weeks AS (SELECT generate_series(date_trunc('week', now()) - interval '11 weeks', date_trunc('week', now()), interval '1 week') AS w)
      SELECT to_char(w, 'YYYY-MM-DD') AS week,
        (SELECT count(*) FROM people p WHERE p.start_date >= w::date AND p.start_date < (w + interval '1 week')::date)::int AS joiners,
        (SELECT count(*) FROM people p WHERE p.end_date >= w::date AND p.end_date < (w + interval '1 week')::date AND p.status = 'terminated')::int AS leavers
      FROM weeks ORDER BY w`),
    db.select({ n: count() }).from(incidents).where(eq(incidents.status, "open")),
    db.select({ n: count() }).from(operations).where(sql`${operations.status} in ('pending','queued','running','failed')`),
    db.execute<{ n: number }>(sql`SELECT count(DISTINCT p.id)::int AS n FROM people p JOIN accounts a ON a.person_id = p.id
      WHERE p.status = 'terminated' AND a.status = 'active'`),
  ]);
  return {
    byStatus: Object.fromEntries(byStatus.map((r) => [r.status, Number(r.n)])) as Record<string, number>,
    accountsPerApp: perApp.map((r) => ({ name: r.name, active: Number(r.active), total: Number(r.total) })),
    joinersLeavers: rowsOf<{ week: string; joiners: number; leavers: number }>(weekly).map((r) => ({ ...r, joiners: Number(r.joiners), leavers: Number(r.leavers) })),
    openIncidents: Number(openIncidents.n),
    pendingOperations: Number(pendingOps.n),
    leaversWithLiveAccounts: Number(rowsOf<{ n: number }>(leaversLive)[0]?.n ?? 0),
  };
}

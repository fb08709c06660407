/**
 * remindReviewers (the worker's reminder timer): reviewers with undecided items in an active campaign get an
 * in-app notification (kind "review.reminder") twice: once 3 days before the due date (from dueAt − 3 days) and
 * once on the due date (the last 24 hours before dueAt). Each is sent once per reviewer and campaign: the
 * notification's link carries the stage (`/reviews/<id>?reminder=soon|due`) and an existing one is never sent
 * again. A worker that was down through the first window sends only the due-date reminder. Campaigns past their
 * due date are closed by closeDueCampaigns, not reminded. Serialised across processes by an advisory lock.
 * `now` is injected (tests; the worker passes the clock).
 */
import { and, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { notifications, reviewCampaigns, reviewItems } from "@/db/schema";

const DAY = 86_400_000;
export const REMINDER_KIND = "review.reminder";

export type ReminderStage = "soon" | "due";

/** Which reminder is due at `now` for a campaign due at `dueAt` (null: none). */
export function reminderStage(dueAt: Date, now: Date): ReminderStage | null {
  const left = dueAt.getTime() - now.getTime();
  if (left <= 0) return null;
  if (left <= DAY) return "due";
  if (left <= 3 * DAY) return "soon";
  return null;
}

export const reminderLink = (campaignId: string, stage: ReminderStage) => `/reviews/${campaignId}?reminder=${stage}`;

export async function remindReviewers(db: Queryable, now = new Date()): Promise<{ sent: number; campaigns: number }> {
  const campaigns = await db
    .select({ id: reviewCampaigns.id, name: reviewCampaigns.name, dueAt: reviewCampaigns.dueAt })
    .from(reviewCampaigns)
    .where(and(eq(reviewCampaigns.status, "active"), gt(reviewCampaigns.dueAt, now), lte(reviewCampaigns.dueAt, new Date(now.getTime() + 3 * DAY))));
  let sent = 0;
  let touched = 0;
  for (const c of campaigns) {
    const stage = reminderStage(c.dueAt!, now);
    if (!stage) continue;
    const link = reminderLink(c.id, stage);
    const n = await db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`gatehouse.review_reminder:${c.id}`}))`);
      const open = await tx
        .select({ reviewerId: reviewItems.reviewerId, n: sql<number>`count(*)::int` })
        .from(reviewItems)
        .where(and(eq(reviewItems.campaignId, c.id), isNull(reviewItems.decision), sql`${reviewItems.reviewerId} IS NOT NULL`))
        .groupBy(reviewItems.reviewerId);
      if (open.length === 0) return 0;
      const already = await tx
        .select({ personId: notifications.personId })
        .from(notifications)
        .where(and(eq(notifications.kind, REMINDER_KIND), eq(notifications.link, link), inArray(notifications.personId, open.map((o) => o.reviewerId!))));
      const done = new Set(already.map((a) => a.personId));
      const due = c.dueAt!.toISOString().slice(0, 10);
      const rows = open
        .filter((o) => !done.has(o.reviewerId!))
        .map((o) => ({
          personId: o.reviewerId!, kind: REMINDER_KIND, link, channel: "in_app" as const, createdAt: now,
          title: stage === "due" ? `Access review "${c.name}" is due today` : `Access review "${c.name}" is due in 3 days`,
          body: `${o.n} item${o.n === 1 ? "" : "s"} still waiting for your decision; due ${due}. Undecided items get the campaign's default decision at the due date.`,
        }));
      if (rows.length) await tx.insert(notifications).values(rows);
      return rows.length;
    });
    sent += n;
    if (n) touched += 1;
  }
  return { sent, campaigns: touched };
}

import { and, count, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { approvalSteps, manualTasks, notifications, reviewItems } from "@/db/schema";

/** What is waiting for this person: approvals, review items, manual tasks, unread notices. */
export async function pendingWork(db: Queryable, personId: string) {
  const [[a], [r], [m], [n]] = await Promise.all([
    db.select({ n: count() }).from(approvalSteps).where(and(eq(approvalSteps.approverId, personId), eq(approvalSteps.status, "pending"))),
    db.select({ n: count() }).from(reviewItems).where(and(eq(reviewItems.reviewerId, personId), isNull(reviewItems.decision))),
    db.select({ n: count() }).from(manualTasks).where(and(eq(manualTasks.assigneeId, personId), eq(manualTasks.status, "open"))),
    unreadNotifications(db, personId).then((n) => [{ n }]),
  ]);
  return { approvals: Number(a.n), reviewItems: Number(r.n), manualTasks: Number(m.n), notifications: Number(n.n) };
}

/**
 * Unread in-app notices of a person: the one count the dashboard, the navigation and the Notifications page show
 * (the mail outbox rows of the same notice are not "unread notifications").
 */
export async function unreadNotifications(db: Queryable, personId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.personId, personId), eq(notifications.channel, "in_app"), isNull(notifications.readAt)));
  return Number(r?.n ?? 0);
}

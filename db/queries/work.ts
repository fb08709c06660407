import { and, count, eq, isNull } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { approvalSteps, manualTasks, notifications, reviewItems } from "@/db/schema";

/** What is waiting for this person: approvals, review items, manual tasks, unread notices. */
export async function pendingWork(db: Queryable, personId: string) {
  const [[a], [r], [m], [n]] = await Promise.all([
    db.select({ n: count() }).from(approvalSteps).where(and(eq(approvalSteps.approverId, personId), eq(approvalSteps.status, "pending"))),
    db.select({ n: count() }).from(reviewItems).where(and(eq(reviewItems.reviewerId, personId), isNull(reviewItems.decision))),
    db.select({ n: count() }).from(manualTasks).where(and(eq(manualTasks.assigneeId, personId), eq(manualTasks.status, "open"))),
    db.select({ n: count() }).from(notifications).where(and(eq(notifications.personId, personId), isNull(notifications.readAt))),
  ]);
  return { approvals: Number(a.n), reviewItems: Number(r.n), manualTasks: Number(m.n), notifications: Number(n.n) };
}

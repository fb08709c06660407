/**
 * Moving review work between people while a campaign runs.
 *
 *   forwardItems: a reviewer forwards their own open items (all of them, or the ones given) to another person, for
 *   instance the team lead who knows the access; an admin (review.manage) moves any reviewer's open items the same
 *   way ("reassign"). The new reviewer is an active person found by email; items about the new reviewer themself
 *   stay where they are (nobody reviews their own access). The new reviewer is notified; audited.
 *   remindNow: an admin reminds every reviewer with open items of one campaign at once (in-app notification), at
 *   most once an hour per campaign; audited.
 *
 * Ownership is in SQL: a reviewer's forward only ever matches rows whose reviewer is the actor.
 */
import { and, eq, gt, inArray, isNull, like, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { notifications, people, reviewCampaigns, reviewItems } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";
import { REMINDER_KIND } from "./remind";

const forwardInput = z.object({
  campaignId: z.string().uuid("No such campaign."),
  toEmail: z.string().trim().toLowerCase().email("Give the new reviewer's email address").max(320),
  /** Whose open items to move (admins); a reviewer always moves their own. */
  fromReviewerId: z.string().uuid().optional(),
  fromEmail: z.string().trim().toLowerCase().email("Give the current reviewer's email address").max(320).optional(),
  itemIds: z.array(z.string().uuid()).max(5000).optional(),
  note: z.string().trim().max(500).default(""),
});

export async function forwardItems({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<{ moved: number; keptOwnAccess: number; to: string }> {
  // Anyone who may see reviews; what they can move is limited to their own items in SQL (admins: anyone's).
  if (!can(ctx.actor, "review.view")) throw new ForbiddenError();
  const p = forwardInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid request", Object.fromEntries(p.error.issues.map((i) => [i.path.join("."), i.message])));
  const input = p.data;
  const admin = can(ctx.actor, "review.manage");
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    let from = admin && input.fromReviewerId ? input.fromReviewerId : ctx.actor.personId;
    if (admin && input.fromEmail) {
      const [f] = await tx.select({ id: people.id }).from(people).where(sql`lower(${people.email}) = ${input.fromEmail}`);
      if (!f) throw new ValidationError(`Nobody in Gatehouse has the email ${input.fromEmail}.`, { fromEmail: "unknown" });
      from = f.id;
    }
    if (!/^[0-9a-f-]{36}$/i.test(from)) throw new ForbiddenError("Only a person who reviews can forward items.");
    const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, input.campaignId));
    if (!c) throw new NotFoundError("No such campaign.");
    if (c.status !== "active") throw new ConflictError("Only the items of an active campaign can be forwarded.");
    const [to] = await tx
      .select({ id: people.id, name: people.displayName, status: people.status, kind: people.kind })
      .from(people)
      .where(sql`lower(${people.email}) = ${input.toEmail}`);
    if (!to || to.status === "terminated" || to.kind !== "human") throw new ValidationError(`Nobody active in Gatehouse has the email ${input.toEmail}.`, { toEmail: "unknown" });
    if (to.id === from) throw new ValidationError("Those items are already theirs.", { toEmail: "same" });
    const which = and(
      eq(reviewItems.campaignId, c.id),
      eq(reviewItems.reviewerId, from),
      isNull(reviewItems.decision),
      input.itemIds?.length ? inArray(reviewItems.id, input.itemIds) : sql`true`,
    );
    const [own] = await tx.select({ n: sql<number>`count(*)::int` }).from(reviewItems).where(and(which, eq(reviewItems.personId, to.id)));
    const moved = await tx
      .update(reviewItems)
      .set({ reviewerId: to.id })
      .where(and(which, ne(reviewItems.personId, to.id)))
      .returning({ id: reviewItems.id });
    if (moved.length === 0) throw new ValidationError(own!.n ? "The only open items are about the new reviewer's own access." : "No open items to forward.");
    const [fromPerson] = await tx.select({ name: people.displayName }).from(people).where(eq(people.id, from));
    const by = ctx.actor.name || "An admin";
    await tx.insert(notifications).values({
      personId: to.id, kind: "review.forwarded", channel: "in_app", link: `/reviews/${c.id}`, createdAt: now,
      title: `${moved.length} access review item${moved.length === 1 ? "" : "s"} forwarded to you`,
      body: `${by} forwarded ${moved.length} open item${moved.length === 1 ? "" : "s"} of "${c.name}"${from !== ctx.actor.personId ? ` from ${fromPerson?.name ?? "another reviewer"}` : ""}${input.note ? `: “${input.note}”` : "."} Due ${c.dueAt ? c.dueAt.toISOString().slice(0, 10) : "—"}.`,
    });
    await recordAudit(tx, {
      actorId: /^[0-9a-f-]{36}$/i.test(ctx.actor.personId) ? ctx.actor.personId : null, actorKind: "person",
      action: admin && from !== ctx.actor.personId ? "review.items_reassigned" : "review.items_forwarded", targetKind: "review_campaign", targetId: c.id,
      data: { from, to: to.id, items: moved.map((m) => m.id), keptOwnAccess: own!.n, note: input.note || null },
    });
    return { moved: moved.length, keptOwnAccess: own!.n, to: to.name };
  });
}

const remindInput = z.object({ campaignId: z.string().uuid("No such campaign.") });

export async function remindNow({ ctx, input: raw }: { ctx: Ctx; input: unknown }): Promise<{ sent: number }> {
  if (!can(ctx.actor, "review.manage")) throw new ForbiddenError();
  const p = remindInput.safeParse(raw);
  if (!p.success) throw new ValidationError(p.error.issues[0]?.message ?? "Invalid request");
  const now = nowOf(ctx);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`gatehouse.review_reminder:${p.data.campaignId}`}))`);
    const [c] = await tx.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, p.data.campaignId));
    if (!c) throw new NotFoundError("No such campaign.");
    if (c.status !== "active") throw new ConflictError("Only an active campaign's reviewers can be reminded.");
    const linkPrefix = `/reviews/${c.id}?reminder=now`;
    const [recent] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(eq(notifications.kind, REMINDER_KIND), like(notifications.link, `${linkPrefix}%`), gt(notifications.createdAt, new Date(now.getTime() - 3_600_000))));
    if (recent!.n > 0) throw new ConflictError("Reviewers were reminded less than an hour ago.");
    const open = await tx
      .select({ reviewerId: reviewItems.reviewerId, n: sql<number>`count(*)::int` })
      .from(reviewItems)
      .where(and(eq(reviewItems.campaignId, c.id), isNull(reviewItems.decision), sql`${reviewItems.reviewerId} IS NOT NULL`))
      .groupBy(reviewItems.reviewerId);
    const due = c.dueAt ? c.dueAt.toISOString().slice(0, 10) : "—";
    const link = `${linkPrefix}-${now.toISOString().slice(0, 16)}`;
    if (open.length) {
      await tx.insert(notifications).values(
        open.map((o) => ({
          personId: o.reviewerId!, kind: REMINDER_KIND, link, channel: "in_app" as const, createdAt: now,
          title: `Reminder: access review "${c.name}"`,
          body: `${o.n} item${o.n === 1 ? "" : "s"} still waiting for your decision; due ${due}. Undecided items get the campaign's default decision at the due date.`,
        })),
      );
    }
    await recordAudit(tx, {
      actorId: /^[0-9a-f-]{36}$/i.test(ctx.actor.personId) ? ctx.actor.personId : null, actorKind: "person",
      action: "review.reminded", targetKind: "review_campaign", targetId: c.id, data: { reviewers: open.length, items: open.reduce((n, o) => n + o.n, 0) },
    });
    return { sent: open.length };
  });
}

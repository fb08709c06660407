/**
 * The signed-in person's in-app notifications (filtered by person in SQL), marking them read (only their own), and
 * for admins the unsent mail outbox (channel "email", sent_at null).
 */
import { z } from "zod";
import { inAppNotificationsOf, markNotificationsRead, unsentEmailOutbox } from "@/db/queries/requests";
import { unreadNotifications } from "@/db/queries/work";
import { can } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const iso = (d: string | Date | null) => (d == null ? null : new Date(d).toISOString());

export async function listMyNotifications({ ctx, limit = 100 }: { ctx: Ctx; limit?: number }) {
  const [rows, unread] = await Promise.all([inAppNotificationsOf(ctx.db, ctx.actor.personId, limit), unreadNotifications(ctx.db, ctx.actor.personId)]);
  const items = rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, createdAt: iso(r.created_at)!, readAt: iso(r.read_at) }));
  // The count of all unread notices (the list shows the newest `limit`): the same figure as the dashboard's.
  return { items, unread };
}

export const markReadInput = z.union([z.object({ all: z.literal(true) }), z.object({ ids: z.array(z.string().uuid()).min(1).max(500) })]);

/** Mark the actor's own notifications read (ids of someone else's simply match nothing). */
export async function markRead({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  const parsed = markReadInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError("Choose notifications to mark as read.");
  const ids = "ids" in parsed.data ? parsed.data.ids : null;
  return { marked: await markNotificationsRead(ctx.db, ctx.actor.personId, ids, now) };
}

export async function listEmailOutbox({ ctx, limit = 200 }: { ctx: Ctx; limit?: number }) {
  if (!can(ctx.actor, "admin.area")) throw new ForbiddenError("Only admins can see the mail outbox.");
  const rows = await unsentEmailOutbox(ctx.db, limit);
  return rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, createdAt: iso(r.created_at)!, recipient: r.recipient, email: r.email }));
}

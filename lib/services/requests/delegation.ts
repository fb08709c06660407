/**
 * Delegates while away: a person names a colleague who approves on their behalf until an end date. Stored on the
 * person's own row (people.attributes: approvalDelegateId, approvalDelegateUntil as an ISO-8601 UTC timestamp), the
 * convention db/queries/requests.ts approverOrDelegate reads: the delegate sees and decides the person's pending
 * steps until then, never their own request (decide-step refuses it; the inbox does not show it).
 *
 * Only for oneself (the row updated is always the actor's); the delegate must be an active person other than the
 * actor; every change is audited in the same transaction.
 */
import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { people } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";
import { parseDateOrDateTime } from "@/lib/domain/strict-input";

const DAY = 86_400_000;
export const MAX_DELEGATION_DAYS = 365;

export const setDelegationInput = z
  .object({
    delegateId: z.string().uuid().optional(),
    delegateEmail: z.string().trim().toLowerCase().email("Enter your colleague's email address").optional(),
    /** "YYYY-MM-DD" (the delegation lasts through that day, UTC) or a full ISO timestamp (exclusive end). */
    until: z.string().trim().min(1, "Choose an end date"),
  })
  .refine((v) => v.delegateId || v.delegateEmail, { message: "Choose a colleague" });

/** End of the delegation as an ISO UTC timestamp, or null when the text is not a date. */
export function parseUntil(s: string): string | null {
  // Strict: 2030-02-31 (alone or in a timestamp) is refused, never rolled over to March.
  return parseDateOrDateTime(s, "T23:59:59.999Z")?.toISOString() ?? null;
}

function assertPerson(ctx: Ctx): void {
  if (!can(ctx.actor, "request.view")) throw new ForbiddenError("Only people who approve requests can name a delegate.");
}

export type Delegation = {
  delegate: { id: string; displayName: string; email: string } | null;
  until: string | null;
  active: boolean;
  /** People whose approvals the actor holds right now. */
  forOthers: Array<{ id: string; displayName: string; until: string | null }>;
};

export async function getMyDelegation({ ctx, now = new Date() }: { ctx: Ctx; now?: Date }): Promise<Delegation> {
  assertPerson(ctx);
  const [me] = await ctx.db.select({ attributes: people.attributes }).from(people).where(eq(people.id, ctx.actor.personId));
  const attrs = me?.attributes ?? {};
  const delegateId = typeof attrs.approvalDelegateId === "string" ? attrs.approvalDelegateId : null;
  const until = typeof attrs.approvalDelegateUntil === "string" ? attrs.approvalDelegateUntil : null;
  let delegate: Delegation["delegate"] = null;
  if (delegateId && z.string().uuid().safeParse(delegateId).success) {
    const [d] = await ctx.db.select({ id: people.id, displayName: people.displayName, email: people.email }).from(people).where(eq(people.id, delegateId));
    delegate = d ?? null;
  }
  const nowIso = now.toISOString();
  const others = await ctx.db
    .select({ id: people.id, displayName: people.displayName, until: sql<string | null>`${people.attributes}->>'approvalDelegateUntil'` })
    .from(people)
    .where(
      and(
        sql`${people.attributes}->>'approvalDelegateId' = ${ctx.actor.personId}`,
        sql`(${people.attributes}->>'approvalDelegateUntil' IS NULL OR ${people.attributes}->>'approvalDelegateUntil' > ${nowIso})`,
        ne(people.id, ctx.actor.personId),
      ),
    )
    .orderBy(people.displayName);
  return { delegate, until, active: Boolean(delegate && (!until || until > nowIso)), forOthers: others };
}

export async function setDelegation({ ctx, input: raw, now = new Date() }: { ctx: Ctx; input: unknown; now?: Date }) {
  assertPerson(ctx);
  const parsed = setDelegationInput.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid delegation");
  const until = parseUntil(parsed.data.until);
  if (!until) throw new ValidationError("The end date is not a date.");
  if (until <= now.toISOString()) throw new ValidationError("The end date must be in the future.");
  if (new Date(until).getTime() - now.getTime() > MAX_DELEGATION_DAYS * DAY) throw new ValidationError(`A delegation lasts at most ${MAX_DELEGATION_DAYS} days.`);
  const me = ctx.actor.personId;
  return ctx.db.transaction(async (tx) => {
    const match = parsed.data.delegateId ? eq(people.id, parsed.data.delegateId) : sql`lower(${people.email}) = ${parsed.data.delegateEmail!}`;
    const found = await tx.select({ id: people.id, displayName: people.displayName, status: people.status }).from(people).where(match);
    const delegate = found.find((p) => p.status === "active") ?? found[0];
    if (!delegate) throw new NotFoundError("No such colleague.");
    if (delegate.id === me) throw new ValidationError("You cannot be your own delegate.");
    if (delegate.status !== "active") throw new ValidationError(`${delegate.displayName} is not an active colleague.`);
    const [before] = await tx.select({ attributes: people.attributes }).from(people).where(eq(people.id, me)).for("update");
    if (!before) throw new NotFoundError("Your person record is missing.");
    const patch = { approvalDelegateId: delegate.id, approvalDelegateUntil: until };
    await tx
      .update(people)
      .set({ attributes: sql`${people.attributes} || ${JSON.stringify(patch)}::jsonb`, updatedAt: now })
      .where(eq(people.id, me));
    await recordAudit(tx, {
      actorId: me, actorKind: "person", action: "person.approval_delegate_set", targetKind: "person", targetId: me,
      data: { delegateId: delegate.id, until, previous: { delegateId: before.attributes.approvalDelegateId ?? null, until: before.attributes.approvalDelegateUntil ?? null } },
    });
    return { delegateId: delegate.id, delegateName: delegate.displayName, until };
  });
}

export async function clearDelegation({ ctx, now = new Date() }: { ctx: Ctx; input?: unknown; now?: Date }) {
  assertPerson(ctx);
  const me = ctx.actor.personId;
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ attributes: people.attributes }).from(people).where(eq(people.id, me)).for("update");
    if (!before) throw new NotFoundError("Your person record is missing.");
    if (before.attributes.approvalDelegateId == null && before.attributes.approvalDelegateUntil == null) return { cleared: false };
    await tx
      .update(people)
      .set({ attributes: sql`${people.attributes} - 'approvalDelegateId' - 'approvalDelegateUntil'`, updatedAt: now })
      .where(eq(people.id, me));
    await recordAudit(tx, {
      actorId: me, actorKind: "person", action: "person.approval_delegate_cleared", targetKind: "person", targetId: me,
      data: { previous: { delegateId: before.attributes.approvalDelegateId ?? null, until: before.attributes.approvalDelegateUntil ?? null } },
    });
    return { cleared: true };
  });
}

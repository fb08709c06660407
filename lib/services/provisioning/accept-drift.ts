/**
 * Accept a drift finding as an exception (admins): the target may keep it until `until`, for `reason`. An accepted
 * finding is not counted as drift (Systems page, reconcile report) until its expiry; after that, if the target still
 * shows it, it is open again. Audited with the reason and the expiry.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { driftFindings } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { can } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { nowOf, type Ctx } from "@/lib/services/context";

const MAX_DAYS = 366;

const input = z.object({
  findingId: z.string().uuid(),
  reason: z.string().trim().min(5, "Give a reason of at least 5 characters.").max(500),
  until: z.coerce.date(),
});

export async function acceptDriftFinding({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  if (!can(ctx.actor, "application.configure")) throw new ForbiddenError("Only administrators can accept drift as an exception.");
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid exception.");
  const { findingId, reason, until } = parsed.data;
  const now = nowOf(ctx);
  if (Number.isNaN(until.getTime()) || until <= now) throw new ValidationError("The exception must expire in the future.");
  if (until.getTime() - now.getTime() > MAX_DAYS * 86_400_000) throw new ValidationError(`An exception lasts at most ${MAX_DAYS} days.`);
  return ctx.db.transaction(async (tx) => {
    const [f] = await tx.select().from(driftFindings).where(eq(driftFindings.id, findingId)).for("update");
    if (!f) throw new NotFoundError("No such drift finding.");
    if (f.status === "resolved") throw new ConflictError("This drift is already gone from the system.");
    await tx
      .update(driftFindings)
      .set({ status: "accepted", acceptedById: ctx.actor.personId, acceptedReason: reason, acceptedUntil: until })
      .where(and(eq(driftFindings.id, f.id)));
    await recordAudit(tx, {
      actorId: ctx.actor.personId,
      actorKind: "person",
      action: "drift.accepted",
      targetKind: "application",
      targetId: f.applicationId,
      data: { findingId: f.id, kind: f.kind, detail: f.detail, reason, until: until.toISOString(), previous: f.status, previousUntil: f.acceptedUntil?.toISOString() ?? null },
    });
    return { id: f.id, status: "accepted" as const, until };
  });
}

import { z } from "zod";
import { can } from "@/lib/auth/can";
import { liveDriftFindings } from "@/db/queries/drift";
import { personOperations } from "@/db/queries/operations";
import { getPerson as loadPerson, managerChain, personAccess } from "@/db/queries/people";
import { personSodConflicts } from "@/db/queries/sod";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Ctx } from "@/lib/services/context";

const input = z.object({ id: z.string().uuid() });

/**
 * A person's page: HR record, accounts, grants with their sources, separation-of-duties conflicts held now. Allowed for the person,
 * their management line, admins, security and auditors. Unknown or malformed id → not found.
 */
export async function getPersonPage({ ctx, input: raw }: { ctx: Ctx; input: unknown }) {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw new NotFoundError("No such person.");
  const { id } = parsed.data;
  const chain = await managerChain(ctx.db, id);
  if (!can(ctx.actor, "person.viewAccess", { kind: "person", personId: id, managerChain: chain })) {
    // Same answer whether or not the person exists: no probing of ids.
    throw new ForbiddenError("You can only see your own access and that of people in your reporting line.");
  }
  const person = await loadPerson(ctx.db, id);
  if (!person) throw new NotFoundError("No such person.");
  const [access, operations, sodConflicts, drift] = await Promise.all([personAccess(ctx.db, id), personOperations(ctx.db, id, 30), personSodConflicts(ctx.db, id), liveDriftFindings(ctx.db, { personId: id }, 50)]);
  return { ...person, ...access, operations, sodConflicts, drift };
}

import type { Queryable } from "@/db/client";
import type { Actor } from "@/lib/auth/can";

/**
 * Every service verb takes ({ ctx, input }); ctx carries who acts, the database and, optionally,
 * the clock. Time is an input: services read it through `nowOf(ctx)` so tests (and replays) can
 * fix it instead of depending on the date they run on.
 */
export type Ctx = { actor: Actor; db: Queryable; clock?: () => Date };

/** The current time as the caller sees it: the injected clock, or the system's. */
export function nowOf(ctx: { clock?: () => Date }): Date {
  return ctx.clock ? ctx.clock() : new Date();
}

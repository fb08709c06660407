import type { Queryable } from "@/db/client";
import type { Actor } from "@/lib/auth/can";

/** Every service verb takes ({ ctx, input }); ctx carries who acts and the database. */
export type Ctx = { actor: Actor; db: Queryable };

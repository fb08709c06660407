import { and, eq } from "drizzle-orm";
import type { Queryable } from "@/db/client";
import { birthrightRules, roleTemplates } from "@/db/schema";
import type { Condition, Rule } from "@/lib/domain/policy";

/**
 * The rules in force: enabled rules of PUBLISHED role templates (a draft gives nothing to
 * anyone). Every consumer of "what do the rules give" reads them here, so desired state,
 * mover reviews, review triage and the drift finding agree.
 */
export async function activeBirthrightRules(db: Queryable): Promise<Rule[]> {
  const rows = await db
    .select({ id: birthrightRules.id, name: birthrightRules.name, roleId: birthrightRules.roleId, conditions: birthrightRules.conditions, enabled: birthrightRules.enabled })
    .from(birthrightRules)
    .innerJoin(roleTemplates, and(eq(roleTemplates.id, birthrightRules.roleId), eq(roleTemplates.status, "published")))
    .where(eq(birthrightRules.enabled, true));
  return rows.map((r) => ({ ...r, conditions: r.conditions as Condition[] }));
}

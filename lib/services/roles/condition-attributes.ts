/**
 * Which HR attributes a birthright condition may name, and the check that refuses a typo before it is saved.
 *
 * Input: the conditions of a proposed rule and the database (for the `attributes.<name>` keys HR records hold).
 * Output: nothing, or a ValidationError naming the unknown attribute, the closest known name and the list of
 * known ones. Why: an unknown attribute is read from `attributes.<name>` (db/queries/policy-sql.ts), which is
 * empty for everyone, so "departmnt = Sales" would silently match nobody.
 *
 * Known names: the person columns (lib/domain/policy.ts PERSON_ATTRIBUTES), `idpGroup`, and `attributes.<key>`
 * for every key found in people.attributes (the bare `<key>` is also accepted: the compiler reads it the same way).
 * Suggestion: the known name with the smallest Damerau-Levenshtein distance (case-insensitive), when it is within
 * a third of the name's length (at least 2 edits). Complexity: one scan of people's attribute keys per check.
 */
import { sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Queryable } from "@/db/client";
import { damerauLevenshtein } from "@/lib/domain/nl/fuzzy";
import { IDP_GROUP_ATTRIBUTE, PERSON_ATTRIBUTES, type Condition } from "@/lib/domain/policy";
import { ValidationError } from "@/lib/errors";
import { conditionSchema } from "./preview-change";

/** The attribute names a condition may use, in the order they are listed to admins. */
export async function knownAttributes(db: Queryable): Promise<string[]> {
  const keys = rowsOf<{ k: string }>(
    await db.execute(sql`SELECT DISTINCT k FROM people p, LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(p.attributes) = 'object' THEN p.attributes ELSE '{}'::jsonb END) AS k ORDER BY k`),
  ).map((r) => r.k);
  return [...PERSON_ATTRIBUTES, IDP_GROUP_ATTRIBUTE, ...keys.map((k) => `attributes.${k}`)];
}

/** The closest known name, or null when none is near enough to be a likely typo. */
export function closestAttribute(typed: string, known: string[]): string | null {
  const t = typed.toLowerCase();
  let best: { name: string; d: number } | null = null;
  for (const name of known) {
    for (const form of name.startsWith("attributes.") ? [name, name.slice("attributes.".length)] : [name]) {
      const d = damerauLevenshtein(t, form.toLowerCase());
      if (!best || d < best.d) best = { name, d };
    }
  }
  return best && best.d <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : null;
}

/** zod schema of a condition list whose attributes must be among `known`. */
export function knownConditionsSchema(known: string[]) {
  const accepted = new Set(known);
  for (const k of known) if (k.startsWith("attributes.")) accepted.add(k.slice("attributes.".length));
  return z.array(conditionSchema).max(20).superRefine((cs, ctx) => {
    cs.forEach((c, i) => {
      if (accepted.has(c.attribute)) return;
      const near = closestAttribute(c.attribute, known);
      ctx.addIssue({
        code: "custom",
        path: [i, "attribute"],
        message: `Unknown attribute "${c.attribute}" in condition ${i + 1}${near ? `: did you mean "${near}"?` : "."} Known attributes: ${known.join(", ")}.`,
      });
    });
  });
}

/** Refuse conditions naming an attribute no HR record has (ValidationError with the field "conditions"). */
export async function checkConditionAttributes(db: Queryable, conditions: Condition[]): Promise<void> {
  if (conditions.length === 0) return;
  const r = knownConditionsSchema(await knownAttributes(db)).safeParse(conditions);
  if (!r.success) {
    const message = r.error.issues[0]?.message ?? "Unknown attribute";
    throw new ValidationError(message, { conditions: message });
  }
}

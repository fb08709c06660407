/**
 * Birthright policy: attribute conditions → roles.
 *
 * Input: a person's HR attributes and the enabled rules; output: the roles the person's
 * attributes give, each with the rule that gave it (the explanation). A rule applies when
 * ALL its conditions hold; a role is given when ANY of its rules applies. Inactive people
 * (terminated) get nothing; pre-hires get their roles (accounts are created disabled).
 * Complexity: O(rules × conditions) per person.
 */
export type ConditionOp = "eq" | "neq" | "in" | "gte" | "lte" | "startsWith";
export type Condition = { attribute: string; op: ConditionOp; value: string | number | Array<string | number> };
export type Rule = { id: string; name: string; roleId: string; conditions: Condition[]; enabled: boolean };

export type PersonAttributes = {
  department: string;
  title: string;
  level: number;
  location: string;
  employmentType: string;
  status: string;
  costCenter?: string | null;
  attributes?: Record<string, unknown>;
};

/** Person columns a condition may name; anything else is read from `attributes.<name>`. */
export const PERSON_ATTRIBUTES = ["department", "title", "level", "location", "employmentType", "costCenter", "status"] as const;

export function attributeValue(p: PersonAttributes, attribute: string): unknown {
  if ((PERSON_ATTRIBUTES as readonly string[]).includes(attribute)) return (p as Record<string, unknown>)[attribute];
  const key = attribute.startsWith("attributes.") ? attribute.slice("attributes.".length) : attribute;
  return p.attributes?.[key];
}

const norm = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);

export function conditionHolds(p: PersonAttributes, c: Condition): boolean {
  const v = attributeValue(p, c.attribute);
  switch (c.op) {
    case "eq":
      return norm(v) === norm(c.value) || (typeof c.value === "number" && Number(v) === c.value);
    case "neq":
      return !(norm(v) === norm(c.value) || (typeof c.value === "number" && Number(v) === c.value));
    case "in":
      return Array.isArray(c.value) && c.value.some((x) => norm(x) === norm(v) || (typeof x === "number" && Number(v) === x));
    case "gte":
      return v !== undefined && v !== null && Number(v) >= Number(c.value);
    case "lte":
      return v !== undefined && v !== null && Number(v) <= Number(c.value);
    case "startsWith":
      return typeof v === "string" && v.toLowerCase().startsWith(String(c.value).toLowerCase());
  }
}

export function ruleApplies(p: PersonAttributes, r: Rule): boolean {
  return r.enabled && r.conditions.every((c) => conditionHolds(p, c));
}

/** Roles given to a person, with the rules that gave each. */
export function resolveRoles(p: PersonAttributes, rules: Rule[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (p.status === "terminated") return out;
  for (const r of rules) {
    if (!ruleApplies(p, r)) continue;
    const list = out.get(r.roleId) ?? [];
    list.push(r.name);
    out.set(r.roleId, list);
  }
  return out;
}

export function describeCondition(c: Condition): string {
  const v = Array.isArray(c.value) ? c.value.join(", ") : String(c.value);
  const op = { eq: "is", neq: "is not", in: "is one of", gte: "≥", lte: "≤", startsWith: "starts with" }[c.op];
  return `${c.attribute} ${op} ${v}`;
}

/**
 * Birthright policy: attribute conditions → roles.
 *
 * Input: a person's HR attributes and the enabled rules; output: the roles the person's
 * attributes give, each with the rule that gave it (the explanation). A rule applies when
 * ALL its conditions hold; a role is given when ANY of its rules applies. Inactive people
 * (terminated) get nothing; pre-hires get their roles (accounts are created disabled).
 * Complexity: O(rules × conditions) per person.
 *
 * The condition attribute `idpGroup` means membership of an IdP group (pushed over inbound SCIM
 * /Groups): `eq X` = member of X, `neq X` = not a member, `in [X, Y]` = member of any, `startsWith s`
 * = member of a group whose name starts with s. X is the group's id or its displayName (any case).
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
  /** IdP groups the person is a member of; absent = none. */
  idpGroups?: Array<{ id: string; name: string }>;
};

export const IDP_GROUP_ATTRIBUTE = "idpGroup";

/** Person columns a condition may name; anything else is read from `attributes.<name>`. */
export const PERSON_ATTRIBUTES = ["department", "title", "level", "location", "employmentType", "costCenter", "status"] as const;

export function attributeValue(p: PersonAttributes, attribute: string): unknown {
  if ((PERSON_ATTRIBUTES as readonly string[]).includes(attribute)) return (p as Record<string, unknown>)[attribute];
  const key = attribute.startsWith("attributes.") ? attribute.slice("attributes.".length) : attribute;
  return p.attributes?.[key];
}

const norm = (v: unknown) => (typeof v === "string" ? v.trim().toLowerCase() : v);

function idpGroupHolds(p: PersonAttributes, c: Condition): boolean {
  const groups = p.idpGroups ?? [];
  const isMember = (x: string | number) => groups.some((g) => g.id === String(x) || g.name.toLowerCase() === String(x).trim().toLowerCase());
  switch (c.op) {
    case "eq":
      return !Array.isArray(c.value) && isMember(c.value);
    case "neq":
      return Array.isArray(c.value) || !isMember(c.value);
    case "in":
      return Array.isArray(c.value) && c.value.some(isMember);
    case "startsWith":
      return groups.some((g) => g.name.toLowerCase().startsWith(String(c.value).toLowerCase()));
    default:
      return false;
  }
}

export function conditionHolds(p: PersonAttributes, c: Condition): boolean {
  if (c.attribute === IDP_GROUP_ATTRIBUTE) return idpGroupHolds(p, c);
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
  if (c.attribute === IDP_GROUP_ATTRIBUTE) {
    const g = { eq: "member of IdP group", neq: "not a member of IdP group", in: "member of one of the IdP groups", gte: "IdP group ≥", lte: "IdP group ≤", startsWith: "member of an IdP group starting with" }[c.op];
    return `${g} ${v}`;
  }
  const op = { eq: "is", neq: "is not", in: "is one of", gte: "≥", lte: "≤", startsWith: "starts with" }[c.op];
  return `${c.attribute} ${op} ${v}`;
}

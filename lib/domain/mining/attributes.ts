/**
 * Attribute-aware role suggestions.
 *
 * 1. `explainRoles`: for each mined role, the attribute conditions (single attribute=value, and
 *    pairs of them) that best explain its members. coverage = share of role members matching the
 *    condition; precision = share of people matching the condition who are role members. Ranked by
 *    F1 (harmonic mean of coverage and precision), then coverage.
 *    Complexity: O(sum of |members| * attributes) for singles, O(K^2 * |members|) for pairs of the
 *    K best singles per role.
 * 2. `topDownTemplates`: per (department, title) group (keys configurable), entitlements held by at
 *    least `threshold` (default 80 %) of the members form the group's template; those held by
 *    `low`..`threshold` (default 20-80 %) are listed as inconsistent. O(sum of grants).
 * Method: conventional attribute mining for RBAC (role = f(attributes)), as in top-down role
 * engineering; no particular paper's algorithm.
 */

export type AttributeValue = string | number | boolean | null | undefined;
export type Attributes = Record<string, AttributeValue>;

export interface RoleMembers {
  users: readonly string[];
  permissions?: readonly string[];
}

export interface AttributeCondition {
  conditions: Array<{ attribute: string; value: string }>;
  /** Role members matching the condition / role members. */
  coverage: number;
  /** Role members matching / all people matching. */
  precision: number;
  membersMatching: number;
  peopleMatching: number;
  reason: string;
}

export interface RoleExplanation {
  role: number;
  members: number;
  conditions: AttributeCondition[];
}

function asMap(people: ReadonlyMap<string, Attributes> | Record<string, Attributes>): Map<string, Attributes> {
  return people instanceof Map ? new Map(people) : new Map(Object.entries(people));
}

const norm = (v: AttributeValue): string | null =>
  v === null || v === undefined || (typeof v === "string" && v.trim() === "") ? null : String(v).trim();

export function explainRoles(
  roles: readonly RoleMembers[],
  peopleIn: ReadonlyMap<string, Attributes> | Record<string, Attributes>,
  opts: { attributes?: string[]; maxConditions?: number; pairsFrom?: number } = {},
): RoleExplanation[] {
  const people = asMap(peopleIn);
  const maxConditions = opts.maxConditions ?? 5;
  const pairsFrom = opts.pairsFrom ?? 8;
  // index: attribute -> value -> people
  const index = new Map<string, Map<string, Set<string>>>();
  for (const [id, attrs] of people) {
    for (const [k, raw] of Object.entries(attrs)) {
      if (opts.attributes && !opts.attributes.includes(k)) continue;
      const v = norm(raw);
      if (v === null) continue;
      let byVal = index.get(k);
      if (!byVal) index.set(k, (byVal = new Map()));
      let s = byVal.get(v);
      if (!s) byVal.set(v, (s = new Set()));
      s.add(id);
    }
  }
  const f1 = (c: number, p: number): number => (c + p === 0 ? 0 : (2 * c * p) / (c + p));
  return roles.map((role, ri) => {
    const members = role.users.filter((u) => people.has(u));
    const total = members.length;
    const singles: Array<{ attribute: string; value: string; set: Set<string>; hits: number }> = [];
    const counts = new Map<string, number>();
    for (const u of members) {
      for (const [k, raw] of Object.entries(people.get(u)!)) {
        if (!index.has(k)) continue;
        const v = norm(raw);
        if (v === null) continue;
        const key = `${k}\u0000${v}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const [key, hits] of counts) {
      const [attribute, value] = key.split("\u0000");
      singles.push({ attribute, value, set: index.get(attribute)!.get(value)!, hits });
    }
    const out: AttributeCondition[] = [];
    const make = (conds: Array<{ attribute: string; value: string }>, hits: number, matching: number): AttributeCondition => {
      const coverage = total ? hits / total : 0;
      const precision = matching ? hits / matching : 0;
      const text = conds.map((c) => `${c.attribute}=${c.value}`).join(" and ");
      return {
        conditions: conds,
        coverage,
        precision,
        membersMatching: hits,
        peopleMatching: matching,
        reason: `${hits} of ${total} members have ${text} (${pct(coverage)}); ${hits} of the ${matching} people with ${text} are members (${pct(precision)})`,
      };
    };
    for (const s of singles) out.push(make([{ attribute: s.attribute, value: s.value }], s.hits, s.set.size));
    const top = [...singles].sort((a, b) => f1(b.hits / total, b.hits / b.set.size) - f1(a.hits / total, a.hits / a.set.size)).slice(0, pairsFrom);
    const memberSet = new Set(members);
    for (let i = 0; i < top.length; i++)
      for (let j = i + 1; j < top.length; j++) {
        const a = top[i];
        const b = top[j];
        if (a.attribute === b.attribute) continue;
        const [small, big] = a.set.size <= b.set.size ? [a.set, b.set] : [b.set, a.set];
        let matching = 0;
        let hits = 0;
        for (const id of small)
          if (big.has(id)) {
            matching++;
            if (memberSet.has(id)) hits++;
          }
        if (hits === 0) continue;
        out.push(make([{ attribute: a.attribute, value: a.value }, { attribute: b.attribute, value: b.value }], hits, matching));
      }
    out.sort((x, y) => f1(y.coverage, y.precision) - f1(x.coverage, x.precision) || y.coverage - x.coverage || x.conditions.length - y.conditions.length);
    return { role: ri, members: total, conditions: out.slice(0, maxConditions) };
  });
}

export interface GroupTemplate {
  group: Record<string, string>;
  members: string[];
  template: Array<{ entitlement: string; share: number; holders: number }>;
  inconsistent: Array<{ entitlement: string; share: number; holders: string[]; reason: string }>;
}

export function topDownTemplates(
  peopleIn: ReadonlyMap<string, Attributes> | Record<string, Attributes>,
  access: ReadonlyMap<string, ReadonlySet<string>>,
  opts: { groupBy?: string[]; threshold?: number; low?: number; minGroupSize?: number } = {},
): GroupTemplate[] {
  const people = asMap(peopleIn);
  const groupBy = opts.groupBy ?? ["department", "title"];
  const threshold = opts.threshold ?? 0.8;
  const low = opts.low ?? 0.2;
  const minGroupSize = opts.minGroupSize ?? 1;
  const groups = new Map<string, { group: Record<string, string>; members: string[] }>();
  for (const [id, attrs] of people) {
    const group: Record<string, string> = {};
    for (const k of groupBy) group[k] = norm(attrs[k]) ?? "(none)";
    const key = groupBy.map((k) => group[k]).join("\u0000");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group, members: [] }));
    g.members.push(id);
  }
  const out: GroupTemplate[] = [];
  for (const g of groups.values()) {
    if (g.members.length < minGroupSize) continue;
    const holders = new Map<string, string[]>();
    for (const id of g.members) for (const e of access.get(id) ?? []) {
      let h = holders.get(e);
      if (!h) holders.set(e, (h = []));
      h.push(id);
    }
    const n = g.members.length;
    const template: GroupTemplate["template"] = [];
    const inconsistent: GroupTemplate["inconsistent"] = [];
    const label = Object.entries(g.group).map(([k, v]) => `${k}=${v}`).join(", ");
    for (const [e, h] of [...holders].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1))) {
      const share = h.length / n;
      if (share >= threshold) template.push({ entitlement: e, share, holders: h.length });
      else if (share >= low)
        inconsistent.push({
          entitlement: e,
          share,
          holders: h,
          reason: `${h.length} of ${n} people in ${label} hold ${e} (${pct(share)}): between ${pct(low)} and ${pct(threshold)}, so neither standard nor exceptional`,
        });
    }
    out.push({ group: g.group, members: g.members, template, inconsistent });
  }
  out.sort((a, b) => b.members.length - a.members.length);
  return out;
}

export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

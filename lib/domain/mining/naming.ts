/**
 * Names for mined roles, from who holds them: the most common job title among the members, else the
 * department with the title family (title without its seniority: "Senior Software Engineer" → "Software
 * Engineer"), else the department alone, else the applications the role gives. Each name comes with the
 * share it rests on ("18 of 20 members") and the members' title and department counts that explain it.
 * Names are unique within one result: a repeated name gets its department (when the earlier namesake's differs),
 * then an application of the role that the earlier namesake lacks, then a number.
 *
 * Inputs: roles (member ids, entitlement ids), people's department and title, and entitlement labels
 * (application, name) for the fallback and the tie-breakers. Output: one RoleName per role, same order.
 * Complexity: O(sum of members + sum of entitlements) plus O(roles) for the de-duplication.
 * Method: plain majority labelling (as in top-down role engineering); no particular paper.
 */

export interface NamingPerson {
  department?: string | null;
  title?: string | null;
}

export interface RoleName {
  name: string;
  /** What the name rests on: "title", "title family", "department", "applications". */
  basis: "title" | "title family" | "department" | "applications";
  /** Members matching the basis, and all members. */
  matching: number;
  members: number;
  /** "18 of 20 members" (or "5 entitlements in Slack, Jira" for the applications fallback). */
  share: string;
  /** The members' most common titles and departments (up to 5 each), for the explanation. */
  titles: Array<{ value: string; members: number }>;
  departments: Array<{ value: string; members: number }>;
  /** One sentence saying why the role has this name. */
  why: string;
}

/** Share of members a title (or family, or department) needs to name the role. */
export const NAME_MAJORITY = 0.5;

const SENIORITY = /^(?:(?:associate|junior|jr\.?|senior|sr\.?|staff|principal|lead|chief|head of|distinguished|intern|trainee|graduate)\s+)+/i;
const GRADE = /\s+(?:i{1,3}|iv|v|[1-5])$/i;

/** The title without its seniority words: "Senior Site Reliability Engineer" → "Site Reliability Engineer". */
export function titleFamily(title: string): string {
  const t = title.trim().replace(SENIORITY, "").replace(GRADE, "").trim();
  return t || title.trim();
}

const clean = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);

function tally(values: Array<string | null>): Array<{ value: string; members: number }> {
  const m = new Map<string, number>();
  for (const v of values) if (v !== null) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m].map(([value, members]) => ({ value, members })).sort((a, b) => b.members - a.members || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

const ofMembers = (n: number, total: number) => `${n} of ${total} member${total === 1 ? "" : "s"}`;

export function nameRoles(
  roles: ReadonlyArray<{ users: readonly string[]; permissions: readonly string[] }>,
  people: ReadonlyMap<string, NamingPerson>,
  entitlements: ReadonlyMap<string, { application: string; name: string }> = new Map(),
): RoleName[] {
  const appsOf = (perms: readonly string[]) => tally(perms.map((p) => entitlements.get(p)?.application ?? null)).map((a) => a.value);
  const out: RoleName[] = roles.map((role) => {
    const total = role.users.length;
    const ps = role.users.map((u) => people.get(u));
    const titles = tally(ps.map((p) => clean(p?.title)));
    const families = tally(ps.map((p) => (clean(p?.title) ? titleFamily(p!.title!) : null)));
    const departments = tally(ps.map((p) => clean(p?.department)));
    const topT = titles[0];
    const topF = families[0];
    const topD = departments[0];
    const listT = titles.slice(0, 3).map((t) => `${t.value} ${t.members}`).join(", ");
    const listD = departments.slice(0, 3).map((d) => `${d.value} ${d.members}`).join(", ");
    const explain = (lead: string) => `${lead}. Titles: ${listT || "none recorded"}; departments: ${listD || "none recorded"}.`;
    const base = { members: total, titles: titles.slice(0, 5), departments: departments.slice(0, 5) };
    if (topT && topT.members / total >= NAME_MAJORITY) {
      return { ...base, name: topT.value, basis: "title", matching: topT.members, share: ofMembers(topT.members, total), why: explain(`${ofMembers(topT.members, total)} have the title ${topT.value}`) };
    }
    if (topF && topF.members / total >= NAME_MAJORITY) {
      const inDept = topD && topD.members / total >= NAME_MAJORITY;
      const name = inDept ? `${topD.value} ${topF.value}s` : `${topF.value}s (all levels)`;
      return { ...base, name, basis: "title family", matching: topF.members, share: ofMembers(topF.members, total), why: explain(`${ofMembers(topF.members, total)} are ${topF.value}s at some level${inDept ? `, ${topD.members} in ${topD.value}` : ""}`) };
    }
    if (topD && topD.members / total >= NAME_MAJORITY) {
      return { ...base, name: `${topD.value} (mixed titles)`, basis: "department", matching: topD.members, share: ofMembers(topD.members, total), why: explain(`${ofMembers(topD.members, total)} work in ${topD.value}, with no title shared by half of them`) };
    }
    const apps = appsOf(role.permissions);
    const name = apps.length ? `Shared ${apps.slice(0, 2).join(" + ")} access${apps.length > 2 ? ` (+${apps.length - 2})` : ""}` : "Shared access";
    return { ...base, name, basis: "applications", matching: total, share: `${total} member${total === 1 ? "" : "s"}, no common title or department`, why: explain(`No title, title family or department covers half of the ${total} members; named after its applications`) };
  });

  // Unique names: department, then a distinguishing application, then a number.
  const firstWith = new Map<string, number>();
  const taken = new Set<string>();
  out.forEach((n, i) => {
    if (!taken.has(n.name)) {
      taken.add(n.name);
      firstWith.set(n.name, i);
      return;
    }
    const original = n.name;
    const tries: string[] = [];
    const d = n.departments[0]?.value;
    const firstName = out[firstWith.get(original)!]!;
    if (d && d !== firstName.departments[0]?.value && !original.startsWith(d)) tries.push(`${original} (${d})`);
    const first = roles[firstWith.get(original)!]!;
    const firstApps = new Set(appsOf(first.permissions));
    const distinct = appsOf(roles[i]!.permissions).find((a) => !firstApps.has(a));
    if (distinct) tries.push(`${original} (with ${distinct})`);
    let name = tries.find((t) => !taken.has(t));
    for (let k = 2; !name; k++) if (!taken.has(`${original} #${k}`)) name = `${original} #${k}`;
    n.name = name;
    taken.add(name);
  });
  return out;
}

import { beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_PERSONAS,
  PLANTED_KINDS,
  PRIVILEGED_GRANT_THRESHOLD,
  UNUSED_DAYS,
  countRows,
  findPersona,
  generateOrg,
  plantedByKind,
  ruleMatches,
  type GeneratedOrg,
  type PersonRow,
} from "./generate";
import { Rng, UuidFactory } from "./prng";

const NOW = new Date("2025-06-15T12:34:56Z");
const DAY = 86_400_000;
const today = Date.UTC(2025, 5, 15);

let org: GeneratedOrg;
let byId: Map<string, PersonRow>;

beforeAll(() => {
  org = generateOrg({ people: 1200, seed: 42, now: NOW });
  byId = new Map(org.people.map((p) => [p.id, p]));
});

const setOf = <T>(xs: Iterable<T>) => [...new Set(xs)].sort();

describe("prng", () => {
  it("is deterministic per seed and stream, and uuids look like v4", () => {
    const a = new Rng(1, "x");
    const b = new Rng(1, "x");
    const c = new Rng(2, "x");
    const sa = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(sa);
    const u = new UuidFactory(9).next();
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("generateOrg determinism", () => {
  it("same people, seed and UTC day give byte-identical output", () => {
    const x = JSON.stringify(generateOrg({ people: 300, seed: 7, now: new Date("2025-06-15T01:00:00Z") }));
    const y = JSON.stringify(generateOrg({ people: 300, seed: 7, now: new Date("2025-06-15T23:59:00Z") }));
    expect(y).toBe(x);
  });
  it("a different seed gives a different organisation", () => {
    const x = generateOrg({ people: 300, seed: 7, now: NOW });
    const y = generateOrg({ people: 300, seed: 8, now: NOW });
    expect(y.people.map((p) => p.email)).not.toEqual(x.people.map((p) => p.email));
    expect(y.people[0]!.id).not.toBe(x.people[0]!.id);
  });
  it("rejects silly sizes", () => {
    expect(() => generateOrg({ people: 3, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => generateOrg({ people: 1.5, seed: 1, now: NOW })).toThrow(RangeError);
  });
  it("produces the requested head count", () => {
    expect(org.people).toHaveLength(1200);
    expect(generateOrg({ people: 57, seed: 3, now: NOW }).people).toHaveLength(57);
  });
});

describe("referential integrity (in memory)", () => {
  it("every id is unique across all tables", () => {
    const ids = [
      ...org.people, ...org.applications, ...org.entitlements, ...org.roleTemplates, ...org.birthrightRules,
      ...org.sodPolicies, ...org.accounts, ...org.grants, ...org.hrEvents,
    ].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("every reference points at an existing row", () => {
    const apps = new Set(org.applications.map((a) => a.id));
    const ents = new Set(org.entitlements.map((e) => e.id));
    const roles = new Set(org.roleTemplates.map((r) => r.id));
    const policies = new Set(org.sodPolicies.map((s) => s.id));
    const accounts = new Set(org.accounts.map((a) => a.id));
    const person = (id: string | null) => id === null || byId.has(id);
    for (const p of org.people) expect(person(p.managerId)).toBe(true);
    for (const r of org.portalRoleAssignments) expect(byId.has(r.personId)).toBe(true);
    for (const o of org.applicationOwners) expect(apps.has(o.applicationId) && byId.has(o.personId)).toBe(true);
    for (const e of org.entitlements) expect(apps.has(e.applicationId) && person(e.ownerId)).toBe(true);
    for (const r of org.roleTemplates) expect(person(r.ownerId)).toBe(true);
    for (const re of org.roleEntitlements) expect(roles.has(re.roleId) && ents.has(re.entitlementId)).toBe(true);
    for (const b of org.birthrightRules) expect(roles.has(b.roleId)).toBe(true);
    for (const s of org.sodPolicyEntitlements) expect(policies.has(s.policyId) && ents.has(s.entitlementId)).toBe(true);
    for (const a of org.accounts) expect(apps.has(a.applicationId) && person(a.personId)).toBe(true);
    for (const ae of org.accountEntitlements) expect(accounts.has(ae.accountId) && ents.has(ae.entitlementId)).toBe(true);
    for (const g of org.grants) {
      expect(byId.has(g.personId) && ents.has(g.entitlementId) && person(g.grantedById)).toBe(true);
      if (g.source === "birthright" || g.source === "role") expect(roles.has(g.sourceRef!)).toBe(true);
    }
    for (const h of org.hrEvents) expect(byId.has(h.personId)).toBe(true);
  });

  it("people are ordered so a manager always comes before their reports", () => {
    const pos = new Map(org.people.map((p, i) => [p.id, i]));
    for (const p of org.people) if (p.managerId) expect(pos.get(p.managerId)!).toBeLessThan(pos.get(p.id)!);
  });

  it("unique keys of the schema hold", () => {
    const emails = org.people.map((p) => p.email.toLowerCase());
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) expect(e).toMatch(/^[a-z]+\.[a-z]+\d*@gatehouse\.example$/);
    const eids = org.people.map((p) => p.employeeId);
    expect(new Set(eids).size).toBe(eids.length);
    for (const e of eids) expect(e).toMatch(/^E\d{6}$/);
    const appKeys = org.applications.map((a) => a.key);
    expect(new Set(appKeys).size).toBe(appKeys.length);
    const entKeys = org.entitlements.map((e) => `${e.applicationId}/${e.externalId}`);
    expect(new Set(entKeys).size).toBe(entKeys.length);
    const accKeys = org.accounts.map((a) => `${a.applicationId}/${a.username.toLowerCase()}`);
    expect(new Set(accKeys).size).toBe(accKeys.length);
    const ae = org.accountEntitlements.map((x) => `${x.accountId}/${x.entitlementId}`);
    expect(new Set(ae).size).toBe(ae.length);
    const re = org.roleEntitlements.map((x) => `${x.roleId}/${x.entitlementId}`);
    expect(new Set(re).size).toBe(re.length);
    const pr = org.portalRoleAssignments.map((x) => `${x.personId}/${x.role}`);
    expect(new Set(pr).size).toBe(pr.length);
    const hk = org.hrEvents.map((h) => h.idempotencyKey);
    expect(new Set(hk).size).toBe(hk.length);
  });
});

describe("organisation shape", () => {
  it("has one CEO at the top, nobody manages themselves and there are no cycles", () => {
    const roots = org.people.filter((p) => p.managerId === null);
    expect(roots).toHaveLength(1);
    expect(roots[0]!.title).toBe("Chief Executive Officer");
    for (const p of org.people) {
      expect(p.managerId).not.toBe(p.id);
      const seen = new Set<string>();
      let cur: PersonRow | undefined = p;
      while (cur && cur.managerId) {
        expect(seen.has(cur.id)).toBe(false);
        seen.add(cur.id);
        cur = byId.get(cur.managerId);
      }
      expect(cur!.id).toBe(roots[0]!.id);
    }
  });

  it("managers have 3 to 10 direct reports", () => {
    const reports = new Map<string, number>();
    for (const p of org.people) if (p.managerId) reports.set(p.managerId, (reports.get(p.managerId) ?? 0) + 1);
    for (const [id, n] of reports) {
      expect(n, byId.get(id)!.title).toBeGreaterThanOrEqual(3);
      expect(n, byId.get(id)!.title).toBeLessThanOrEqual(10);
      expect(byId.get(id)!.attributes.peopleManager).toBe("yes");
    }
  });

  it("has realistic departments, levels, locations, employment types and statuses", () => {
    const depts = new Set(org.people.map((p) => p.department));
    for (const d of ["Engineering", "Sales", "Finance", "IT", "Security", "People", "Data", "Legal"]) expect(depts.has(d)).toBe(true);
    for (const p of org.people) {
      expect(p.level).toBeGreaterThanOrEqual(1);
      expect(p.level).toBeLessThanOrEqual(7);
      expect(typeof p.attributes.team).toBe("string");
      expect(p.costCenter).toMatch(/^CC-\d{4}$/);
    }
    expect(new Set(org.people.map((p) => p.location)).size).toBeGreaterThanOrEqual(8);
    const share = (f: (p: PersonRow) => boolean) => org.people.filter(f).length / org.people.length;
    expect(share((p) => p.employmentType === "employee")).toBeGreaterThan(0.8);
    expect(share((p) => p.employmentType === "contractor")).toBeGreaterThan(0.08);
    expect(share((p) => p.employmentType === "contractor")).toBeLessThan(0.16);
    expect(share((p) => p.employmentType === "intern")).toBeGreaterThan(0.01);
    expect(share((p) => p.employmentType === "intern")).toBeLessThan(0.06);
    expect(share((p) => p.status === "active")).toBeGreaterThan(0.85);
    const day = (s: string) => Date.parse(`${s}T00:00:00Z`);
    for (const p of org.people.filter((x) => x.status === "pre_hire")) expect(day(p.startDate)).toBeGreaterThan(today);
    for (const p of org.people.filter((x) => x.status === "terminated")) expect(day(p.endDate!)).toBeLessThan(today);
    expect(org.people.some((p) => p.status === "on_leave")).toBe(true);
    expect(org.applications.length).toBeGreaterThanOrEqual(38);
    expect(org.applications.filter((a) => a.connectorKind === "manual").length).toBeGreaterThan(0);
  });

  it("grants are shaped by roles with some requested and manual noise", () => {
    const by = (s: string) => org.grants.filter((g) => g.source === s).length;
    const roleBased = by("birthright") + by("role");
    expect(by("request") / roleBased).toBeGreaterThan(0.03);
    expect(by("request") / roleBased).toBeLessThan(0.08);
    expect(by("manual")).toBeGreaterThan(0);
    for (const g of org.grants) {
      if (g.lastUsedAt) {
        expect(g.lastUsedAt.getTime()).toBeLessThan(today);
        expect(g.lastUsedAt.getTime()).toBeGreaterThanOrEqual(g.grantedAt.getTime() - DAY);
      }
      expect(g.grantedAt.getTime()).toBeLessThan(today);
    }
  });

  it("actual state mirrors desired state: one account per person and app, entitlements of active grants", () => {
    const acc = new Map(org.accounts.filter((a) => a.personId).map((a) => [`${a.personId}/${a.applicationId}`, a]));
    const appOf = new Map(org.entitlements.map((e) => [e.id, e.applicationId]));
    const actual = new Set(org.accountEntitlements.map((x) => `${x.accountId}/${x.entitlementId}`));
    let active = 0;
    const problems: string[] = [];
    for (const g of org.grants) {
      const a = acc.get(`${g.personId}/${appOf.get(g.entitlementId)}`);
      if (!a) problems.push(`no account for grant ${g.id}`);
      else if (g.status === "active") {
        active++;
        if (a.status !== "active") problems.push(`account ${a.id} of active grant ${g.id} is ${a.status}`);
        if (!actual.has(`${a.id}/${g.entitlementId}`)) problems.push(`grant ${g.id} not mirrored`);
      }
    }
    expect(problems).toEqual([]);
    const orphanIds = new Set(org.accounts.filter((a) => a.personId === null).map((a) => a.id));
    const orphanEnts = org.accountEntitlements.filter((x) => orphanIds.has(x.accountId)).length;
    expect(org.accountEntitlements.length).toBe(active + orphanEnts);
    for (const a of org.accounts.filter((x) => x.personId)) {
      const p = byId.get(a.personId!)!;
      expect(a.username).toBe(p.email.split("@")[0]);
    }
    // pre-hires have nothing yet.
    const withGrants = new Set(org.grants.map((g) => g.personId));
    for (const p of org.people.filter((x) => x.status === "pre_hire")) expect(withGrants.has(p.id)).toBe(false);
  });
});

describe("planted problems", () => {
  const peopleOf = (kind: string) => setOf(org.planted.filter((p) => p.kind === kind).map((p) => p.personId!));

  it("every kind is present with plausible counts, touching 1–3.5% of people", () => {
    const by = plantedByKind(org.planted);
    for (const k of PLANTED_KINDS) {
      expect(by[k], k).toBeGreaterThanOrEqual(2);
      expect(by[k], k).toBeLessThanOrEqual(15);
    }
    const involved = new Set(org.planted.filter((p) => p.personId).map((p) => p.personId));
    expect(involved.size / 1200).toBeGreaterThanOrEqual(0.01);
    expect(involved.size / 1200).toBeLessThanOrEqual(0.035);
    for (const p of org.planted) expect(p.why.length).toBeGreaterThan(10);
  });

  it("leavers with access are exactly the terminated people with active grants and live accounts", () => {
    const found = setOf(org.grants.filter((g) => g.status === "active" && byId.get(g.personId)!.status === "terminated").map((g) => g.personId));
    expect(found).toEqual(peopleOf("leaver_with_access"));
    for (const p of org.planted.filter((x) => x.kind === "leaver_with_access")) expect(p.accountIds.length).toBeGreaterThan(0);
  });

  it("contractors past their end date are exactly the active contractors with an end date in the past", () => {
    const found = setOf(
      org.people
        .filter((p) => p.employmentType === "contractor" && p.status === "active" && p.endDate && Date.parse(`${p.endDate}T00:00:00Z`) < today)
        .map((p) => p.id),
    );
    expect(found).toEqual(peopleOf("contractor_past_end"));
  });

  it(`unused access is exactly the active grants of current staff unused for ${UNUSED_DAYS}+ days`, () => {
    const cutoff = today - UNUSED_DAYS * DAY;
    const found = setOf(
      org.grants
        .filter((g) => g.status === "active" && ["active", "on_leave"].includes(byId.get(g.personId)!.status) && g.lastUsedAt && g.lastUsedAt.getTime() < cutoff)
        .map((g) => g.personId),
    );
    expect(found).toEqual(peopleOf("unused_access"));
  });

  it("movers who kept access are exactly those holding role grants their attributes no longer give", () => {
    const rules = new Map<string, typeof org.birthrightRules>();
    for (const r of org.birthrightRules) rules.set(r.roleId, [...(rules.get(r.roleId) ?? []), r]);
    const found = setOf(
      org.grants
        .filter((g) => g.status === "active" && (g.source === "role" || g.source === "birthright"))
        .filter((g) => !(rules.get(g.sourceRef!) ?? []).some((r) => ruleMatches(r.conditions, byId.get(g.personId)!)))
        .map((g) => g.personId),
    );
    expect(found).toEqual(peopleOf("mover_kept_access"));
    for (const id of found) expect(byId.get(id)!.attributes.previousDepartment).toBeTruthy();
    // Clean movers exist too (previousDepartment set, nothing left behind).
    const movers = org.people.filter((p) => p.attributes.previousDepartment).length;
    expect(movers).toBeGreaterThan(found.length);
  });

  it("SoD violations are exactly the planted (person, policy) pairs", () => {
    const held = new Map<string, Set<string>>();
    for (const g of org.grants.filter((x) => x.status === "active")) {
      const s = held.get(g.personId) ?? new Set<string>();
      s.add(g.entitlementId);
      held.set(g.personId, s);
    }
    const found: string[] = [];
    for (const pol of org.sodPolicies) {
      const a = org.sodPolicyEntitlements.filter((x) => x.policyId === pol.id && x.side === "a").map((x) => x.entitlementId);
      const b = org.sodPolicyEntitlements.filter((x) => x.policyId === pol.id && x.side === "b").map((x) => x.entitlementId);
      for (const [pid, s] of held) if (a.some((e) => s.has(e)) && b.some((e) => s.has(e))) found.push(`${pid}/${pol.id}`);
    }
    expect(setOf(found)).toEqual(setOf(org.planted.filter((p) => p.kind === "sod_violation").map((p) => `${p.personId}/${p.policyId}`)));
    expect(org.sodPolicies.length).toBeGreaterThanOrEqual(4);
    expect(new Set(org.planted.filter((p) => p.kind === "sod_violation").map((p) => p.policyId)).size).toBe(org.sodPolicies.length);
  });

  it(`privileged outliers are exactly the people with ${PRIVILEGED_GRANT_THRESHOLD}+ privileged grants, some outside IT`, () => {
    const priv = new Set(org.entitlements.filter((e) => e.privileged).map((e) => e.id));
    const n = new Map<string, number>();
    for (const g of org.grants) if (g.status === "active" && priv.has(g.entitlementId)) n.set(g.personId, (n.get(g.personId) ?? 0) + 1);
    const found = setOf([...n].filter(([, c]) => c >= PRIVILEGED_GRANT_THRESHOLD).map(([id]) => id));
    expect(found).toEqual(peopleOf("privileged_outlier"));
    expect(found.some((id) => byId.get(id)!.department === "IT")).toBe(true);
    expect(found.some((id) => byId.get(id)!.department !== "IT")).toBe(true);
  });

  it("orphan accounts are exactly the accounts linked to nobody, in more than one app", () => {
    const orphans = org.accounts.filter((a) => a.personId === null);
    expect(setOf(orphans.map((a) => a.id))).toEqual(setOf(org.planted.filter((p) => p.kind === "orphan_account").flatMap((p) => p.accountIds)));
    expect(new Set(orphans.map((a) => a.applicationId)).size).toBeGreaterThanOrEqual(2);
  });
});

describe("demo personas and portal roles", () => {
  it("exist, are distinct, active, and carry no planted problem", () => {
    const ids = DEMO_PERSONAS.map((k) => findPersona(org, k).id);
    expect(new Set(ids).size).toBe(DEMO_PERSONAS.length);
    const planted = new Set(org.planted.map((p) => p.personId));
    for (const k of DEMO_PERSONAS) {
      const p = findPersona(org, k);
      expect(p.status).toBe("active");
      expect(p.attributes.demoPersona).toBe(k);
      expect(planted.has(p.id)).toBe(false);
    }
    expect(org.people.filter((p) => p.attributes.demoPersona).length).toBe(DEMO_PERSONAS.length);
  });

  it("satisfy their definitions", () => {
    const emp = findPersona(org, "employee");
    expect(emp.employmentType).toBe("employee");
    expect(emp.attributes.peopleManager).toBe("no");
    expect(emp).toMatchObject({ department: "Sales", title: "Solutions Engineer" });
    expect(emp.attributes.team).toBe("East Coast");
    expect(org.grants.filter((g) => g.personId === emp.id && g.status === "active").length).toBeGreaterThan(10);

    const mgr = findPersona(org, "manager");
    const reports = org.people.filter((p) => p.managerId === mgr.id && p.status === "active");
    expect(reports.length).toBeGreaterThanOrEqual(4);

    const owner = findPersona(org, "app_owner");
    expect(org.applicationOwners.filter((o) => o.personId === owner.id).length).toBeGreaterThanOrEqual(2);

    const roles = (id: string) => org.portalRoleAssignments.filter((r) => r.personId === id).map((r) => r.role);
    const admin = findPersona(org, "admin");
    expect(admin.department).toBe("IT");
    expect(roles(admin.id)).toContain("admin");
    expect(roles(findPersona(org, "auditor").id)).toContain("auditor");
  });

  it("has a few admins, two auditors and a security team", () => {
    const count = (r: string) => org.portalRoleAssignments.filter((x) => x.role === r).length;
    expect(count("admin")).toBeGreaterThanOrEqual(2);
    expect(count("auditor")).toBe(2);
    expect(count("security")).toBeGreaterThanOrEqual(2);
    for (const r of org.portalRoleAssignments.filter((x) => x.role === "admin")) expect(byId.get(r.personId)!.department).toBe("IT");
  });

  it("countRows matches the arrays", () => {
    const c = countRows(org);
    expect(c.people).toBe(org.people.length);
    expect(c.grants).toBe(org.grants.length);
  });
});

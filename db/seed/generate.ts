/**
 * Demo organisation generator: PURE and deterministic.
 *
 * Input: { people: N, seed: S, now }. Output: plain row arrays for every seeded table,
 * with ids already assigned (deterministic UUIDs from their own PRNG stream), so the
 * loader can insert them without RETURNING round trips, plus a `planted` manifest of the
 * governance problems hidden in the data and the demo personas.
 *
 * Determinism: only `now`'s UTC day is used (every date is an offset from its midnight),
 * all randomness comes from seeded sfc32 streams (one per phase, so a change in one phase
 * does not reshuffle the others). Same (N, S, UTC day) → byte-identical JSON.
 *
 * Shape: a CEO, department heads (some reporting to another head so nobody has more than
 * 10 reports), each department a tree built bottom-up with spans of 3–10; titles, levels
 * 1–7, offices, teams, cost centres; ~85% employees / ~12% contractors / ~3% interns;
 * statuses active / pre_hire / on_leave / terminated. Access follows the catalogue's
 * birthright rules (grants + accounts + actual entitlements mirroring them) with ~5%
 * requested and some manual extras. Planted problems touch roughly 1–3% of people.
 *
 * Complexity: O(N · grants per person) time and memory (about 20–25 grants per person).
 */
import type { RuleCondition } from "@/db/schema/roles";
import {
  APPLICATIONS,
  CONTRACTOR_VENDORS,
  DEPARTMENTS,
  EXECUTIVE,
  LOCATIONS,
  PRIVILEGED_GRANT_THRESHOLD,
  REGIONAL_TEAMS,
  REQUEST_REASONS,
  ROLES,
  SOD_POLICIES,
  UNUSED_DAYS,
  type DepartmentDef,
  type EntitlementDef,
  type LocationDef,
  type TitleDef,
} from "./catalog";
import { FIRST_NAMES, LAST_NAMES } from "./names";
import { Rng, UuidFactory } from "./prng";

export { PRIVILEGED_GRANT_THRESHOLD, UNUSED_DAYS } from "./catalog";

export const DEMO_PERSONAS = ["employee", "manager", "app_owner", "admin", "auditor"] as const;
export type DemoPersona = (typeof DEMO_PERSONAS)[number];

export const PLANTED_KINDS = [
  "leaver_with_access",
  "unused_access",
  "mover_kept_access",
  "sod_violation",
  "contractor_past_end",
  "privileged_outlier",
  "orphan_account",
] as const;
export type PlantedKind = (typeof PLANTED_KINDS)[number];

export const EMAIL_DOMAIN = "gatehouse.example";
export const GENERATOR_VERSION = 1;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------
// Row types (the subset of columns the seed sets; the rest take their defaults).

type Attrs = Record<string, string | number | boolean | null>;

export type PersonRow = {
  id: string;
  employeeId: string;
  givenName: string;
  familyName: string;
  displayName: string;
  email: string;
  department: string;
  title: string;
  level: number;
  location: string;
  costCenter: string;
  managerId: string | null;
  employmentType: "employee" | "contractor" | "intern";
  status: "pre_hire" | "active" | "on_leave" | "terminated";
  startDate: string;
  endDate: string | null;
  attributes: Attrs;
};
export type PortalRoleRow = { personId: string; role: "admin" | "auditor" | "security"; grantedAt: Date };
export type ApplicationRow = {
  id: string;
  key: string;
  name: string;
  description: string;
  category: string;
  connectorKind: "demo" | "manual";
  config: Record<string, unknown>;
  criticality: "low" | "medium" | "high" | "critical";
  deprovisionAction: "disable" | "delete";
  supportsSessionRevoke: boolean;
};
export type ApplicationOwnerRow = { applicationId: string; personId: string };
export type EntitlementRow = {
  id: string;
  applicationId: string;
  externalId: string;
  name: string;
  description: string;
  kind: "group" | "role" | "permission";
  level: "read" | "edit" | "admin";
  sensitivity: "low" | "medium" | "high" | "critical";
  privileged: boolean;
  ownerId: string | null;
  requestable: boolean;
  maxDurationDays: number | null;
};
export type RoleTemplateRow = {
  id: string;
  key: string;
  name: string;
  description: string;
  status: "published";
  origin: string;
  requestable: boolean;
  ownerId: string | null;
};
export type RoleEntitlementRow = { roleId: string; entitlementId: string };
export type BirthrightRuleRow = { id: string; name: string; roleId: string; conditions: RuleCondition[]; priority: number };
export type SodPolicyRow = {
  id: string;
  name: string;
  description: string;
  severity: "low" | "medium" | "high" | "critical";
  action: "block" | "require_approval";
};
export type SodPolicyEntitlementRow = { policyId: string; entitlementId: string; side: "a" | "b" };
export type GrantRow = {
  id: string;
  personId: string;
  entitlementId: string;
  source: "birthright" | "role" | "request" | "manual";
  sourceRef: string | null;
  status: "active" | "revoked";
  grantedById: string | null;
  grantedAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  reason: string;
  revokedAt: Date | null;
  revokeReason: string | null;
};
export type AccountRow = {
  id: string;
  personId: string | null;
  applicationId: string;
  externalId: string;
  username: string;
  status: "active" | "disabled";
  lastLoginAt: Date | null;
  reconState: "orphan" | null;
  createdAt: Date;
  disabledAt: Date | null;
};
export type AccountEntitlementRow = { accountId: string; entitlementId: string };
export type HrEventRow = {
  id: string;
  personId: string;
  kind: "pre_hire" | "mover" | "leaver" | "leave_start";
  source: "seed";
  changes: Record<string, { from: unknown; to: unknown }>;
  idempotencyKey: string;
  status: "received" | "completed";
  effectiveAt: Date;
  receivedAt: Date;
  completedAt: Date | null;
};

export type PlantedProblem = {
  kind: PlantedKind;
  /** Null only for orphan accounts. */
  personId: string | null;
  employeeId: string | null;
  applicationKeys: string[];
  entitlementIds: string[];
  grantIds: string[];
  accountIds: string[];
  policyId?: string;
  why: string;
};

export type GeneratedOrg = {
  meta: { version: number; people: number; seed: number; day: string };
  people: PersonRow[];
  portalRoleAssignments: PortalRoleRow[];
  applications: ApplicationRow[];
  applicationOwners: ApplicationOwnerRow[];
  entitlements: EntitlementRow[];
  roleTemplates: RoleTemplateRow[];
  roleEntitlements: RoleEntitlementRow[];
  birthrightRules: BirthrightRuleRow[];
  sodPolicies: SodPolicyRow[];
  sodPolicyEntitlements: SodPolicyEntitlementRow[];
  accounts: AccountRow[];
  accountEntitlements: AccountEntitlementRow[];
  grants: GrantRow[];
  hrEvents: HrEventRow[];
  planted: PlantedProblem[];
  personas: Record<DemoPersona, string>;
};

export type GenerateOptions = { people: number; seed: number; now: Date };

export const MIN_PEOPLE = 40;
/** Tested up to 50,000 (about 2.3 GB peak RSS); beyond ~100,000 the in-memory arrays near the default heap limit. */
export const MAX_PEOPLE = 100_000;

// ---------------------------------------------------------------------------------------
// Rule evaluation (a tiny ABAC evaluator over a person row; same semantics as RuleCondition).

export function personAttribute(p: PersonRow, attribute: string): unknown {
  if (attribute.startsWith("attributes.")) return p.attributes[attribute.slice("attributes.".length)];
  return (p as unknown as Record<string, unknown>)[attribute];
}

export function conditionHolds(c: RuleCondition, v: unknown): boolean {
  switch (c.op) {
    case "eq":
      return v === c.value;
    case "neq":
      return v !== c.value;
    case "in":
      return Array.isArray(c.value) && (c.value as unknown[]).includes(v);
    case "gte":
      return typeof v === "number" && v >= Number(c.value);
    case "lte":
      return typeof v === "number" && v <= Number(c.value);
    case "startsWith":
      return typeof v === "string" && v.startsWith(String(c.value));
  }
}

export function ruleMatches(conditions: RuleCondition[], p: PersonRow): boolean {
  return conditions.every((c) => conditionHolds(c, personAttribute(p, c.attribute)));
}

// ---------------------------------------------------------------------------------------

type Node = {
  row: PersonRow;
  idx: number;
  dept: string;
  managerIdx: number;
  reports: number[];
  isManager: boolean;
  startDay: number;
  endDay: number | null;
  /** Planted scenario decided with the people (it changes how access is generated). */
  scenario: "none" | "leaver" | "contractor" | "mover" | "clean_mover";
  movedDay?: number;
  previousDepartment?: string;
  leaveDay?: number;
  grants: GrantRow[];
};

type EntInfo = { id: string; ref: string; appIdx: number; def: EntitlementDef; row: EntitlementRow };

function slugEmail(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

/** Largest-remainder split of `total` by weights. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]![1]]! += 1;
  return out;
}

/**
 * Management layers for a department of `rest` people below its head: first-line
 * managers over ~7 ICs, upper layers over ~5 managers, until at most 8 report to the head.
 * Returns layer sizes bottom-up and the IC count.
 */
function layersFor(rest: number): { ics: number; layers: number[] } {
  for (let ics = rest; ics > 0; ics--) {
    const layers: number[] = [];
    let n = ics;
    let total = 0;
    while (n > 8) {
      const m = Math.ceil(n / (layers.length === 0 ? 7 : 5));
      layers.push(m);
      total += m;
      n = m;
    }
    if (ics + total <= rest) return { ics: rest - total, layers };
  }
  return { ics: rest, layers: [] };
}

export function generateOrg(opts: GenerateOptions): GeneratedOrg {
  const N = opts.people;
  if (!Number.isInteger(N) || N < MIN_PEOPLE || N > MAX_PEOPLE) {
    throw new RangeError(`people must be an integer between ${MIN_PEOPLE} and ${MAX_PEOPLE} (got ${N})`);
  }
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer (got ${opts.seed})`);
  const seed = opts.seed | 0;
  const now = opts.now;
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const uuid = new UuidFactory(seed);

  const dateOf = (day: number) => new Date(dayStart + day * DAY_MS).toISOString().slice(0, 10);
  /** A timestamp on day `day` (≤ -1 for the past) during working hours UTC. */
  const tsOf = (day: number, rng: Rng) => new Date(dayStart + day * DAY_MS + rng.int(7 * 3600, 19 * 3600) * 1000);

  // -------------------------------------------------------------------------------------
  // People and hierarchy.
  const rp = new Rng(seed, "people");
  const nodes: Node[] = [];
  const deptDefs = new Map<string, DepartmentDef>(DEPARTMENTS.map((d) => [d.name, d]));
  const locByTeam = new Map<string, LocationDef[]>();
  for (const l of LOCATIONS) locByTeam.set(l.team, [...(locByTeam.get(l.team) ?? []), l]);
  const naLocations = LOCATIONS.filter((l) => l.name === "New York" || l.name === "San Francisco");
  const emailsSeen = new Map<string, number>();

  const makeNode = (
    dept: string,
    title: string,
    level: number,
    managerIdx: number,
    team: string,
    costCenter: string,
    loc: LocationDef,
    isManager: boolean,
    startDay: number,
  ): Node => {
    const givenName = rp.pick(FIRST_NAMES);
    const familyName = rp.pick(LAST_NAMES);
    const base = `${slugEmail(givenName)}.${slugEmail(familyName)}`;
    const n = (emailsSeen.get(base) ?? 0) + 1;
    emailsSeen.set(base, n);
    const idx = nodes.length;
    const node: Node = {
      idx,
      dept,
      managerIdx,
      reports: [],
      isManager,
      startDay,
      endDay: null,
      scenario: "none",
      grants: [],
      row: {
        id: uuid.next(),
        employeeId: "",
        givenName,
        familyName,
        displayName: `${givenName} ${familyName}`,
        email: `${n === 1 ? base : base + n}@${EMAIL_DOMAIN}`,
        department: dept,
        title,
        level,
        location: loc.name,
        costCenter,
        managerId: managerIdx >= 0 ? nodes[managerIdx]!.row.id : null,
        employmentType: "employee",
        status: "active",
        startDate: "",
        endDate: null,
        attributes: { team, region: loc.region, country: loc.country, peopleManager: isManager ? "yes" : "no" },
      },
    };
    nodes.push(node);
    if (managerIdx >= 0) nodes[managerIdx]!.reports.push(idx);
    return node;
  };

  const ceo = makeNode(EXECUTIVE, "Chief Executive Officer", 7, -1, "Leadership", "CC-1000", LOCATIONS[0]!, true, -3300);
  makeNode(EXECUTIVE, "Chief of Staff", 6, ceo.idx, "Leadership", "CC-1000", LOCATIONS[0]!, false, -rp.int(700, 2000));
  makeNode(EXECUTIVE, "Executive Assistant", 2, ceo.idx, "Leadership", "CC-1000", LOCATIONS[0]!, false, -rp.int(200, 1500));

  const sizes = apportion(N - nodes.length, DEPARTMENTS.map((d) => d.weight));
  const headIdx = new Map<string, number>();
  // Heads reporting to the CEO first, then heads reporting to another head (FK order).
  const headOrder = [...DEPARTMENTS.filter((d) => !d.reportsTo), ...DEPARTMENTS.filter((d) => d.reportsTo)];
  for (const d of headOrder) {
    const mgr = d.reportsTo ? headIdx.get(d.reportsTo)! : ceo.idx;
    const h = makeNode(d.name, d.head, 7, mgr, "Leadership", d.costCode, rp.pick(naLocations), true, -rp.int(1200, 3200));
    headIdx.set(d.name, h.idx);
  }

  const pickLoc = (team: string, parent: LocationDef | null, regional: boolean): LocationDef => {
    if (regional) return rp.weighted(locByTeam.get(team) ?? LOCATIONS, (l) => l.weight);
    if (parent && rp.chance(0.6)) return parent;
    return rp.weighted(LOCATIONS, (l) => l.weight);
  };
  const locByName = new Map(LOCATIONS.map((l) => [l.name, l]));

  DEPARTMENTS.forEach((d, di) => {
    const head = nodes[headIdx.get(d.name)!]!;
    const rest = sizes[di]! - 1; // the head (already created) counts in its department
    head.isManager = rest > 0;
    head.row.attributes.peopleManager = head.isManager ? "yes" : "no";
    const regional = d.teams === "region";
    const teams: string[] = regional ? [...REGIONAL_TEAMS] : (d.teams as string[]);
    const teamCost = (team: string) => {
      const base = Number(d.costCode.slice(3));
      return `CC-${base + (teams.indexOf(team) + 1) * 10}`;
    };
    if (rest <= 0) return;
    const { ics, layers } = layersFor(rest);
    const teamOffset = rp.int(0, teams.length - 1);
    let teamCursor = 0;
    const nextTeam = () => teams[(teamOffset + teamCursor++) % teams.length]!;

    // Managers top-down: the top layer reports to the head, each lower layer to the one above.
    let parents: number[] = [head.idx];
    for (let li = layers.length - 1; li >= 0; li--) {
      const count = layers[li]!;
      const made: number[] = [];
      for (let j = 0; j < count; j++) {
        const parent = parents[Math.floor((j * parents.length) / count)]!;
        const pNode = nodes[parent]!;
        const team = parent === head.idx ? nextTeam() : String(pNode.row.attributes.team);
        const loc = pickLoc(team, locByName.get(pNode.row.location) ?? null, regional);
        const title = li === 0 ? d.manager : li === 1 ? d.director : `Senior ${d.director}`;
        const level = li === 0 ? 5 : 6;
        const n = makeNode(d.name, title, level, parent, team, teamCost(team), loc, true, -rp.int(365, 2600));
        made.push(n.idx);
      }
      parents = made;
    }
    // ICs: a few straight to the head if the head would otherwise have fewer than 3 reports.
    const toHead = layers.length > 0 ? Math.max(0, 3 - layers[layers.length - 1]!) : ics;
    const lineManagers = layers.length > 0 ? parents : [];
    for (let j = 0; j < ics; j++) {
      let parent: number;
      if (j < toHead) parent = head.idx;
      else {
        const k = j - toHead;
        parent = lineManagers[Math.floor((k * lineManagers.length) / (ics - toHead))]!;
      }
      const pNode = nodes[parent]!;
      const team = parent === head.idx ? nextTeam() : String(pNode.row.attributes.team);
      const loc = pickLoc(team, locByName.get(pNode.row.location) ?? null, regional);
      const ladder: TitleDef[] = d.teamTitles?.[team] ?? d.ics;
      const t = rp.weighted(ladder, (x) => x.weight);
      // Growth company: tenure skewed towards recent hires.
      const startDay = -(5 + Math.floor(2600 * Math.pow(rp.next(), 1.6)));
      makeNode(d.name, t.title, t.level, parent, team, teamCost(team), loc, false, startDay);
    }
  });

  // Employment types and statuses (only individual contributors leave, join or take leave).
  for (const n of nodes) {
    const r = n.row;
    if (n.isManager || r.department === EXECUTIVE) continue;
    const d = deptDefs.get(r.department)!;
    const u = rp.next();
    if (u < 0.035) {
      r.employmentType = "intern";
      r.title = d.intern;
      r.level = 1;
      n.startDay = -rp.int(10, 150);
      n.endDay = n.startDay + 180;
    } else if (u < 0.035 + 0.14) {
      r.employmentType = "contractor";
      r.attributes.vendor = rp.pick(CONTRACTOR_VENDORS);
      n.startDay = -rp.int(30, 700);
      n.endDay = rp.int(30, 365);
    }
    const s = rp.next();
    if (s < 0.025) {
      r.status = "pre_hire";
      n.startDay = rp.int(3, 45);
      if (r.employmentType !== "employee") n.endDay = n.startDay + rp.int(90, 365);
    } else if (s < 0.04 && r.employmentType === "employee") {
      r.status = "on_leave";
      n.leaveDay = -rp.int(5, 60);
      if (n.startDay > n.leaveDay - 60) n.startDay = n.leaveDay - rp.int(60, 900);
      r.attributes.leaveStart = dateOf(n.leaveDay);
    } else if (s < 0.09) {
      r.status = "terminated";
      n.endDay = -rp.int(2, 540);
      if (n.startDay > n.endDay - 45) n.startDay = n.endDay - rp.int(45, 1500);
    }
  }

  // Employee ids follow hire order.
  const byStart = nodes.map((n) => n.idx).sort((a, b) => nodes[a]!.startDay - nodes[b]!.startDay || a - b);
  byStart.forEach((idx, rank) => {
    nodes[idx]!.row.employeeId = `E${String(100 + rank).padStart(6, "0")}`;
  });

  const isActive = (n: Node) => n.row.status === "active";
  const activeEmployeeIc = (n: Node) => isActive(n) && !n.isManager && n.row.employmentType === "employee" && n.row.department !== EXECUTIVE;

  // -------------------------------------------------------------------------------------
  // Portal roles, application ownership and personas (before planting, so personas stay clean).
  const ro = new Rng(seed, "roles");
  const portalRoleAssignments: PortalRoleRow[] = [];
  const itPeople = nodes.filter((n) => n.row.department === "IT" && isActive(n) && n.row.employmentType === "employee");
  const itHead = nodes[headIdx.get("IT")!]!;
  const adminIcs = itPeople.filter((n) => n !== itHead && n.row.level >= 3).sort((a, b) => b.row.level - a.row.level || a.idx - b.idx);
  const admins = [itHead, ...adminIcs.slice(0, 3)];
  for (const a of admins) portalRoleAssignments.push({ personId: a.row.id, role: "admin", grantedAt: tsOf(-ro.int(60, 900), ro) });
  const auditorPool = [
    ...nodes.filter((n) => n.row.title === "Internal Auditor" && isActive(n) && n.row.employmentType === "employee"),
    ...nodes.filter((n) => (n.row.department === "Finance" || n.row.department === "Legal") && activeEmployeeIc(n) && n.row.level >= 3),
    ...nodes.filter((n) => ["Finance", "Legal", "Operations"].includes(n.row.department) && activeEmployeeIc(n)),
    ...nodes.filter((n) => n.row.department !== "IT" && activeEmployeeIc(n)),
  ];
  const auditors = [...new Set(auditorPool)].slice(0, 2);
  for (const a of auditors) portalRoleAssignments.push({ personId: a.row.id, role: "auditor", grantedAt: tsOf(-ro.int(30, 600), ro) });
  const securityTeam = nodes
    .filter((n) => n.row.department === "Security" && isActive(n) && n.row.employmentType === "employee" && n.row.level >= 3)
    .slice(0, 9);
  for (const s of securityTeam) portalRoleAssignments.push({ personId: s.row.id, role: "security", grantedAt: tsOf(-ro.int(30, 900), ro) });
  const adminIds = admins.map((a) => a.row.id);

  // Applications and owners: senior active employees of the owning department, each owning a few.
  const applications: ApplicationRow[] = [];
  const applicationOwners: ApplicationOwnerRow[] = [];
  const appOwnerIdx: number[] = [];
  const appsByDept = new Map<string, number[]>();
  APPLICATIONS.forEach((a, i) => appsByDept.set(a.ownerDept, [...(appsByDept.get(a.ownerDept) ?? []), i]));
  const ownedCount = new Map<number, number>();
  for (const [deptName, appIdxs] of appsByDept) {
    const pool = nodes.filter(
      (n) => n.row.department === deptName && isActive(n) && n.row.employmentType === "employee" && n.row.level >= 4 && n.idx !== headIdx.get(deptName),
    );
    const candidates = pool.length > 0 ? pool : [nodes[headIdx.get(deptName)!]!];
    const ownerCount = Math.max(1, Math.min(candidates.length, Math.ceil(appIdxs.length / 3)));
    const owners = ro.sample(candidates, ownerCount).sort((a, b) => a.idx - b.idx);
    appIdxs.forEach((ai, k) => {
      appOwnerIdx[ai] = owners[k % owners.length]!.idx;
    });
  }
  APPLICATIONS.forEach((a, i) => {
    const id = uuid.next();
    applications.push({
      id,
      key: a.key,
      name: a.name,
      description: a.description,
      category: a.category,
      connectorKind: a.connectorKind,
      config: a.connectorKind === "demo" ? { demo: true } : { instructions: `Ask the ${a.name} owner to make the change, then mark the task done.` },
      criticality: a.criticality,
      deprovisionAction: a.deprovisionAction ?? "disable",
      supportsSessionRevoke: a.supportsSessionRevoke ?? false,
    });
    const owner = appOwnerIdx[i]!;
    applicationOwners.push({ applicationId: id, personId: nodes[owner]!.row.id });
    ownedCount.set(owner, (ownedCount.get(owner) ?? 0) + 1);
    // Critical applications also have an IT co-owner.
    const itCo = admins[1] ?? admins[0]!;
    if (a.criticality === "critical" && itCo.idx !== owner) {
      applicationOwners.push({ applicationId: id, personId: itCo.row.id });
      ownedCount.set(itCo.idx, (ownedCount.get(itCo.idx) ?? 0) + 1);
    }
  });

  // Personas.
  const taken = new Set<number>();
  /** First not-yet-taken node of the first non-empty candidate list (lists in preference order). */
  const choose = (what: string, ...lists: Node[][]): Node => {
    for (const list of lists) {
      const n = list.find((x) => !taken.has(x.idx));
      if (n) {
        taken.add(n.idx);
        return n;
      }
    }
    throw new Error(`demo persona "${what}" could not be chosen (organisation too small?)`);
  };
  const activeReports = (n: Node) => n.reports.filter((r) => isActive(nodes[r]!)).length;
  const managerOk = (n: Node, k: number) => n.managerIdx >= 0 && activeReports(nodes[n.managerIdx]!) >= k;
  const adminPersona = choose("admin", adminIcs.filter((n) => admins.includes(n)), [itHead]);
  const auditorPersona = choose("auditor", auditors);
  const employeePersona = choose(
    "employee",
    nodes.filter((n) => activeEmployeeIc(n) && n.row.title === "Solutions Engineer" && n.row.attributes.team === "East Coast" && managerOk(n, 5)),
    nodes.filter((n) => activeEmployeeIc(n) && n.row.department === "Sales" && managerOk(n, 5)),
    nodes.filter((n) => activeEmployeeIc(n) && managerOk(n, 4)),
    nodes.filter((n) => activeEmployeeIc(n)),
  );
  const managers = (k: number) => nodes.filter((n) => n.isManager && isActive(n) && activeReports(n) >= k);
  const managerPersona = choose(
    "manager",
    [nodes[employeePersona.managerIdx]!].filter((n) => activeReports(n) >= 5),
    managers(5),
    managers(4),
  );
  const owners = [...ownedCount.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const appOwnerPersona = choose(
    "app_owner",
    owners.filter(([idx, c]) => c >= 2 && nodes[idx]!.row.department !== "IT").map(([idx]) => nodes[idx]!),
    owners.filter(([, c]) => c >= 2).map(([idx]) => nodes[idx]!),
  );
  const personaNodes: Record<DemoPersona, Node> = {
    employee: employeePersona,
    manager: managerPersona,
    app_owner: appOwnerPersona,
    admin: adminPersona,
    auditor: auditorPersona,
  };
  for (const k of DEMO_PERSONAS) personaNodes[k].row.attributes.demoPersona = k;

  // People who must not carry a planted problem: personas, the manager persona's team, admins, owners.
  const protectedIdx = new Set<number>([...taken, ...managerPersona.reports, ...admins.map((a) => a.idx), ...auditors.map((a) => a.idx)]);
  for (const idx of appOwnerIdx) protectedIdx.add(idx);
  const involved = new Set<number>();
  const eligible = (n: Node) => !protectedIdx.has(n.idx) && !involved.has(n.idx);

  // -------------------------------------------------------------------------------------
  // People-level planted scenarios (they shape how access is generated).
  const rpl = new Rng(seed, "plant-people");
  const scaled = (rate: number, min: number) => Math.max(min, Math.round(N * rate));
  const pickPeople = (pred: (n: Node) => boolean, k: number): Node[] => {
    const pool = nodes.filter((n) => eligible(n) && pred(n));
    const got = rpl.sample(pool, k).sort((a, b) => a.idx - b.idx);
    for (const n of got) involved.add(n.idx);
    return got;
  };
  const leavers = pickPeople((n) => activeEmployeeIc(n) && n.startDay < -400, scaled(0.004, 3));
  for (const n of leavers) {
    n.scenario = "leaver";
    n.row.status = "terminated";
    n.endDay = -rpl.int(7, 150);
  }
  const lateContractors = pickPeople((n) => isActive(n) && n.row.employmentType === "contractor" && n.startDay < -120, scaled(0.0025, 2));
  for (const n of lateContractors) {
    n.scenario = "contractor";
    n.endDay = -rpl.int(3, 90);
  }
  const baseRoleKey = (dept: string) => dept.toLowerCase().replace(/ /g, "-");
  const otherDepts = DEPARTMENTS.map((d) => d.name);
  const assignMove = (n: Node, planted: boolean) => {
    const from = rpl.pick(otherDepts.filter((d) => d !== n.row.department));
    n.previousDepartment = from;
    n.movedDay = -rpl.int(30, 300);
    n.row.attributes.previousDepartment = from;
    n.row.attributes.previousTitle = rpl.weighted(deptDefs.get(from)!.ics, (t) => t.weight).title;
    n.row.attributes.movedAt = dateOf(n.movedDay);
    n.scenario = planted ? "mover" : "clean_mover";
  };
  const movers = pickPeople((n) => activeEmployeeIc(n) && n.startDay < -500, scaled(0.004, 3));
  for (const n of movers) assignMove(n, true);
  // Movers whose old access was removed properly: a realistic control group for detectors.
  const cleanMovers = nodes.filter((n) => eligible(n) && activeEmployeeIc(n) && n.startDay < -500 && rpl.chance(0.01));
  for (const n of cleanMovers) assignMove(n, false);

  for (const n of nodes) {
    n.row.startDate = dateOf(n.startDay);
    n.row.endDate = n.endDay === null ? null : dateOf(n.endDay);
  }

  // -------------------------------------------------------------------------------------
  // Catalogue rows.
  const ents = new Map<string, EntInfo>();
  const entitlements: EntitlementRow[] = [];
  APPLICATIONS.forEach((a, ai) => {
    for (const def of a.entitlements) {
      const row: EntitlementRow = {
        id: uuid.next(),
        applicationId: applications[ai]!.id,
        externalId: def.id,
        name: def.name,
        description: def.description ?? `${def.name} in ${a.name}`,
        kind: def.kind,
        level: def.level,
        sensitivity: def.sensitivity,
        privileged: def.privileged ?? false,
        ownerId: nodes[appOwnerIdx[ai]!]!.row.id,
        requestable: def.requestable ?? true,
        maxDurationDays: def.maxDurationDays ?? null,
      };
      entitlements.push(row);
      ents.set(`${a.key}:${def.id}`, { id: row.id, ref: `${a.key}:${def.id}`, appIdx: ai, def, row });
    }
  });
  const ent = (ref: string): EntInfo => {
    const e = ents.get(ref);
    if (!e) throw new Error(`catalogue refers to unknown entitlement ${ref}`);
    return e;
  };
  const entById = new Map([...ents.values()].map((e) => [e.id, e]));

  const roleTemplates: RoleTemplateRow[] = [];
  const roleEntitlements: RoleEntitlementRow[] = [];
  const birthrightRules: BirthrightRuleRow[] = [];
  type RoleInfo = { id: string; key: string; name: string; baseline: boolean; ents: EntInfo[]; rules: RuleCondition[][]; ruleNames: string[] };
  const roles: RoleInfo[] = [];
  const roleByKey = new Map<string, RoleInfo>();
  ROLES.forEach((r, i) => {
    const id = uuid.next();
    const ownerNode = r.ownerDept === EXECUTIVE ? ceo : nodes[headIdx.get(r.ownerDept ?? "IT") ?? itHead.idx]!;
    roleTemplates.push({ id, key: r.key, name: r.name, description: r.description, status: "published", origin: "manual", requestable: r.requestable ?? false, ownerId: ownerNode.row.id });
    const re = r.entitlements.map(ent);
    for (const e of re) roleEntitlements.push({ roleId: id, entitlementId: e.id });
    const ruleNames: string[] = [];
    r.rules.forEach((conds, k) => {
      const name = r.rules.length > 1 ? `${r.name} (${k + 1})` : r.name;
      ruleNames.push(name);
      birthrightRules.push({ id: uuid.next(), name, roleId: id, conditions: conds, priority: 100 + i });
    });
    const info: RoleInfo = { id, key: r.key, name: r.name, baseline: r.baseline ?? false, ents: re, rules: r.rules, ruleNames };
    roles.push(info);
    roleByKey.set(r.key, info);
  });
  const rolesFor = (p: PersonRow) => roles.filter((r) => r.rules.some((c) => ruleMatches(c, p)));

  const sodPolicies: SodPolicyRow[] = [];
  const sodPolicyEntitlements: SodPolicyEntitlementRow[] = [];
  const sodEntIds = new Set<string>();
  const sodInfo = SOD_POLICIES.map((s) => {
    const id = uuid.next();
    sodPolicies.push({ id, name: s.name, description: s.description, severity: s.severity, action: s.action });
    const a = s.a.map(ent);
    const b = s.b.map(ent);
    for (const e of a) sodPolicyEntitlements.push({ policyId: id, entitlementId: e.id, side: "a" });
    for (const e of b) sodPolicyEntitlements.push({ policyId: id, entitlementId: e.id, side: "b" });
    for (const e of [...a, ...b]) sodEntIds.add(e.id);
    return { id, def: s, a, b };
  });

  // -------------------------------------------------------------------------------------
  // Access: grants from roles (desired state), noise, then accounts mirroring them.
  const ra = new Rng(seed, "access");
  const usedDay = (from: number, cap = -1) => {
    // Mostly used in the last few days; never more than ~46 days ago for normal access.
    const d = -1 - Math.floor(45 * Math.pow(ra.next(), 2.5));
    return Math.min(cap, Math.max(from, d));
  };
  const addGrant = (n: Node, e: EntInfo, g: Partial<GrantRow> & Pick<GrantRow, "source" | "grantedAt">): GrantRow => {
    const row: GrantRow = {
      id: uuid.next(),
      personId: n.row.id,
      entitlementId: e.id,
      source: g.source,
      sourceRef: g.sourceRef ?? null,
      status: g.status ?? "active",
      grantedById: g.grantedById ?? null,
      grantedAt: g.grantedAt,
      expiresAt: g.expiresAt ?? null,
      lastUsedAt: g.lastUsedAt ?? null,
      reason: g.reason ?? "",
      revokedAt: g.revokedAt ?? null,
      revokeReason: g.revokeReason ?? null,
    };
    n.grants.push(row);
    return row;
  };
  const dayOfTs = (d: Date) => Math.floor((d.getTime() - dayStart) / DAY_MS);

  const requestPool = [...ents.values()].filter(
    (e) => e.row.requestable && !e.row.privileged && !sodEntIds.has(e.id) && e.row.sensitivity !== "critical",
  );
  let roleGrantCount = 0;
  // One shared string per role/rule (not one per grant: ~1M grants at 50k people).
  const reasons = new Map<string, string>();
  const reasonOf = (role: RoleInfo, ruleName: string) => {
    const k = `${role.id}/${ruleName}`;
    let r = reasons.get(k);
    if (r === undefined) {
      r = role.baseline ? `Birthright rule: ${ruleName}` : `Role: ${role.name}`;
      reasons.set(k, r);
    }
    return r;
  };
  for (const n of nodes) {
    const r = n.row;
    if (r.status === "pre_hire") continue;
    const held = new Set<string>();
    const lastDay = r.status === "terminated" ? Math.min(-1, n.endDay!) : r.status === "on_leave" ? n.leaveDay! : -1;
    const cleanLeaver = r.status === "terminated" && n.scenario !== "leaver";
    const grantDay = (base: number) => Math.min(lastDay, base + ra.int(0, 2));
    const stamp = (grantedDay: number) => {
      let lastUsed: number | null = usedDay(grantedDay, lastDay);
      if (r.status === "terminated" || r.status === "on_leave") lastUsed = Math.max(grantedDay, lastDay - ra.int(0, 10));
      if (grantedDay > -14 && ra.chance(0.3)) lastUsed = null;
      return lastUsed;
    };
    const give = (e: EntInfo, role: RoleInfo, fromDay: number, ruleName: string) => {
      const gd = grantDay(fromDay);
      const lu = stamp(gd);
      addGrant(n, e, {
        source: role.baseline ? "birthright" : "role",
        sourceRef: role.id,
        grantedAt: tsOf(gd, ra),
        lastUsedAt: lu === null ? null : tsOf(lu, ra),
        reason: reasonOf(role, ruleName),
        ...(cleanLeaver
          ? { status: "revoked" as const, revokedAt: tsOf(Math.min(-1, n.endDay! + ra.int(0, 1)), ra), revokeReason: "Leaver: employment ended" }
          : {}),
      });
      held.add(e.id);
      roleGrantCount++;
    };
    const current = rolesFor(r);
    for (const role of current) {
      const ruleName = role.ruleNames[role.rules.findIndex((c) => ruleMatches(c, r))] ?? role.name;
      const fromDay = n.movedDay !== undefined && !role.baseline ? n.movedDay : n.startDay;
      for (const e of role.ents) if (!held.has(e.id)) give(e, role, fromDay, ruleName);
    }
    if (n.scenario === "mover") {
      // Access from the previous department's role that nobody removed.
      const old = roleByKey.get(baseRoleKey(n.previousDepartment!))!;
      for (const e of old.ents) if (!held.has(e.id)) give(e, old, n.startDay, old.name);
    }
    if (cleanLeaver || r.status === "terminated") continue;
    // Noise: ~5% extra requested grants overall, and the odd manual one.
    if (ra.chance(0.55)) {
      const k = ra.int(1, 4);
      for (let j = 0; j < k; j++) {
        const e = ra.pick(requestPool);
        if (held.has(e.id)) continue;
        const timeBound = ra.chance(0.2);
        const gd = timeBound ? Math.max(n.startDay, -ra.int(2, 60)) : Math.max(n.startDay, -ra.int(2, 400));
        const lu = stamp(gd);
        addGrant(n, e, {
          source: "request",
          grantedById: n.managerIdx >= 0 ? nodes[n.managerIdx]!.row.id : null,
          grantedAt: tsOf(gd, ra),
          expiresAt: timeBound ? tsOf(gd + 90, ra) : null,
          lastUsedAt: lu === null ? null : tsOf(lu, ra),
          reason: ra.pick(REQUEST_REASONS),
        });
        held.add(e.id);
      }
    }
    if (ra.chance(0.01)) {
      const e = ra.pick(requestPool);
      if (!held.has(e.id)) {
        const gd = Math.max(n.startDay, -ra.int(2, 500));
        const lu = stamp(gd);
        addGrant(n, e, {
          source: "manual",
          grantedById: ra.pick(adminIds),
          grantedAt: tsOf(gd, ra),
          lastUsedAt: lu === null ? null : tsOf(lu, ra),
          reason: `Granted by IT (ticket IT-${ra.int(1000, 9999)})`,
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Grant-level planted problems.
  const rg = new Rng(seed, "plant-access");
  const planted: PlantedProblem[] = [];
  const appKeyOf = (entId: string) => APPLICATIONS[entById.get(entId)!.appIdx]!.key;
  const problem = (kind: PlantedKind, n: Node, grants: GrantRow[], why: string, extra: Partial<PlantedProblem> = {}) => {
    planted.push({
      kind,
      personId: n.row.id,
      employeeId: n.row.employeeId,
      applicationKeys: [...new Set(grants.map((g) => appKeyOf(g.entitlementId)))],
      entitlementIds: grants.map((g) => g.entitlementId),
      grantIds: grants.map((g) => g.id),
      accountIds: [],
      why,
      ...extra,
    });
  };
  const pickFrom = (pool: Node[], k: number) => {
    const got = rg.sample(pool.filter(eligible), k).sort((a, b) => a.idx - b.idx);
    for (const n of got) involved.add(n.idx);
    return got;
  };

  for (const n of leavers) {
    // One in three kept using an account after the termination date.
    if (rg.chance(0.34) && n.grants.length > 0) {
      const g = rg.pick(n.grants);
      g.lastUsedAt = tsOf(Math.min(-1, n.endDay! + rg.int(1, 6)), rg);
    }
    const apps = new Set(n.grants.map((g) => appKeyOf(g.entitlementId)));
    problem("leaver_with_access", n, n.grants, `Terminated on ${n.row.endDate} but ${apps.size} accounts and ${n.grants.length} grants are still active`);
  }
  for (const n of lateContractors) {
    problem("contractor_past_end", n, n.grants, `Contract (${String(n.row.attributes.vendor)}) ended on ${n.row.endDate} but the person is still active with ${n.grants.length} grants`);
  }
  for (const n of movers) {
    const old = roleByKey.get(baseRoleKey(n.previousDepartment!))!;
    const kept = n.grants.filter((g) => g.sourceRef === old.id);
    problem("mover_kept_access", n, kept, `Moved from ${n.previousDepartment} to ${n.row.department} on ${String(n.row.attributes.movedAt)} but kept ${kept.length} grants of the "${old.name}" role`, { });
  }

  // Unused access: a few grants of long-tenured people not used for 90+ days.
  const unusedPeople = pickFrom(
    nodes.filter((n) => isActive(n) && n.scenario === "none" && n.startDay < -600 && n.grants.length > 3),
    scaled(0.005, 4),
  );
  const sensRank = { low: 0, medium: 1, high: 2, critical: 3 } as const;
  for (const n of unusedPeople) {
    const candidates = n.grants
      .filter((g) => g.status === "active" && g.expiresAt === null)
      .sort((a, b) => sensRank[entById.get(b.entitlementId)!.row.sensitivity] - sensRank[entById.get(a.entitlementId)!.row.sensitivity] || (a.id < b.id ? -1 : 1));
    const chosen = candidates.slice(0, rg.int(1, 3));
    for (const g of chosen) {
      const lu = -rg.int(UNUSED_DAYS + 5, 420);
      const gd = Math.max(n.startDay, lu - rg.int(30, 200));
      g.grantedAt = tsOf(gd, rg);
      g.lastUsedAt = tsOf(lu, rg);
    }
    const oldest = Math.min(...chosen.map((g) => dayOfTs(g.lastUsedAt!)));
    problem("unused_access", n, chosen, `${chosen.length} grant(s) not used for ${-oldest}+ days (threshold ${UNUSED_DAYS})`);
  }

  // SoD: people who hold one side naturally get the other through a request or by hand.
  const activeGrantIds = (n: Node) => new Set(n.grants.filter((g) => g.status === "active").map((g) => g.entitlementId));
  const perPolicy = Math.max(1, Math.round(N / 600));
  for (const pol of sodInfo) {
    const sideIds = new Set([...pol.a, ...pol.b].map((e) => e.id));
    let people = pickFrom(
      nodes.filter((n) => isActive(n) && n.scenario === "none" && n.row.employmentType === "employee" && [...activeGrantIds(n)].some((id) => sideIds.has(id))),
      perPolicy,
    );
    if (people.length < perPolicy) {
      people = [
        ...people,
        ...pickFrom(nodes.filter((n) => isActive(n) && n.scenario === "none" && n.row.department === pol.def.dept && n.row.employmentType === "employee"), perPolicy - people.length),
      ];
    }
    for (const n of people) {
      const has = activeGrantIds(n);
      const added: GrantRow[] = [];
      for (const side of [pol.a, pol.b]) {
        if (side.some((e) => has.has(e.id))) continue;
        const e = side[0]!;
        const gd = Math.max(n.startDay, -rg.int(10, 300));
        const manual = !e.row.requestable || rg.chance(0.4);
        added.push(
          addGrant(n, e, {
            source: manual ? "manual" : "request",
            grantedById: manual ? rg.pick(adminIds) : n.managerIdx >= 0 ? nodes[n.managerIdx]!.row.id : null,
            grantedAt: tsOf(gd, rg),
            lastUsedAt: tsOf(Math.max(gd, -rg.int(1, 30)), rg),
            reason: manual ? `Added by IT during an incident (INC-${rg.int(1000, 9999)})` : "Covering for a colleague on leave",
          }),
        );
      }
      const both = n.grants.filter((g) => g.status === "active" && sideIds.has(g.entitlementId));
      problem("sod_violation", n, both, `Holds both sides of "${pol.def.name}"`, { policyId: pol.id });
      void added;
    }
  }

  // Privileged outliers: people with many privileged grants, some of them outside IT.
  const privPool = [...ents.values()].filter((e) => e.row.privileged && !sodEntIds.has(e.id));
  const privCount = (n: Node) => n.grants.filter((g) => g.status === "active" && entById.get(g.entitlementId)!.row.privileged).length;
  const privK = scaled(0.004, 3);
  const privIt = Math.max(1, Math.round(privK * 0.4));
  const privPeople = [
    ...pickFrom(nodes.filter((n) => isActive(n) && n.scenario === "none" && n.row.department === "IT" && n.row.employmentType === "employee"), privIt),
    ...pickFrom(
      nodes.filter(
        (n) => isActive(n) && n.scenario === "none" && n.row.employmentType === "employee" && n.row.level >= 3 &&
          ["Engineering", "Data", "Finance", "Sales", "Customer Success", "Marketing"].includes(n.row.department),
      ),
      privK - privIt,
    ),
  ];
  for (const n of privPeople) {
    const target = PRIVILEGED_GRANT_THRESHOLD + rg.int(0, 3);
    const has = activeGrantIds(n);
    const added: GrantRow[] = [];
    for (const e of rg.shuffle(privPool)) {
      if (privCount(n) >= target) break;
      if (has.has(e.id)) continue;
      const gd = Math.max(n.startDay, -rg.int(20, 700));
      const manual = rg.chance(0.6);
      added.push(
        addGrant(n, e, {
          source: manual ? "manual" : "request",
          grantedById: manual ? rg.pick(adminIds) : n.managerIdx >= 0 ? nodes[n.managerIdx]!.row.id : null,
          grantedAt: tsOf(gd, rg),
          lastUsedAt: tsOf(Math.max(gd, -rg.int(1, 40)), rg),
          reason: manual ? `Emergency access during INC-${rg.int(1000, 9999)}; never removed` : "Need admin access to unblock the team",
        }),
      );
    }
    const all = n.grants.filter((g) => g.status === "active" && entById.get(g.entitlementId)!.row.privileged);
    problem("privileged_outlier", n, all, `${all.length} privileged grants (threshold ${PRIVILEGED_GRANT_THRESHOLD}) as ${n.row.title} in ${n.row.department}; ${added.length} added by hand or request`);
  }

  // -------------------------------------------------------------------------------------
  // Accounts and actual entitlements, from the final grants.
  const rc = new Rng(seed, "accounts");
  const accounts: AccountRow[] = [];
  const accountEntitlements: AccountEntitlementRow[] = [];
  const grants: GrantRow[] = [];
  const appCounter = APPLICATIONS.map(() => 1000);
  const accountsOf = new Map<string, AccountRow[]>();
  for (const n of nodes) {
    if (n.grants.length === 0) continue;
    const username = n.row.email.slice(0, n.row.email.indexOf("@"));
    const byApp = new Map<number, GrantRow[]>();
    for (const g of n.grants) {
      grants.push(g);
      const ai = entById.get(g.entitlementId)!.appIdx;
      const list = byApp.get(ai);
      if (list) list.push(g);
      else byApp.set(ai, [g]);
    }
    const mine: AccountRow[] = [];
    for (const [ai, gs] of byApp) {
      const live = gs.filter((g) => g.status === "active");
      let lastLogin: Date | null = null;
      let created = gs[0]!.grantedAt;
      for (const g of gs) {
        if (g.lastUsedAt && (!lastLogin || g.lastUsedAt > lastLogin)) lastLogin = g.lastUsedAt;
        if (g.grantedAt < created) created = g.grantedAt;
      }
      const disabled = live.length === 0;
      const acc: AccountRow = {
        id: uuid.next(),
        personId: n.row.id,
        applicationId: applications[ai]!.id,
        externalId: `${APPLICATIONS[ai]!.key}-${++appCounter[ai]!}`,
        username,
        status: disabled ? "disabled" : "active",
        lastLoginAt: lastLogin,
        reconState: null,
        createdAt: created,
        disabledAt: disabled ? gs[0]!.revokedAt : null,
      };
      accounts.push(acc);
      mine.push(acc);
      for (const g of live) accountEntitlements.push({ accountId: acc.id, entitlementId: g.entitlementId });
    }
    accountsOf.set(n.row.id, mine);
  }
  for (const p of planted) {
    const appIds = new Set(p.applicationKeys.map((k) => applications.find((a) => a.key === k)!.id));
    p.accountIds = (accountsOf.get(p.personId!) ?? []).filter((a) => appIds.has(a.applicationId) && a.status === "active").map((a) => a.id);
  }

  // Orphan accounts: found in the target, linked to nobody.
  const orphanSpecs: Array<[string, string[], string]> = [
    ["aws", ["aws:admin"], "svc-jenkins-legacy"],
    ["github", ["github:org-owner", "github:org-member"], "deploy-bot-old"],
    ["salesforce", ["salesforce:system-admin"], "integration.user"],
    ["postgres-prod", ["postgres-prod:db_owner"], "migration_tmp"],
    ["okta", ["okta:super-admin"], "breakglass.admin"],
    ["aws", ["aws:power-user"], "contractor-acme-1"],
    ["github", ["github:repo-write"], "qa-shared"],
    ["salesforce", ["salesforce:standard-user"], "former.sales.ops"],
  ];
  const orphanCount = scaled(0.0035, 3);
  for (let i = 0; i < orphanCount; i++) {
    const [appKey, refs, name] = orphanSpecs[i % orphanSpecs.length]!;
    const ai = APPLICATIONS.findIndex((a) => a.key === appKey);
    const round = Math.floor(i / orphanSpecs.length);
    const username = round === 0 ? name : `${name}-${round + 1}`;
    const lastDay = rc.chance(0.5) ? -rc.int(1, 20) : -rc.int(120, 700);
    const acc: AccountRow = {
      id: uuid.next(),
      personId: null,
      applicationId: applications[ai]!.id,
      externalId: `${appKey}-orphan-${i + 1}`,
      username,
      status: "active",
      lastLoginAt: tsOf(lastDay, rc),
      reconState: "orphan",
      createdAt: tsOf(lastDay - rc.int(100, 900), rc),
      disabledAt: null,
    };
    accounts.push(acc);
    const entIds = refs.map((r) => ent(r).id);
    for (const id of entIds) accountEntitlements.push({ accountId: acc.id, entitlementId: id });
    planted.push({
      kind: "orphan_account",
      personId: null,
      employeeId: null,
      applicationKeys: [appKey],
      entitlementIds: entIds,
      grantIds: [],
      accountIds: [acc.id],
      why: `Account "${username}" in ${APPLICATIONS[ai]!.name} belongs to nobody in HR and holds ${refs.map((r) => ent(r).row.name).join(", ")}`,
    });
  }

  // -------------------------------------------------------------------------------------
  // HR events (source "seed"): what the HR feed reported recently.
  const rh = new Rng(seed, "hr");
  const hrEvents: HrEventRow[] = [];
  const hrEvent = (n: Node, kind: HrEventRow["kind"], day: number, changes: HrEventRow["changes"], completed: boolean) => {
    const at = tsOf(Math.min(day, -1), rh);
    hrEvents.push({
      id: uuid.next(),
      personId: n.row.id,
      kind,
      source: "seed",
      changes,
      idempotencyKey: `seed:${n.row.employeeId}:${kind}`,
      status: completed ? "completed" : "received",
      effectiveAt: at,
      receivedAt: at,
      completedAt: completed ? new Date(at.getTime() + rh.int(60, 3600) * 1000) : null,
    });
  };
  for (const n of nodes) {
    const r = n.row;
    if (r.status === "pre_hire") hrEvent(n, "pre_hire", -rh.int(1, 20), { status: { from: null, to: "pre_hire" }, startDate: { from: null, to: r.startDate } }, true);
    else if (r.status === "terminated") hrEvent(n, "leaver", n.endDay!, { status: { from: "active", to: "terminated" }, endDate: { from: null, to: r.endDate } }, n.scenario !== "leaver");
    else if (r.status === "on_leave") hrEvent(n, "leave_start", n.leaveDay!, { status: { from: "active", to: "on_leave" } }, true);
    if (n.movedDay !== undefined) {
      hrEvent(n, "mover", n.movedDay, { department: { from: n.previousDepartment, to: r.department }, title: { from: r.attributes.previousTitle, to: r.title } }, n.scenario === "clean_mover");
    }
  }

  const personas = Object.fromEntries(DEMO_PERSONAS.map((k) => [k, personaNodes[k].row.id])) as Record<DemoPersona, string>;

  return {
    meta: { version: GENERATOR_VERSION, people: N, seed, day: dateOf(0) },
    people: nodes.map((n) => n.row),
    portalRoleAssignments,
    applications,
    applicationOwners,
    entitlements,
    roleTemplates,
    roleEntitlements,
    birthrightRules,
    sodPolicies,
    sodPolicyEntitlements,
    accounts,
    accountEntitlements,
    grants,
    hrEvents,
    planted,
    personas,
  };
}

/** Row counts per table, in load order. */
export function countRows(org: GeneratedOrg): Record<string, number> {
  return {
    people: org.people.length,
    portalRoleAssignments: org.portalRoleAssignments.length,
    applications: org.applications.length,
    applicationOwners: org.applicationOwners.length,
    entitlements: org.entitlements.length,
    roleTemplates: org.roleTemplates.length,
    roleEntitlements: org.roleEntitlements.length,
    birthrightRules: org.birthrightRules.length,
    sodPolicies: org.sodPolicies.length,
    sodPolicyEntitlements: org.sodPolicyEntitlements.length,
    accounts: org.accounts.length,
    accountEntitlements: org.accountEntitlements.length,
    grants: org.grants.length,
    hrEvents: org.hrEvents.length,
  };
}

export function plantedByKind(planted: PlantedProblem[]): Record<PlantedKind, number> {
  const out = Object.fromEntries(PLANTED_KINDS.map((k) => [k, 0])) as Record<PlantedKind, number>;
  for (const p of planted) out[p.kind] += 1;
  return out;
}

/** The person row of a demo persona. */
export function findPersona(org: Pick<GeneratedOrg, "people" | "personas">, persona: DemoPersona): PersonRow {
  const id = org.personas[persona];
  const p = org.people.find((x) => x.id === id);
  if (!p) throw new Error(`demo persona ${persona} not found`);
  return p;
}

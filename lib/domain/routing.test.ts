import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_ROUTING_POLICY,
  type RoutingItem,
  type RoutingPolicy,
  routeItem,
  routeRequest,
  shadowCompare,
  validateRoutingPolicy,
} from "./routing";

// Ben (the beneficiary) reports to Mia, who reports to Vic. Owners: Olga. Security: Sam, Sue.
const base: RoutingItem = {
  label: "GitHub Write",
  riskScore: 2,
  riskReasons: [],
  privileged: false,
  sensitivity: "medium",
  sodConflicts: [],
  peerAdoption: 0.8,
  beneficiary: { id: "ben", employmentType: "employee", managerId: "mia" },
  requesterId: "ben",
  requesterIsBeneficiary: true,
  applicationOwnerIds: ["olga"],
  securityApproverIds: ["sam", "sue"],
  managerId: "mia",
  managerChain: ["vic"],
};
const item = (o: Partial<RoutingItem>): RoutingItem => ({ ...base, ...o });
const contractor = (o: Partial<RoutingItem> = {}): RoutingItem =>
  item({ beneficiary: { id: "ben", employmentType: "contractor", sponsorId: "spon", managerId: "mia" }, ...o });

type Row = { name: string; item: RoutingItem; policy?: Partial<RoutingPolicy>; route: string; stages: Array<[string, string[]]>; reason?: RegExp };

const ROWS: Row[] = [
  { name: "low risk, common among peers → auto", item: item({}), route: "auto", stages: [], reason: /Approved automatically/ },
  { name: "boundaries: risk = 3 and adoption = 50% still auto", item: item({ riskScore: 3, peerAdoption: 0.5 }), route: "auto", stages: [] },
  { name: "moderate risk → manager", item: item({ riskScore: 4.5 }), route: "manager", stages: [["manager", ["mia"]]], reason: /4\.5 is above the auto-approval limit of 3/ },
  { name: "low risk but rare among peers → manager", item: item({ peerAdoption: 0.2 }), route: "manager", stages: [["manager", ["mia"]]], reason: /only 20% of comparable colleagues/ },
  { name: "high sensitivity, low risk → manager", item: item({ sensitivity: "high" }), route: "manager", stages: [["manager", ["mia"]]], reason: /highly sensitive/ },
  { name: "risk = managerMaxRisk (6) → manager", item: item({ riskScore: 6 }), route: "manager", stages: [["manager", ["mia"]]] },
  { name: "risk above 6 → owner then security", item: item({ riskScore: 6.01 }), route: "owner_security", stages: [["app_owner", ["olga"]], ["security", ["sam", "sue"]]], reason: /above the manager limit of 6/ },
  { name: "privileged, low risk → owner then security", item: item({ privileged: true }), route: "owner_security", stages: [["app_owner", ["olga"]], ["security", ["sam", "sue"]]], reason: /privileged/ },
  { name: "critical sensitivity → owner then security", item: item({ sensitivity: "critical" }), route: "owner_security", stages: [["app_owner", ["olga"]], ["security", ["sam", "sue"]]], reason: /critical/ },
  {
    name: "SoD require_approval → owner then security, policy named",
    item: item({ sodConflicts: [{ policyName: "Create vendor / pay vendor", action: "require_approval" }] }),
    route: "owner_security",
    stages: [["app_owner", ["olga"]], ["security", ["sam", "sue"]]],
    reason: /"Create vendor \/ pay vendor"/,
  },
  {
    name: "SoD block → blocked even at low risk, policy named",
    item: item({ sodConflicts: [{ policyName: "Payroll admin vs payroll approver", action: "block" }, { policyName: "Other", action: "require_approval" }] }),
    route: "blocked",
    stages: [],
    reason: /Blocked: .*"Payroll admin vs payroll approver"/,
  },
  { name: "contractor, low risk → sponsor (never auto)", item: contractor(), route: "manager", stages: [["sponsor", ["spon"]]], reason: /contractor/ },
  { name: "contractor, high risk → sponsor, owner, security", item: contractor({ riskScore: 9 }), route: "owner_security", stages: [["sponsor", ["spon"]], ["app_owner", ["olga"]], ["security", ["sam", "sue"]]] },
  { name: "contractor without sponsor → manager acts as sponsor", item: contractor({ beneficiary: { id: "ben", employmentType: "contractor", managerId: "mia" } }), route: "manager", stages: [["sponsor", ["mia"]]], reason: /no sponsor on record/ },
  { name: "contractorsNeedSponsor off → contractor can be auto", item: contractor(), policy: { contractorsNeedSponsor: false }, route: "auto", stages: [] },
  { name: "agent, low risk → its sponsor (never auto, even with contractorsNeedSponsor off)", item: item({ beneficiary: { id: "bot", employmentType: "agent", sponsorId: "spon", managerId: "spon" } }), policy: { contractorsNeedSponsor: false }, route: "manager", stages: [["sponsor", ["spon"]]], reason: /agent/ },
  { name: "agent requested by its sponsor → the sponsor's manager approves", item: item({ beneficiary: { id: "bot", employmentType: "agent", sponsorId: "spon", managerId: "spon" }, requesterId: "spon", requesterIsBeneficiary: false, managerChain: ["mia"] }), route: "manager", stages: [["sponsor", ["mia"]]] },
  { name: "intern is not a contractor", item: item({ beneficiary: { id: "ben", employmentType: "intern", managerId: "mia" } }), route: "auto", stages: [] },
  // Self-approval avoidance
  {
    name: "manager is the beneficiary → their own manager approves",
    item: item({ riskScore: 5, beneficiary: { id: "mia", employmentType: "employee", managerId: "mia" }, managerId: "mia", managerChain: ["vic"], requesterId: "mia" }),
    route: "manager",
    stages: [["manager", ["vic"]]],
    reason: /\(mia\) is the person receiving the access/,
  },
  {
    name: "manager is the beneficiary, nobody above → security",
    item: item({ riskScore: 5, beneficiary: { id: "mia", employmentType: "employee", managerId: "mia" }, managerId: "mia", managerChain: [], requesterId: "mia" }),
    route: "manager",
    stages: [["security", ["sam", "sue"]]],
    reason: /security approves/,
  },
  {
    name: "manager files for a report → skip-level manager (requester may not approve)",
    item: item({ riskScore: 5, requesterId: "mia", requesterIsBeneficiary: false }),
    route: "manager",
    stages: [["manager", ["vic"]]],
    reason: /\(mia\) filed the request/,
  },
  {
    name: "requesterMayApprove → the requesting manager approves",
    item: item({ riskScore: 5, requesterId: "mia", requesterIsBeneficiary: false }),
    policy: { requesterMayApprove: true },
    route: "manager",
    stages: [["manager", ["mia"]]],
  },
  {
    name: "application owner is the beneficiary → other owners only",
    item: item({ privileged: true, beneficiary: { id: "olga", employmentType: "employee", managerId: "mia" }, requesterId: "olga", applicationOwnerIds: ["olga", "otto"] }),
    route: "owner_security",
    stages: [["app_owner", ["otto"]], ["security", ["sam", "sue"]]],
  },
  {
    name: "sole application owner is the beneficiary → security only",
    item: item({ privileged: true, beneficiary: { id: "olga", employmentType: "employee", managerId: "mia" }, requesterId: "olga", applicationOwnerIds: ["olga"] }),
    route: "owner_security",
    stages: [["security", ["sam", "sue"]]],
    reason: /security reviews instead/,
  },
  {
    name: "security approver is the beneficiary → the other security approvers",
    item: item({ riskScore: 8, beneficiary: { id: "sam", employmentType: "employee", managerId: "mia" }, requesterId: "sam" }),
    route: "owner_security",
    stages: [["app_owner", ["olga"]], ["security", ["sue"]]],
  },
  {
    name: "no eligible approver at all → blocked, never self-approved",
    item: item({ riskScore: 5, beneficiary: { id: "sam", employmentType: "employee" }, managerId: null, managerChain: [], requesterId: "sam", securityApproverIds: ["sam"] }),
    route: "blocked",
    stages: [],
    reason: /blocked rather than self-approved/,
  },
  { name: "no manager on record → security", item: item({ riskScore: 5, managerId: null, beneficiary: { id: "ben", employmentType: "employee" }, managerChain: [] }), route: "manager", stages: [["security", ["sam", "sue"]]], reason: /no manager on record/ },
  // Missing data is conservative
  { name: "missing risk score → treated as high", item: item({ riskScore: Number.NaN }), route: "owner_security", stages: [["app_owner", ["olga"]], ["security", ["sam", "sue"]]], reason: /risk score is missing/ },
  { name: "unknown peer adoption → not auto", item: item({ peerAdoption: Number.NaN }), route: "manager", stages: [["manager", ["mia"]]] },
  // An edited policy
  { name: "stricter edited policy: auto limit 1", item: item({ riskScore: 2 }), policy: { autoApproveMaxRisk: 1 }, route: "manager", stages: [["manager", ["mia"]]] },
  { name: "looser edited policy: 30% adoption suffices", item: item({ peerAdoption: 0.35 }), policy: { autoApproveMinPeerAdoption: 0.3 }, route: "auto", stages: [] },
  { name: "invalid policy routes nothing", item: item({}), policy: { autoApproveMaxRisk: 8, managerMaxRisk: 5 }, route: "blocked", stages: [], reason: /policy is invalid/ },
];

describe("routeItem (table)", () => {
  it.each(ROWS.map((r) => [r.name, r] as const))("%s", (_n, row) => {
    const d = routeItem(row.item, { ...DEFAULT_ROUTING_POLICY, ...row.policy });
    expect(d.route).toBe(row.route);
    expect(d.stages.map((s) => [s.approverKind, s.approverIds])).toEqual(row.stages);
    expect(d.stages.map((s) => s.stage)).toEqual(row.stages.map((_, i) => i + 1));
    expect(d.reasons.length).toBeGreaterThan(0);
    if (row.reason) expect(d.reasons.join(" ")).toMatch(row.reason);
    for (const s of d.stages) expect(s.approverIds).not.toContain(row.item.beneficiary.id);
  });

  it("stages carry reminder and escalation timing from the policy, escalating upwards", () => {
    const d = routeItem(item({ riskScore: 5 }), { ...DEFAULT_ROUTING_POLICY, reminderHours: 8, escalationHours: 72 });
    expect(d.stages[0]).toMatchObject({ remindAfterHours: 8, escalateAfterHours: 72, escalateToIds: ["vic"] });
    const o = routeItem(item({ riskScore: 9 }));
    expect(o.stages[0]).toMatchObject({ approverKind: "app_owner", remindAfterHours: 24, escalateAfterHours: 48, escalateToIds: ["sam", "sue"] });
  });

  it("never routes to the beneficiary, never auto-approves privileged, contractor or conflicting items (property)", () => {
    const ids = fc.constantFrom("ben", "mia", "vic", "olga", "sam", "sue", "spon");
    const arb = fc.record({
      riskScore: fc.oneof(fc.double({ min: -2, max: 12, noNaN: true }), fc.constant(Number.NaN)),
      privileged: fc.boolean(),
      sensitivity: fc.constantFrom("low", "medium", "high", "critical" as const),
      sod: fc.array(fc.record({ policyName: fc.constantFrom("P1", "P2"), action: fc.constantFrom("block", "require_approval" as const) }), { maxLength: 2 }),
      peerAdoption: fc.double({ min: 0, max: 1, noNaN: true }),
      ben: ids,
      employmentType: fc.constantFrom("employee", "contractor", "intern"),
      sponsorId: fc.option(ids, { nil: undefined }),
      managerId: fc.option(ids, { nil: null }),
      chain: fc.array(ids, { maxLength: 2 }),
      owners: fc.array(ids, { maxLength: 2 }),
      security: fc.array(ids, { maxLength: 2 }),
      requesterId: ids,
    });
    fc.assert(
      fc.property(arb, (a) => {
        const it: RoutingItem = {
          riskScore: a.riskScore,
          riskReasons: [],
          privileged: a.privileged,
          sensitivity: a.sensitivity,
          sodConflicts: a.sod,
          peerAdoption: a.peerAdoption,
          beneficiary: { id: a.ben, employmentType: a.employmentType, sponsorId: a.sponsorId, managerId: a.managerId },
          requesterId: a.requesterId,
          requesterIsBeneficiary: a.requesterId === a.ben,
          applicationOwnerIds: a.owners,
          securityApproverIds: a.security,
          managerId: a.managerId,
          managerChain: a.chain,
        };
        const d = routeItem(it);
        expect(d.reasons.length).toBeGreaterThan(0);
        for (const s of d.stages) {
          expect(s.approverIds.length).toBeGreaterThan(0);
          expect(s.approverIds).not.toContain(a.ben);
          expect(s.approverIds).not.toContain(a.requesterId);
        }
        if (d.route === "auto") {
          expect(a.privileged || a.sod.length > 0 || a.employmentType === "contractor" || a.sensitivity === "critical").toBe(false);
          expect(a.riskScore).toBeLessThanOrEqual(3);
          expect(a.peerAdoption).toBeGreaterThanOrEqual(0.5);
        } else if (d.route !== "blocked") expect(d.stages.length).toBeGreaterThan(0);
        if (a.sod.some((c) => c.action === "block")) expect(d.route).toBe("blocked");
      }),
      { numRuns: 500 },
    );
  });
});

describe("routeRequest", () => {
  it("takes the strictest item and merges stages by kind in order", () => {
    const d = routeRequest([item({ label: "Slack" }), item({ label: "GitHub Admin", privileged: true, applicationOwnerIds: ["olga"] }), item({ label: "Jira", riskScore: 5 })]);
    expect(d.route).toBe("owner_security");
    expect(d.stages.map((s) => [s.stage, s.approverKind, s.approverIds, s.items])).toEqual([
      [1, "manager", ["mia"], [2]],
      [2, "app_owner", ["olga"], [1]],
      [3, "security", ["sam", "sue"], [1]],
    ]);
    expect(d.items.map((i) => i.route)).toEqual(["auto", "owner_security", "manager"]);
    expect(d.reasons.some((r) => r.startsWith("GitHub Admin: "))).toBe(true);
  });

  it("blocks the whole request when one item is blocked, and says which", () => {
    const d = routeRequest([item({ label: "Slack" }), item({ label: "Payroll", sodConflicts: [{ policyName: "Payroll SoD", action: "block" }] })]);
    expect(d.route).toBe("blocked");
    expect(d.stages).toEqual([]);
    expect(d.reasons.join(" ")).toMatch(/Payroll: Blocked: .*"Payroll SoD"/);
  });

  it("all auto → auto; empty → blocked with a reason", () => {
    expect(routeRequest([item({}), item({ riskScore: 1 })]).route).toBe("auto");
    expect(routeRequest([]).route).toBe("blocked");
  });
});

describe("validateRoutingPolicy", () => {
  it("accepts the defaults and explains bad edits", () => {
    expect(validateRoutingPolicy(DEFAULT_ROUTING_POLICY)).toEqual([]);
    expect(DEFAULT_ROUTING_POLICY).toMatchObject({ autoApproveMaxRisk: 3, autoApproveMinPeerAdoption: 0.5, managerMaxRisk: 6, contractorsNeedSponsor: true, escalationHours: 48, reminderHours: 24 });
    const errs = validateRoutingPolicy({ ...DEFAULT_ROUTING_POLICY, autoApproveMinPeerAdoption: 50, reminderHours: 72 });
    expect(errs).toHaveLength(2);
    expect(errs.join(" ")).toMatch(/between 0 and 1/);
    expect(errs.join(" ")).toMatch(/reminder should come before the escalation/);
  });
});

describe("shadowCompare", () => {
  it("counts agreement over the policy's automatic outcomes and false approvals", () => {
    const A = "approved" as const;
    const D = "denied" as const;
    const r = shadowCompare([
      { wouldRoute: "auto", humanDecision: A },
      { wouldRoute: "auto", humanDecision: A },
      { wouldRoute: "auto", humanDecision: A },
      { wouldRoute: "auto", humanDecision: D }, // false approval
      { wouldRoute: "blocked", humanDecision: D },
      { wouldRoute: "blocked", humanDecision: A }, // false block
      { wouldRoute: "manager", humanDecision: A },
      { wouldRoute: "manager", humanDecision: D },
      { wouldRoute: "owner_security", humanDecision: D },
      { wouldRoute: "owner_security", humanDecision: A },
    ]);
    expect(r.n).toBe(10);
    expect(r.agreement).toBeCloseTo(4 / 6, 10);
    expect(r.wouldBeFalseApprovals).toBe(1);
    expect(r.wouldBeFalseBlocks).toBe(1);
    expect(r.autoApprovalPrecision).toBeCloseTo(3 / 4, 10);
    expect(r.coverage).toBeCloseTo(0.6, 10);
    expect(r.byRoute.manager).toEqual({ approved: 1, denied: 1 });
  });

  it("has no agreement figure when the policy decides nothing, and handles an empty list", () => {
    expect(shadowCompare([{ wouldRoute: "manager", humanDecision: "approved" }])).toMatchObject({ n: 1, agreement: null, wouldBeFalseApprovals: 0, coverage: 0 });
    expect(shadowCompare([])).toMatchObject({ n: 0, agreement: null, autoApprovalPrecision: null, coverage: 0 });
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessRequestRisk, provisioningStateOf, reasonTexts, requestStatusOf, sodConflictsFor, type RequestRiskInput } from "./request-risk";

const base: RequestRiskInput = {
  label: "GitHub Read",
  level: "read",
  privileged: false,
  sensitivity: "low",
  peerAdoption: 0.8,
  peerCount: 10,
  peerGroup: "Engineers in Engineering",
  teamShare: 0.6,
  teamSize: 30,
  team: "Engineering",
  sodConflicts: [],
  employmentType: "employee",
  model: null,
  historySize: 0,
};
const r = (o: Partial<RequestRiskInput>) => assessRequestRisk({ ...base, ...o });

describe("assessRequestRisk", () => {
  const rows: Array<{ name: string; input: Partial<RequestRiskInput>; score: number; factors: string[] }> = [
    { name: "common read-only, no history → prior 1 − peers 1 = 0", input: {}, score: 0, factors: ["prior", "peers"] },
    { name: "edit + medium, 30% peers", input: { level: "edit", sensitivity: "medium", peerAdoption: 0.3 }, score: 2.5, factors: ["prior", "level", "sensitivity", "peers"] },
    { name: "rare among peers and in the team → anomaly", input: { peerAdoption: 0.1, teamShare: 0.02 }, score: 3.5, factors: ["prior", "peers", "anomaly"] },
    { name: "small team: no anomaly", input: { peerAdoption: 0.1, teamShare: 0, teamSize: 3 }, score: 2, factors: ["prior", "peers"] },
    { name: "privileged admin critical", input: { level: "admin", sensitivity: "critical", privileged: true, peerAdoption: 0, teamShare: 0 }, score: 10, factors: ["prior", "level", "sensitivity", "privileged", "peers", "anomaly"] },
    { name: "no peers at all", input: { peerCount: 0, peerAdoption: 0 }, score: 2, factors: ["prior", "peers"] },
    { name: "SoD require_approval", input: { sodConflicts: [{ policyName: "P", action: "require_approval" }] }, score: 3, factors: ["prior", "peers", "sod"] },
    { name: "SoD block → 10", input: { sodConflicts: [{ policyName: "P", action: "block" }] }, score: 10, factors: ["prior", "peers", "sod"] },
    { name: "contractor", input: { employmentType: "contractor" }, score: 1, factors: ["prior", "peers", "employment"] },
    {
      name: "learned model replaces the prior: 0.4 × model score",
      input: { model: { pApprove: 0.7, modelScore: 8, decisions: 120, reasons: ["entitlement=X is often denied"] }, historySize: 120 },
      score: 2.2,
      factors: ["history", "peers"],
    },
  ];
  for (const row of rows)
    it(row.name, () => {
      const out = r(row.input);
      expect(out.score).toBe(row.score);
      expect(out.reasons.map((x) => x.factor)).toEqual(row.factors);
    });

  it("names the policy, the peer share and the history in the reasons", () => {
    const out = r({ sodConflicts: [{ policyName: "Pay vendor vs create vendor", action: "require_approval" }], peerAdoption: 0.25 });
    const texts = out.reasons.map((x) => x.text).join(" | ");
    expect(texts).toMatch(/"Pay vendor vs create vendor"/);
    expect(texts).toMatch(/25% of Engineers in Engineering \(10\)/);
    expect(texts).toMatch(/Only 0 past decisions/);
    expect(reasonTexts(out.reasons).some((t) => t.startsWith("+3 "))).toBe(true);
  });

  it("the score is the clipped sum of the reason weights, always within 0..10", () => {
    fc.assert(
      fc.property(
        fc.record({
          level: fc.constantFrom("read" as const, "edit" as const, "admin" as const),
          privileged: fc.boolean(),
          sensitivity: fc.constantFrom("low" as const, "medium" as const, "high" as const, "critical" as const),
          peerAdoption: fc.double({ min: 0, max: 1, noNaN: true }),
          peerCount: fc.nat(50),
          teamShare: fc.double({ min: 0, max: 1, noNaN: true }),
          teamSize: fc.nat(200),
          employmentType: fc.constantFrom("employee", "contractor", "intern"),
          sodConflicts: fc.array(fc.record({ policyName: fc.string(), action: fc.constantFrom("block" as const, "require_approval" as const) }), { maxLength: 3 }),
        }),
        (o) => {
          const out = r(o);
          const sum = out.reasons.reduce((s, x) => s + x.weight, 0);
          expect(out.score).toBeGreaterThanOrEqual(0);
          expect(out.score).toBeLessThanOrEqual(10);
          if (!o.sodConflicts.some((c) => c.action === "block")) expect(out.score).toBeCloseTo(Math.min(10, Math.max(0, sum)), 0);
        },
      ),
    );
  });
});

describe("sodConflictsFor", () => {
  const pol = [
    { id: "p1", name: "Create vs pay", action: "block" as const, a: ["create"], b: ["pay", "pay2"] },
    { id: "p2", name: "Dev vs prod", action: "require_approval" as const, a: ["dev"], b: ["prod"] },
  ];
  it("charges a conflict to the requested side when the other side is held", () => {
    const m = sodConflictsFor(["pay"], ["create"], pol);
    expect(m.get("create")).toEqual([{ policyId: "p1", policyName: "Create vs pay", action: "block", withEntitlementIds: ["pay"] }]);
  });
  it("two requested items of opposite sides conflict with each other", () => {
    const m = sodConflictsFor([], ["dev", "prod"], pol);
    expect(m.get("dev")!.map((c) => c.policyId)).toEqual(["p2"]);
    expect(m.get("prod")!.map((c) => c.policyId)).toEqual(["p2"]);
  });
  it("no conflict without the other side; an existing conflict is not charged to an already-held item", () => {
    expect(sodConflictsFor(["x"], ["create"], pol).get("create")).toEqual([]);
    expect(sodConflictsFor(["create", "pay"], ["create"], pol).get("create")).toEqual([]);
  });
});

describe("status roll-ups", () => {
  it.each([
    [["pending", "approved"], "pending"],
    [["approved", "approved"], "approved"],
    [["approved", "denied"], "partially_approved"],
    [["denied"], "denied"],
    [["fulfilled"], "fulfilled"],
    [["cancelled", "cancelled"], "cancelled"],
  ] as const)("%j → %s", (items, want) => expect(requestStatusOf([...items])).toBe(want));

  it.each([
    [[], "manual"],
    [[{ status: "succeeded" }, { status: "succeeded" }], "provisioned"],
    [[{ status: "succeeded" }, { status: "pending" }], "not_started"],
    [[{ status: "succeeded" }, { status: "running" }], "in_progress"],
    [[{ status: "dead" }], "failed"],
  ] as const)("ops %j → %s", (ops, want) => expect(provisioningStateOf([...ops])).toBe(want));
});

import { describe, expect, it } from "vitest";
import { findDormant, findDrift, findOutliers, suggestLevels, type Person } from "./peers";
import { explainRoles, topDownTemplates } from "./attributes";

const people: Person[] = [
  { id: "a1", department: "Eng", title: "Dev", level: 2 },
  { id: "a2", department: "Eng", title: "Dev", level: 2 },
  { id: "a3", department: "Eng", title: "Dev", level: 2 },
  { id: "a4", department: "Eng", title: "Dev", level: 2 },
  { id: "x", department: "Eng", title: "Dev", level: 2 }, // planted outlier
  { id: "m1", department: "Eng", title: "Manager", level: 4 }, // alone in dept+title: falls back to department
  { id: "s1", department: "Solo", title: "Only", level: 1 }, // alone in department: falls back to organisation
];
const access = new Map<string, Set<string>>([
  ["a1", new Set(["git", "ci", "jira"])],
  ["a2", new Set(["git", "ci", "jira"])],
  ["a3", new Set(["git", "ci", "jira"])],
  ["a4", new Set(["git", "ci", "jira"])],
  ["x", new Set(["git", "payroll-admin", "finance-db"])],
  ["m1", new Set(["git", "jira", "budget"])],
  ["s1", new Set(["git"])],
]);

describe("peer outliers", () => {
  const found = findOutliers(people, access);
  it("ranks the planted outlier first, with the entitlements that differ and their rarity", () => {
    expect(found[0].person).toBe("x");
    expect(found[0].peerGroup).toMatchObject({ basis: "department+title", size: 4 });
    expect(found[0].unusual.map((u) => u.entitlement).sort()).toEqual(["finance-db", "payroll-admin"]);
    expect(found[0].unusual.every((u) => u.peerShare === 0)).toBe(true);
    expect(found[0].missing.map((m) => m.entitlement).sort()).toEqual(["ci", "jira"]);
    expect(found[0].reasons.join("\n")).toMatch(/holds payroll-admin, which none of 4 peers/);
  });
  it("never skips a person: fallback to department, then organisation", () => {
    expect(found.map((f) => f.person).sort()).toEqual(people.map((p) => p.id).sort());
    expect(found.find((f) => f.person === "m1")!.peerGroup.basis).toBe("department");
    const s1 = found.find((f) => f.person === "s1")!;
    expect(s1.peerGroup.basis).toBe("organisation");
    expect(s1.reasons[0]).toMatch(/fewer than 2 peers/);
  });
  it("a person alone in the organisation is reported, not skipped", () => {
    const alone = findOutliers([{ id: "z" }], new Map([["z", new Set(["a"])]]));
    expect(alone).toHaveLength(1);
    expect(alone[0].peerGroup.basis).toBe("none");
    expect(alone[0].reasons[0]).toMatch(/no peers/);
  });
});

describe("dormant access", () => {
  const now = new Date("2025-06-30T00:00:00Z");
  it("finds grants unused for N days and never-used old grants", () => {
    const found = findDormant(
      [
        { person: "a1", entitlement: "git", lastUsed: "2025-06-29" },
        { person: "a1", entitlement: "old-vpn", lastUsed: "2025-01-01" },
        { person: "a2", entitlement: "never", lastUsed: null, grantedAt: "2024-12-01" },
        { person: "a2", entitlement: "new", lastUsed: null, grantedAt: "2025-06-20" },
      ],
      { now, days: 90 },
    );
    expect(found.map((f) => f.entitlement).sort()).toEqual(["never", "old-vpn"]);
    expect(found.find((f) => f.entitlement === "old-vpn")!.reasons[0]).toMatch(/last used old-vpn 180 days ago/);
    expect(found.find((f) => f.entitlement === "never")!.reasons[0]).toMatch(/never used/);
  });
});

describe("drift", () => {
  it("lists access outside every role the attributes give", () => {
    const expected = new Map([
      ["a1", new Set(["git", "ci", "jira"])],
      ["x", new Set(["git", "ci", "jira"])],
    ]);
    const found = findDrift(access, expected);
    const x = found.find((f) => f.person === "x")!;
    expect(x.outside).toEqual(["finance-db", "payroll-admin"]);
    expect(x.reasons[0]).toMatch(/no role given by their attributes grants/);
    expect(found.find((f) => f.person === "a1")).toBeUndefined();
    expect(found.find((f) => f.person === "s1")!.reasons[0]).toMatch(/no role applies/);
  });
});

describe("suggested permission level", () => {
  it("follows peers at the same seniority, with a reason", () => {
    const ppl: Person[] = [
      { id: "j1", level: 1 }, { id: "j2", level: 1 }, { id: "j3", level: 1 }, { id: "d1", level: 5 }, { id: "d2", level: 5 },
    ];
    const s = suggestLevels(ppl, [
      { person: "j1", entitlement: "CRM", level: "read" },
      { person: "j2", entitlement: "CRM", level: "read" },
      { person: "j3", entitlement: "CRM", level: "admin" },
      { person: "d1", entitlement: "CRM", level: "admin" },
      { person: "d2", entitlement: "CRM", level: "admin" },
    ]);
    const j3 = s.find((x) => x.person === "j3")!;
    expect(j3.suggested).toBe("read");
    expect(j3.reasons.join(" ")).toMatch(/2 of 2 peers at seniority 1 hold read/);
    expect(j3.reasons.join(" ")).toMatch(/more than suggested/);
    expect(s.find((x) => x.person === "d1")!.suggested).toBe("admin");
  });
});

describe("attribute suggestions", () => {
  const attrs = Object.fromEntries(people.map((p) => [p.id, { department: p.department, title: p.title, level: p.level }]));
  it("explains a role by attribute conditions with coverage and precision", () => {
    const [ex] = explainRoles([{ users: ["a1", "a2", "a3", "a4", "x"] }], attrs);
    const best = ex.conditions[0];
    expect(best.conditions).toEqual([{ attribute: "title", value: "Dev" }]);
    expect(best.coverage).toBe(1);
    expect(best.precision).toBe(1);
    expect(ex.conditions.some((c) => c.conditions.length === 2)).toBe(true);
  });
  it("builds top-down templates and lists inconsistent entitlements", () => {
    const t = topDownTemplates(attrs, access);
    const dev = t.find((g) => g.group.title === "Dev")!;
    expect(dev.template.map((e) => e.entitlement)).toEqual(["git", "ci", "jira"]);
    // x's two extra entitlements are held by 1 of 5 = 20 %: the lower edge of the inconsistent band
    expect(dev.inconsistent.map((e) => e.entitlement).sort()).toEqual(["finance-db", "payroll-admin"]);
    const t2 = topDownTemplates(attrs, access, { threshold: 0.9, low: 0.5 });
    expect(t2.find((g) => g.group.title === "Dev")!.inconsistent.map((e) => e.entitlement).sort()).toEqual(["ci", "jira"]);
  });
});

import { describe, expect, it } from "vitest";
import { personSummary, staleNotice, tallySummary, triageItem, type TriageFacts } from "./review-triage";

const now = new Date("2026-11-20T12:00:00Z");
const daysBefore = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();

const base: TriageFacts = {
  person: { status: "active", employmentType: "employee", endDate: null, department: "Engineering" },
  grant: { source: "birthright", grantedAt: daysBefore(400), lastUsedAt: daysBefore(3) },
  entitlementName: "Repository write",
  privileged: false,
  givenByCurrentRole: true,
  peerShare: 0.92,
  peerCount: 25,
  sodConflicts: [],
  system: { name: "GitHub", lastReconciledAt: daysBefore(1) },
};
type Patch = { [K in keyof TriageFacts]?: Partial<TriageFacts[K]> | TriageFacts[K] };
const with_ = (p: Patch): TriageFacts => {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(p)) {
    const cur = (base as Record<string, unknown>)[k];
    out[k] = cur && typeof cur === "object" && !Array.isArray(cur) && v && typeof v === "object" && !Array.isArray(v) ? { ...cur, ...v } : v;
  }
  return out as TriageFacts;
};

const cases: Array<{ name: string; facts: TriageFacts; rec: "no_action" | "review" | "remove"; first: RegExp }> = [
  { name: "normal access by role, peers, recent use", facts: base, rec: "no_action", first: /^no action needed: same role, 92% of 25 peers have it, used 3 days ago, granted by policy$/ },
  { name: "requested access most peers hold", facts: with_({ grant: { source: "request" }, givenByCurrentRole: false, peerShare: 0.8 }), rec: "no_action", first: /80% of 25 peers.*requested and approved/ },
  // planted: leaver_with_access
  { name: "leaver", facts: with_({ person: { status: "terminated", endDate: "2026-10-01" } }), rec: "remove", first: /^removal recommended: person left on 2026-10-01$/ },
  // planted: contractor_past_end
  { name: "contractor past end date", facts: with_({ person: { employmentType: "contractor", endDate: "2026-09-30" } }), rec: "remove", first: /^removal recommended: contract ended on 2026-09-30/ },
  // planted: unused_access
  { name: "unused 143 days", facts: with_({ grant: { lastUsedAt: daysBefore(143) } }), rec: "review", first: /^review recommended: unused for 143 days$/ },
  { name: "never used, granted 200 days ago", facts: with_({ grant: { lastUsedAt: null, grantedAt: daysBefore(200) } }), rec: "review", first: /never used in the 200 days/ },
  // planted: mover_kept_access
  {
    name: "mover kept old birthright",
    facts: with_({ person: { previousDepartment: "Sales", movedAt: "2026-08-01" }, givenByCurrentRole: false, peerShare: 0.04 }),
    rec: "remove",
    first: /^removal recommended: moved from Sales to Engineering on 2026-08-01; their current role does not give it$/,
  },
  {
    name: "mover kept requested access",
    facts: with_({ person: { previousDepartment: "Sales", movedAt: "2026-08-01" }, grant: { source: "request" }, givenByCurrentRole: false, peerShare: 0.3 }),
    rec: "review",
    first: /^review recommended: moved from Sales on 2026-08-01/,
  },
  {
    name: "mover's adopted access most of the new peers hold (the new team's group)",
    facts: with_({ person: { previousDepartment: "Sales", movedAt: "2026-08-01" }, grant: { source: "adopted" }, givenByCurrentRole: false, peerShare: 0.9 }),
    rec: "no_action",
    first: /^no action needed: 90% of 25 peers have it/,
  },
  {
    name: "mover's adopted access few new peers hold (left over from the old team)",
    facts: with_({ person: { previousDepartment: "Sales", movedAt: "2026-08-01" }, grant: { source: "adopted" }, givenByCurrentRole: false, peerShare: 0.05 }),
    rec: "review",
    first: /^review recommended: moved from Sales on 2026-08-01; check it is still needed in Engineering$/,
  },
  // planted: sod_violation
  { name: "SoD side added by hand", facts: with_({ grant: { source: "manual" }, givenByCurrentRole: false, peerShare: 0.01, sodConflicts: ["Create vendor vs pay vendor"] }), rec: "remove", first: /^removal recommended: conflicts with separation-of-duties policy "Create vendor vs pay vendor"$/ },
  { name: "SoD side the role gives", facts: with_({ sodConflicts: ["Create vendor vs pay vendor"] }), rec: "review", first: /current role gives this side/ },
  // planted: privileged_outlier
  { name: "privileged not by role", facts: with_({ grant: { source: "manual" }, privileged: true, givenByCurrentRole: false, peerShare: 0.02 }), rec: "review", first: /^review recommended: privileged access not given by their role \(2% of 25 peers have it\)$/ },
  {
    name: "privilege accumulation: even a role-given privileged entitlement",
    facts: with_({ privileged: true, privilegedHeld: 7, peerPrivilegedMedian: 1, peerGroupName: "IT" }),
    rec: "review",
    first: /^review recommended: one of 7 privileged entitlements they hold \(peers in IT typically hold 1\)$/,
  },
  { name: "many privileged entitlements like the peers", facts: with_({ privileged: true, privilegedHeld: 7, peerPrivilegedMedian: 6 }), rec: "no_action", first: /^no action needed/ },
  { name: "few privileged entitlements", facts: with_({ privileged: true, privilegedHeld: 3, peerPrivilegedMedian: 0 }), rec: "no_action", first: /^no action needed/ },
  { name: "rare among peers", facts: with_({ grant: { source: "request" }, givenByCurrentRole: false, peerShare: 0.1 }), rec: "review", first: /rare among peers: only 10% of 25 peers/ },
  { name: "drift without a move", facts: with_({ givenByCurrentRole: false }), rec: "remove", first: /no current role gives it any more/ },
  { name: "on leave", facts: with_({ person: { status: "on_leave" } }), rec: "review", first: /person is on leave/ },
  {
    name: "rare access a manager approved 2 days ago",
    facts: with_({ grant: { source: "request", grantedAt: daysBefore(2), lastUsedAt: null, approvedBy: "Sandra Lefebvre" }, givenByCurrentRole: false, peerShare: 0.1 }),
    rec: "no_action",
    first: /^no action needed: approved by Sandra Lefebvre 2 days ago \(access request\)$/,
  },
  {
    name: "rare access approved 45 days ago",
    facts: with_({ grant: { source: "request", grantedAt: daysBefore(45), approvedBy: "Sandra Lefebvre" }, givenByCurrentRole: false, peerShare: 0.1 }),
    rec: "review",
    first: /rare among peers/,
  },
  {
    name: "recently approved but one side of an SoD conflict",
    facts: with_({ grant: { source: "request", grantedAt: daysBefore(1), approvedBy: "Sandra Lefebvre" }, givenByCurrentRole: true, sodConflicts: ["Pay and approve"] }),
    rec: "review",
    first: /separation-of-duties/,
  },
  { name: "no peers, recent request", facts: with_({ grant: { source: "request" }, givenByCurrentRole: false, peerShare: null, peerCount: 0 }), rec: "no_action", first: /no peers to compare with/ },
];

describe("triageItem", () => {
  it.each(cases)("$name → $rec", ({ facts, rec, first }) => {
    const t = triageItem(facts, { now });
    expect(t.recommendation).toBe(rec);
    expect(t.reasons[0]).toMatch(first);
  });

  it("a leaver with dormant access keeps every reason, strongest first", () => {
    const t = triageItem(with_({ person: { status: "terminated", endDate: "2026-10-01" }, grant: { lastUsedAt: daysBefore(120) } }), { now });
    expect(t.reasons).toEqual(["removal recommended: person left on 2026-10-01", "unused for 120 days"]);
  });

  it("flags stale data without changing the recommendation", () => {
    const t = triageItem(with_({ system: { name: "Salesforce", lastReconciledAt: daysBefore(9) } }), { now });
    expect(t.recommendation).toBe("no_action");
    expect(t.stale).toBe("stale data: Salesforce last reconciled 9 days ago");
    expect(staleNotice({ name: "Jira", lastReconciledAt: null }, now)).toBe("stale data: Jira has never been reconciled");
    expect(staleNotice({ name: "Jira", lastReconciledAt: daysBefore(2) }, now)).toBeNull();
  });

  it("thresholds are parameters", () => {
    const f = with_({ grant: { lastUsedAt: daysBefore(40) } });
    expect(triageItem(f, { now }).recommendation).toBe("no_action");
    expect(triageItem(f, { now, dormantDays: 30 }).reasons[0]).toBe("review recommended: unused for 40 days");
  });
});

describe("personSummary", () => {
  it("leads with the count and the strongest finding", () => {
    const s = personSummary({ name: "Ada Lovelace", title: "Engineer", department: "Engineering" }, [
      { recommendation: "no_action", reasons: ["no action needed: same role"] },
      { recommendation: "no_action", reasons: ["no action needed: same role"] },
      { recommendation: "review", reasons: ["review recommended: unused for 143 days"] },
      { recommendation: "remove", reasons: ["removal recommended: person left on 2026-10-01"] },
    ]);
    expect(s).toBe("Ada Lovelace (Engineer, Engineering): 4 items; 2 need no action, 1 to review, 1 removal recommended (person left on 2026-10-01).");
  });
  it("stays true as the reviewer decides: counts what is still open, then says when all is decided", () => {
    const items = [
      { recommendation: "no_action" as const, reasons: ["no action needed: same role"], decision: "keep" as const },
      { recommendation: "review" as const, reasons: ["review recommended: unused for 143 days"], decision: null },
      { recommendation: "remove" as const, reasons: ["removal recommended: person left on 2026-10-01"], decision: "revoke" as const },
    ];
    expect(personSummary({ name: "Ada" }, items)).toBe("Ada: 3 items; 2 decided (1 kept, 1 revoked); still open: 1 to review.");
    expect(personSummary({ name: "Ada" }, items.map((i) => ({ ...i, decision: i.decision ?? ("keep" as const) })))).toBe("Ada: 3 items, all decided: 2 kept, 1 revoked.");
  });
  it("all clean", () => {
    expect(personSummary({ name: "Bo" }, [{ recommendation: "no_action", reasons: [] }])).toBe("Bo: 1 item, all consistent with their role and peers; no action needed.");
  });
  it("from a tally (the paged board: every item of the person, only the lead reason of removals) it says the same", () => {
    const tally = [
      { id: "1", recommendation: "no_action" as const, decision: "keep" as const, lead: null },
      { id: "2", recommendation: "remove" as const, decision: null, lead: "removal recommended: person left on 2026-10-01" },
      { id: "3", recommendation: "review" as const, decision: null, lead: null },
    ];
    expect(tallySummary({ name: "Ada" }, tally)).toBe("Ada: 3 items; 1 decided (1 kept); still open: 1 to review, 1 removal recommended (person left on 2026-10-01).");
    expect(tallySummary({ name: "Ada" }, tally)).toBe(personSummary({ name: "Ada" }, tally.map((t) => ({ ...t, reasons: t.lead ? [t.lead] : ["other reason"] }))));
  });
});

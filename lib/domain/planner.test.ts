import { describe, expect, it } from "vitest";
import {
  operationKey,
  plan,
  type AppPolicy,
  type KnownAccount,
  type OpenOperation,
  type PersonStatus,
  type PlannedOperation,
  type PlannerApp,
  type PlannerInput,
} from "./planner";

const NOW = new Date("2026-03-01T12:00:00Z");
const P = "person-1";
const profile = { userName: "ada", givenName: "Ada", familyName: "Lovelace", displayName: "Ada Lovelace", email: "ada@x.test" };
const policy = (p: Partial<AppPolicy> = {}): AppPolicy => ({ deprovisionAction: "disable", retentionDays: 30, criticality: "medium", supportsSessionRevoke: false, ...p });
const account = (status: KnownAccount["status"], disabledAt: Date | null = null): KnownAccount => ({ id: "acc-1", status, externalId: "x-1", username: "ada", disabledAt });
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

type AppCase = Partial<PlannerApp> & { applicationId?: string };
const app = (c: AppCase = {}): PlannerApp => ({ applicationId: "app-a", policy: policy(), desired: [], account: null, actual: [], pending: [], ...c });
const input = (status: PersonStatus, apps: PlannerApp[]): PlannerInput => ({ personId: P, status, profile, apps, now: NOW });

/** Compact form of a plan: "kind[:entitlement]@app". */
const brief = (ops: PlannedOperation[]) => ops.map((o) => `${o.kind}${o.entitlementId ? `:${o.entitlementId}` : ""}@${o.applicationId}`);

/** What the outbox would hold after storing a plan: the open operations, in order. */
const asPending = (ops: PlannedOperation[]): OpenOperation[] =>
  ops.map((o) => ({ kind: o.kind, entitlementId: o.entitlementId, idempotencyKey: o.idempotencyKey, active: (o.payload.spec as { active?: boolean } | undefined)?.active }));

const cases: Array<{ name: string; status: PersonStatus; apps: PlannerApp[]; expect: string[] }> = [
  { name: "active, access, no account → create then grant", status: "active", apps: [app({ desired: ["e2", "e1"] })], expect: ["create_account@app-a", "grant:e1@app-a", "grant:e2@app-a"] },
  { name: "active, in sync → nothing", status: "active", apps: [app({ desired: ["e1"], account: account("active"), actual: ["e1"] })], expect: [] },
  { name: "active, new access on existing account → grant only", status: "active", apps: [app({ desired: ["e1", "e2"], account: account("active"), actual: ["e1"] })], expect: ["grant:e2@app-a"] },
  { name: "active, access no longer desired → revoke", status: "active", apps: [app({ desired: ["e1"], account: account("active"), actual: ["e1", "e9"] })], expect: ["revoke:e9@app-a"] },
  { name: "active, disabled account with access → enable (then grant)", status: "active", apps: [app({ desired: ["e1", "e2"], account: account("disabled", daysAgo(3)), actual: ["e1"] })], expect: ["enable@app-a", "grant:e2@app-a"] },
  { name: "active, nothing desired any more → revoke all then disable", status: "active", apps: [app({ desired: [], account: account("active"), actual: ["e1", "e2"] })], expect: ["revoke:e1@app-a", "revoke:e2@app-a", "disable@app-a"] },
  { name: "active, nothing desired, delete-on-deprovision app → revoke, disable, delete", status: "active", apps: [app({ policy: policy({ deprovisionAction: "delete" }), account: account("active"), actual: ["e1"] })], expect: ["revoke:e1@app-a", "disable@app-a", "delete@app-a"] },
  { name: "active, deleted account and access → create again", status: "active", apps: [app({ desired: ["e1"], account: account("deleted"), actual: ["e1"] })], expect: ["create_account@app-a", "grant:e1@app-a"] },
  { name: "active, no access and no account → nothing", status: "active", apps: [app()], expect: [] },
  { name: "active, disabled unneeded account within retention → nothing", status: "active", apps: [app({ account: account("disabled", daysAgo(10)) })], expect: [] },
  { name: "active, disabled unneeded account past retention → delete", status: "active", apps: [app({ account: account("disabled", daysAgo(30)) })], expect: ["delete@app-a"] },
  { name: "pre-hire → account created disabled, access prepared", status: "pre_hire", apps: [app({ desired: ["e1"] })], expect: ["create_account@app-a", "grant:e1@app-a"] },
  { name: "pre-hire with an active account → disable", status: "pre_hire", apps: [app({ desired: ["e1"], account: account("active"), actual: ["e1"] })], expect: ["disable@app-a"] },
  { name: "on leave → disable, entitlements kept (escrow)", status: "on_leave", apps: [app({ desired: ["e1"], account: account("active"), actual: ["e1"] })], expect: ["disable@app-a"] },
  { name: "on leave, already disabled → nothing (no delete while on leave)", status: "on_leave", apps: [app({ desired: ["e1"], account: account("disabled", daysAgo(400)), actual: ["e1"] })], expect: [] },
  { name: "on leave, no account → nothing is created", status: "on_leave", apps: [app({ desired: ["e1"] })], expect: [] },
  {
    name: "terminated → critical/high apps first (sessions, then disable), then the rest",
    status: "terminated",
    apps: [
      app({ applicationId: "low", policy: policy({ criticality: "low" }), account: account("active"), actual: ["e1"] }),
      app({ applicationId: "crit", policy: policy({ criticality: "critical", supportsSessionRevoke: true }), account: account("active"), actual: ["e2"] }),
      app({ applicationId: "high", policy: policy({ criticality: "high" }), account: account("active") }),
    ],
    expect: ["revoke_sessions@crit", "disable@crit", "revoke:e2@crit", "disable@high", "disable@low", "revoke:e1@low"],
  },
  { name: "terminated, default leaver policy → disable, then every membership revoked", status: "terminated", apps: [app({ account: account("active"), actual: ["e2", "e1"] })], expect: ["disable@app-a", "revoke:e1@app-a", "revoke:e2@app-a"] },
  { name: "terminated, leaver policy 'disable' → memberships kept until the delete", status: "terminated", apps: [app({ policy: policy({ leaverPolicy: "disable" }), account: account("active"), actual: ["e1"] })], expect: ["disable@app-a"] },
  { name: "terminated, already disabled but still a member → the membership is revoked (converges)", status: "terminated", apps: [app({ account: account("disabled", daysAgo(3)), actual: ["e1"] })], expect: ["revoke:e1@app-a"] },
  { name: "terminated, policy 'disable', retention passed → delete (memberships go with the account)", status: "terminated", apps: [app({ policy: policy({ leaverPolicy: "disable" }), account: account("disabled", daysAgo(31)), actual: ["e1"] })], expect: ["delete@app-a"] },
  { name: "terminated, delete-on-deprovision with memberships → disable then delete (no separate revokes)", status: "terminated", apps: [app({ policy: policy({ deprovisionAction: "delete" }), account: account("active"), actual: ["e1"] })], expect: ["disable@app-a", "delete@app-a"] },
  { name: "terminated, delete-on-deprovision → disable then delete", status: "terminated", apps: [app({ policy: policy({ deprovisionAction: "delete" }), account: account("active") })], expect: ["disable@app-a", "delete@app-a"] },
  { name: "terminated, disabled within retention → nothing", status: "terminated", apps: [app({ account: account("disabled", daysAgo(29)) })], expect: [] },
  { name: "terminated, retention passed → delete", status: "terminated", apps: [app({ account: account("disabled", daysAgo(31)) })], expect: ["delete@app-a"] },
  { name: "terminated, no account → nothing", status: "terminated", apps: [app({ desired: ["e1"] })], expect: [] },
  {
    name: "pending create_account is not planned again; only the missing grant",
    status: "active",
    apps: [app({ desired: ["e1", "e2"], pending: [{ kind: "create_account", idempotencyKey: operationKey("create_account", "app-a", P), active: true }, { kind: "grant", entitlementId: "e1", idempotencyKey: operationKey("grant", "app-a", P, "e1") }] })],
    expect: ["grant:e2@app-a"],
  },
  {
    name: "a pending grant no longer desired is revoked after it",
    status: "active",
    apps: [app({ desired: [], account: account("active"), pending: [{ kind: "grant", entitlementId: "e1", idempotencyKey: operationKey("grant", "app-a", P, "e1") }] })],
    expect: ["revoke:e1@app-a", "disable@app-a"],
  },
];

describe("planner", () => {
  for (const c of cases) {
    it(c.name, () => {
      const ops = plan(input(c.status, c.apps));
      expect(brief(ops)).toEqual(c.expect);
      // Sequences strictly increase in plan order.
      ops.forEach((o, i) => expect(o.sequence).toBe(i));
      for (const o of ops) expect(o.reason.length).toBeGreaterThan(10);
    });

    it(`${c.name}: idempotent (planning against actual + pending yields nothing new)`, () => {
      const first = plan(input(c.status, c.apps));
      const again = c.apps.map((a) => ({ ...a, pending: [...a.pending, ...asPending(first.filter((o) => o.applicationId === a.applicationId))] }));
      expect(plan(input(c.status, again))).toEqual([]);
    });
  }

  it("grants depend on the create in the same plan; delete depends on disable", () => {
    const ops = plan(input("active", [app({ desired: ["e1"] })]));
    expect(ops[1]!.dependsOnKey).toBe(ops[0]!.idempotencyKey);
    const leaver = plan(input("terminated", [app({ policy: policy({ deprovisionAction: "delete" }), account: account("active") })]));
    expect(leaver[1]!.kind).toBe("delete");
    expect(leaver[1]!.dependsOnKey).toBe(leaver[0]!.idempotencyKey);
  });

  it("grants depend on a create_account that is already pending", () => {
    const createKey = operationKey("create_account", "app-a", P);
    const ops = plan(input("active", [app({ desired: ["e1"], pending: [{ kind: "create_account", idempotencyKey: createKey, active: true }] })]));
    expect(ops.map((o) => [o.kind, o.dependsOnKey])).toEqual([["grant", createKey]]);
  });

  it("pre-hire accounts are created disabled; active ones enabled", () => {
    const pre = plan(input("pre_hire", [app({ desired: ["e1"] })]));
    expect(pre[0]!.payload).toMatchObject({ spec: { userName: "ada", active: false, personId: P } });
    const act = plan(input("active", [app({ desired: ["e1"] })]));
    expect(act[0]!.payload).toMatchObject({ spec: { active: true } });
  });

  it("keys follow kind:application:person:entitlement and the account id is carried", () => {
    const ops = plan(input("active", [app({ desired: ["e1", "e2"], account: account("active"), actual: ["e1", "e3"] })]));
    expect(ops.map((o) => o.idempotencyKey)).toEqual([`revoke:app-a:${P}:e3`, `grant:app-a:${P}:e2`]);
    expect(ops.every((o) => o.accountId === "acc-1")).toBe(true);
  });

  it("a rehire with a disabled account and old entitlements gets only what is granted now", () => {
    const ops = plan(input("active", [app({ desired: ["e2"], account: account("disabled", daysAgo(5)), actual: ["e1"] })]));
    expect(brief(ops)).toEqual(["enable@app-a", "revoke:e1@app-a", "grant:e2@app-a"]);
  });

  it("HR detail changes are pushed with update_account (only fields the target is known to hold)", () => {
    const known = { ...account("active"), profile: { displayName: "Ada Lovelace", title: "Engineer", email: "ada@x.test" } };
    const moved = { ...profile, title: "Staff Engineer", department: "Research" };
    const ops = plan({ ...input("active", [app({ desired: ["e1"], account: known, actual: ["e1"] })]), profile: moved });
    expect(brief(ops)).toEqual(["update_account@app-a"]);
    expect(ops[0]!.payload).toEqual({ changes: { title: "Staff Engineer" } });
    // Unknown profile (e.g. imported accounts): nothing to compare, no update.
    expect(plan({ ...input("active", [app({ desired: ["e1"], account: account("active"), actual: ["e1"] })]), profile: moved })).toEqual([]);
    // Pending: not planned twice.
    const again = plan({ ...input("active", [app({ desired: ["e1"], account: known, actual: ["e1"], pending: asPending(ops) })]), profile: moved });
    expect(again).toEqual([]);
  });

  it("the plan is a function of its input (same input, same output)", () => {
    const i = input("terminated", [app({ policy: policy({ criticality: "high", supportsSessionRevoke: true }), account: account("active") }), app({ applicationId: "b", account: account("active") })]);
    expect(plan(i)).toEqual(plan(structuredClone(i)));
  });
});

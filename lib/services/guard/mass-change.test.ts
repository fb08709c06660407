import { describe, expect, it } from "vitest";
import { countRemovals, judge, type Removal } from "./mass-change";

const t = { peoplePct: 5, minPeople: 5, maxAccounts: 25 };

describe("mass-change guard rule", () => {
  it.each([
    // people, accounts, grants, active people → held?
    { c: { people: 0, accounts: 0, grants: 0 }, active: 300, held: false },
    { c: { people: 15, accounts: 15, grants: 15 }, active: 300, held: false }, // exactly 5%: not more
    { c: { people: 16, accounts: 0, grants: 16 }, active: 300, held: true }, // more than 5% of 300
    { c: { people: 4, accounts: 4, grants: 4 }, active: 10, held: false }, // 40%, but fewer than minPeople
    { c: { people: 5, accounts: 0, grants: 5 }, active: 10, held: true },
    { c: { people: 1, accounts: 26, grants: 0 }, active: 10_000, held: true }, // one person, many accounts
    { c: { people: 10, accounts: 25, grants: 25 }, active: 10_000, held: false }, // 25 is allowed
    { c: { people: 10, accounts: 0, grants: 34, touched: 30 }, active: 10_000, held: true }, // the 34 revokes, on 30 accounts
    { c: { people: 1, accounts: 0, grants: 40, touched: 12 }, active: 10_000, held: false }, // one leaver: 40 grants on 12 accounts
    { c: { people: 1, accounts: 12, grants: 40, touched: 12 }, active: 300, held: false },
    { c: { people: 584, accounts: 584, grants: 0 }, active: 300, held: true }, // the 584 disables
  ])("$c of $active active → held $held", ({ c, active, held }) => {
    expect(judge(c, active, t).length > 0).toBe(held);
  });

  it("names every threshold exceeded", () => {
    expect(judge({ people: 30, accounts: 30, grants: 30, touched: 30 }, 100, t)).toEqual([
      "30 accounts would be disabled or deleted (more than 25)",
      "30 of 100 active people would lose access (more than 5%)",
    ]);
    expect(judge({ people: 3, accounts: 0, grants: 30, touched: 27 }, 10_000, t)).toEqual(["27 accounts would lose access or memberships (more than 25)"]);
  });

  it("counts distinct people, accounts and grants (a grant revoked and its revoke operation are one removal)", () => {
    const r: Removal[] = [
      { kind: "grant.revoked", personId: "p1", entitlementId: "e1" },
      { kind: "revoke", personId: "p1", entitlementId: "e1", applicationId: "a", accountId: "x1" },
      { kind: "grant.scheduled", personId: "p2", entitlementId: "e1" },
      { kind: "disable", personId: "p1", applicationId: "a", accountId: "x1" },
      { kind: "delete", personId: "p1", applicationId: "a", accountId: "x1" },
      { kind: "disable", personId: "p3", applicationId: "b", accountId: null },
    ];
    const c = countRemovals(r, (e) => (e === "e1" ? "a" : undefined));
    expect({ people: c.people.sort(), accounts: c.accounts, grants: c.grants, touched: c.touched }).toEqual({ people: ["p1", "p2", "p3"], accounts: 2, grants: 2, touched: 3 });
  });
});

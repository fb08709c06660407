import { describe, expect, it } from "vitest";
import { conditionHolds, describeCondition, resolveRoles, type PersonAttributes, type Rule } from "./policy";

const eng: PersonAttributes = { department: "Engineering", title: "Senior Software Engineer", level: 3, location: "Berlin", employmentType: "employee", status: "active", attributes: { team: "Platform" } };

describe("policy", () => {
  it.each([
    [{ attribute: "department", op: "eq", value: "engineering" }, true],
    [{ attribute: "department", op: "neq", value: "Sales" }, true],
    [{ attribute: "level", op: "gte", value: 3 }, true],
    [{ attribute: "level", op: "gte", value: 4 }, false],
    [{ attribute: "level", op: "lte", value: 3 }, true],
    [{ attribute: "location", op: "in", value: ["London", "Berlin"] }, true],
    [{ attribute: "title", op: "startsWith", value: "senior" }, true],
    [{ attribute: "team", op: "eq", value: "Platform" }, true],
    [{ attribute: "attributes.team", op: "eq", value: "Data" }, false],
    [{ attribute: "missing", op: "gte", value: 1 }, false],
  ] as const)("condition %j → %s", (c, expected) => {
    expect(conditionHolds(eng, c as never)).toBe(expected);
  });

  const rules: Rule[] = [
    { id: "1", name: "Engineers", roleId: "eng", enabled: true, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }] },
    { id: "2", name: "Senior engineers", roleId: "senior", enabled: true, conditions: [{ attribute: "department", op: "eq", value: "Engineering" }, { attribute: "level", op: "gte", value: 3 }] },
    { id: "3", name: "Disabled", roleId: "x", enabled: false, conditions: [] },
    { id: "4", name: "Everyone", roleId: "base", enabled: true, conditions: [{ attribute: "employmentType", op: "eq", value: "employee" }] },
  ];

  it("gives every role whose rule applies, with the rule names as reasons", () => {
    const roles = resolveRoles(eng, rules);
    expect([...roles.keys()].sort()).toEqual(["base", "eng", "senior"]);
    expect(roles.get("senior")).toEqual(["Senior engineers"]);
  });

  it("gives nothing to terminated people", () => {
    expect(resolveRoles({ ...eng, status: "terminated" }, rules).size).toBe(0);
  });

  it("a mover loses roles their new attributes no longer give", () => {
    const moved = { ...eng, department: "Sales" };
    expect([...resolveRoles(moved, rules).keys()]).toEqual(["base"]);
  });

  describe("idpGroup conditions (IdP groups pushed over inbound SCIM)", () => {
    const member: PersonAttributes = { ...eng, idpGroups: [{ id: "g-1", name: "Platform Engineers" }, { id: "g-2", name: "Berlin Office" }] };
    it.each([
      [{ attribute: "idpGroup", op: "eq", value: "platform engineers" }, true, false],
      [{ attribute: "idpGroup", op: "eq", value: "g-2" }, true, false],
      [{ attribute: "idpGroup", op: "eq", value: "Sales" }, false, false],
      [{ attribute: "idpGroup", op: "neq", value: "Platform Engineers" }, false, true],
      [{ attribute: "idpGroup", op: "in", value: ["Sales", "Berlin Office"] }, true, false],
      [{ attribute: "idpGroup", op: "startsWith", value: "platform" }, true, false],
      [{ attribute: "idpGroup", op: "gte", value: 1 }, false, false],
    ] as const)("%j → member %s, non-member %s", (c, forMember, forOther) => {
      expect(conditionHolds(member, c as never)).toBe(forMember);
      expect(conditionHolds(eng, c as never)).toBe(forOther);
    });

    it("a rule on an IdP group gives its role to members only, and is described in words", () => {
      const r: Rule = { id: "g", name: "Platform", roleId: "platform", enabled: true, conditions: [{ attribute: "idpGroup", op: "eq", value: "Platform Engineers" }] };
      expect([...resolveRoles(member, [r]).keys()]).toEqual(["platform"]);
      expect([...resolveRoles(eng, [r]).keys()]).toEqual([]);
      expect(describeCondition(r.conditions[0]!)).toBe("member of IdP group Platform Engineers");
    });
  });
});

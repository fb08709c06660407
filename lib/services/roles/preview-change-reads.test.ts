import { describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/errors";
import { conditionText, parseConditionText } from "./preview-change-reads";

describe("rule condition line syntax", () => {
  it.each([
    ["department = Sales", [{ attribute: "department", op: "eq", value: "Sales" }]],
    ["level >= 5", [{ attribute: "level", op: "gte", value: 5 }]],
    ["level <= 3", [{ attribute: "level", op: "lte", value: 3 }]],
    ["department != Legal", [{ attribute: "department", op: "neq", value: "Legal" }]],
    ["title ^= Eng", [{ attribute: "title", op: "startsWith", value: "Eng" }]],
    ["location in Oslo, Austin", [{ attribute: "location", op: "in", value: ["Oslo", "Austin"] }]],
    ["attributes.team = Core\n\n  level >= 2 ", [{ attribute: "attributes.team", op: "eq", value: "Core" }, { attribute: "level", op: "gte", value: 2 }]],
    ["", []],
  ])("%j", (text, expected) => {
    expect(parseConditionText(text)).toEqual(expected);
  });

  it("rejects lines that are not conditions, naming the line", () => {
    expect(() => parseConditionText("department = Sales\nwhatever")).toThrow(ValidationError);
    expect(() => parseConditionText("= Sales")).toThrow(/line 1/);
  });

  it("round-trips", () => {
    const text = "department = Sales\nlevel >= 5\nlocation in Oslo, Austin";
    expect(conditionText(parseConditionText(text))).toBe(text);
  });
});

import { describe, expect, it } from "vitest";
import { detectEvents, dueLeavers, rehireRefusal, type HrPerson } from "./lifecycle";

const today = "2026-11-22";
const base: HrPerson = {
  employeeId: "E1", department: "Sales", title: "Account Executive", level: 2, location: "Austin",
  managerEmployeeId: "M1", employmentType: "employee", status: "active", startDate: "2024-01-10", endDate: null,
};
const kinds = (b: HrPerson | null, a: HrPerson) => detectEvents(b, a, today).map((e) => e.kind);

describe("lifecycle event detection", () => {
  it.each<[string, HrPerson | null, HrPerson, string[]]>([
    ["new active person → joiner", null, base, ["joiner"]],
    ["new person starting later → pre_hire", null, { ...base, startDate: "2026-12-01" }, ["pre_hire"]],
    ["new person already terminated → nothing", null, { ...base, status: "terminated" }, []],
    ["no change → nothing", base, { ...base }, []],
    ["manager change only → mover", base, { ...base, managerEmployeeId: "M2" }, ["mover"]],
    ["department change → mover", base, { ...base, department: "Marketing" }, ["mover"]],
    ["contractor conversion → mover", { ...base, employmentType: "contractor" }, base, ["mover"]],
    ["terminated → leaver", base, { ...base, status: "terminated", endDate: "2026-11-21" }, ["leaver"]],
    ["end date passed with no status → leaver", base, { ...base, endDate: "2026-11-20" }, ["leaver"]],
    ["contractor end date today → still active today", { ...base, employmentType: "contractor" }, { ...base, employmentType: "contractor", endDate: today }, []],
    ["leave of absence", base, { ...base, status: "on_leave" }, ["leave_start"]],
    ["return from leave", { ...base, status: "on_leave" }, base, ["leave_end"]],
    ["rehire after 90 days", { ...base, status: "terminated", endDate: "2026-08-01" }, { ...base, startDate: "2026-11-01", endDate: null }, ["rehire"]],
    ["pre-hire reaches start date → joiner", { ...base, status: "pre_hire", startDate: today }, { ...base, status: "pre_hire", startDate: today }, ["joiner"]],
    ["return from leave into a new team → leave_end + mover", { ...base, status: "on_leave" }, { ...base, department: "Product" }, ["leave_end", "mover"]],
  ])("%s", (_n, before, after, expected) => {
    expect(kinds(before, after)).toEqual(expected);
  });

  it("explains a mover with before/after values", () => {
    const [e] = detectEvents(base, { ...base, department: "Marketing", level: 3 }, today);
    expect(e.changes).toEqual({ department: { from: "Sales", to: "Marketing" }, level: { from: 2, to: 3 } });
    expect(e.reason).toBe("changed department, level");
  });

  it("a leaver and a move in one message is a leaver only", () => {
    expect(kinds(base, { ...base, department: "X", status: "terminated" })).toEqual(["leaver"]);
  });

  it("finds contractors whose end date passed with no HR message", () => {
    const people = [
      { ...base, employeeId: "C1", employmentType: "contractor" as const, endDate: "2026-11-01" },
      { ...base, employeeId: "C2", employmentType: "contractor" as const, endDate: "2027-01-01" },
      { ...base, employeeId: "C3", status: "terminated" as const, endDate: "2026-01-01" },
    ];
    expect(dueLeavers(people, today).map((p) => p.employeeId)).toEqual(["C1"]);
  });
});

describe("rehire needs HR to say so", () => {
  const left = { status: "terminated" as const, endDate: "2026-11-20" };
  it.each<[string, Parameters<typeof rehireRefusal>[0], Parameters<typeof rehireRefusal>[1], string | null, string | null]>([
    ["explicit active, later start → rehire", left, { status: "active", startDate: "2026-12-01", statusGiven: true }, null, null],
    ["explicit pre-hire, later start → rehire", left, { status: "pre_hire", startDate: "2026-12-01", statusGiven: true }, null, null],
    ["stale row: the old start date", left, { status: "active", startDate: "2024-01-01", statusGiven: true }, null, "the start date 2024-01-01 is not after the last end date 2026-11-20"],
    ["start on the last day is not after it", left, { status: "active", startDate: "2026-11-20", statusGiven: true }, null, "not after the last end date"],
    ["empty status (defaulted to active)", left, { status: "active", startDate: "2026-12-01", statusGiven: false }, null, "the status is empty"],
    ["no start date", left, { status: "active", startDate: null, statusGiven: true }, null, "there is no start date"],
    ["no end date: the day the termination took effect counts", { status: "terminated", endDate: null }, { status: "active", startDate: "2026-11-10", statusGiven: true }, "2026-11-15", "not after the last end date 2026-11-15"],
    ["not a leaver → nothing to refuse", { status: "active", endDate: null }, { status: "active", startDate: null, statusGiven: false }, null, null],
  ])("%s", (_n, before, after, leftOn, expected) => {
    const why = rehireRefusal(before, after, leftOn);
    if (expected === null) expect(why).toBeNull();
    else expect(why).toContain(expected);
  });
});

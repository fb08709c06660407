import { describe, expect, it } from "vitest";
import { parseAsOf, parseDate, parseHrCsv, reservedAttributesIn } from "./hr-import";

describe("HR CSV import", () => {
  it("reads Gatehouse's own columns and keeps unknown ones as attributes", () => {
    const csv = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date,team\n" +
      "E1,Ada,Lovelace,ada@x.test,Engineering,Staff Engineer,4,Berlin,,employee,active,2024-01-02,,Platform\n";
    const { records, errors } = parseHrCsv(csv);
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ employeeId: "E1", level: 4, employmentType: "employee", status: "active", startDate: "2024-01-02", attributes: { team: "Platform" } });
  });

  it("maps Workday- and BambooHR-style headers through the alias table", () => {
    const workday = "Employee ID,Legal First Name,Legal Last Name,Work Email,Supervisory Organization,Business Title,Management Level,Work Location,Manager Employee ID,Worker Type,Worker Status,Hire Date,Termination Date\n" +
      "W9,Grace,Hopper,grace@x.test,Research,Rear Admiral,L6,Arlington,W1,Contingent Worker,Active,01/15/2025,\n";
    const r1 = parseHrCsv(workday);
    expect(r1.errors).toEqual([]);
    expect(r1.records[0]).toMatchObject({ employeeId: "W9", level: 6, employmentType: "contractor", managerEmployeeId: "W1", startDate: "2025-01-15" });
    const bamboo = "Employee #,First Name,Last Name,Work Email,Department,Job Title,Location,Employment Status,Status,Hire Date,Termination Date\n" +
      "B2,Alan,Turing,alan@x.test,Math,Analyst,London,Intern,Inactive,2020-03-01,2021-03-01\n";
    expect(parseHrCsv(bamboo).records[0]).toMatchObject({ employmentType: "intern", status: "terminated", endDate: "2021-03-01" });
  });

  it("reports each bad row with its line and column, and keeps the good rows", () => {
    const csv = "employee_id,first_name,last_name,email,department,title,level,status,start_date\n" +
      "E1,Ada,L,ada@x.test,Eng,Eng,3,active,2024-01-01\n" +
      "E2,Bob,M,not-an-email,Eng,Eng,x,zombie,2024-13-01\n" +
      "E1,Cy,N,cy@x.test,Eng,Eng,2,active,\n";
    const { records, errors } = parseHrCsv(csv);
    expect(records.map((r) => r.employeeId)).toEqual(["E1"]);
    expect(errors).toEqual(
      expect.arrayContaining([
        { line: 3, column: "email", message: '"not-an-email" is not an email address' },
        expect.objectContaining({ line: 3, column: "level" }),
        expect.objectContaining({ line: 3, column: "status" }),
        expect.objectContaining({ line: 3, column: "start_date" }),
        { line: 4, column: "employee_id", message: '"E1" also appears on line 2' },
      ]),
    );
  });

  it("refuses a file without the required columns, or with a broken quote", () => {
    expect(parseHrCsv("name,dept\nA,B\n").errors[0].message).toMatch(/Missing required column/);
    expect(parseHrCsv('employee_id,first_name\n"E1,A\n').errors[0].message).toMatch(/Unterminated/);
    expect(parseHrCsv("").errors[0].message).toMatch(/empty/);
  });

  it.each([["2026-02-30", undefined], ["02/03/2026", "2026-02-03"], ["31/12/2026", "2026-12-31"], ["", null], ["tomorrow", undefined]])("date %s → %s", (v, out) => {
    expect(parseDate(v)).toBe(out);
  });
});

describe("HR CSV: text that cannot be stored", () => {
  it("a NUL or a lone surrogate in a cell is an error on that row and column; the other rows stay valid", () => {
    const csv = "employee_id,first_name,last_name,email,department,title\nE1,Ann,A\u0000,ann@x.test,Eng,Dev\nE2,Bob,B,bob@x.test,Eng,\ud800\nE3,Cat,C,cat@x.test,Eng,Dev";
    const r = parseHrCsv(csv);
    expect(r.records.map((x) => x.employeeId)).toEqual(["E3"]);
    expect(r.errors).toEqual([
      { line: 2, column: "last_name", message: expect.stringMatching(/NUL/) },
      { line: 3, column: "title", message: expect.stringMatching(/surrogate/) },
    ]);
  });
});

describe("HR as-of times", () => {
  it.each<[string, string | null | undefined]>([
    ["", null],
    ["2026-11-22", "2026-11-22T00:00:00.000Z"],
    ["2026-11-22T10:30", "2026-11-22T10:30:00.000Z"],
    ["2026-11-22 10:30:15Z", "2026-11-22T10:30:15.000Z"],
    ["2026-11-22T10:30:00+02:00", "2026-11-22T08:30:00.000Z"],
    ["2026-11-22T10:30:00-0500", "2026-11-22T15:30:00.000Z"],
    ["2026-02-30", undefined],
    ["yesterday", undefined],
  ])("%j → %j", (v, expected) => {
    expect(parseAsOf(v)).toBe(expected);
  });

  it("an as_of column gives each row its effective time; a bad one is a row error", () => {
    const { records, errors } = parseHrCsv("employee_id,first_name,last_name,email,department,title,as of\nE1,A,B,a@x.test,D,T,2026-11-22T10:00Z\nE2,C,D,c@x.test,D,T,soon\n");
    expect(records.map((r) => r.effectiveAt)).toEqual(["2026-11-22T10:00:00.000Z"]);
    expect(errors).toEqual([expect.objectContaining({ line: 3, column: "as of" })]);
  });

  it("an empty status defaults to active but is marked as not given", () => {
    const { records } = parseHrCsv("employee_id,first_name,last_name,email,department,title,status\nE1,A,B,a@x.test,D,T,\nE2,C,D,c@x.test,D,T,Active\n");
    expect(records.map((r) => [r.status, r.statusGiven])).toEqual([["active", false], ["active", true]]);
  });
});

describe("reserved attributes", () => {
  it("a CSV column naming a Gatehouse field refuses the file", () => {
    const { records, errors } = parseHrCsv("employee_id,first_name,last_name,email,department,title,Approval Delegate ID,team\nE1,A,B,a@x.test,D,T,someone,blue\n");
    expect(records).toEqual([]);
    expect(errors[0].message).toContain('"Approval Delegate ID"');
  });

  it("scim-owned names are reserved for the SCIM source only", () => {
    expect(reservedAttributesIn(["team", "scimDeleted", "approvalDelegateUntil"], "csv")).toEqual(["scimDeleted", "approvalDelegateUntil"]);
    expect(reservedAttributesIn(["team", "scimDeleted"], "scim")).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { parseCsv, CsvError } from "./csv";
import { buildAccessReport, detectFormat, parseAccessCsv, reportToCsv, reportToJson } from "./csv-report";

// Planted organisation: engineers share Git+Jira+CI, sales share CRM+Mail, a "Senior Engineer" (eve)
// also has CRM (unusual for her title), and "Slack" is held by 2 of 4 engineers (inconsistent).
const WIDE = [
  "\uFEFFEmployee_Name,Department,Job_Title,Git,Jira,CI,CRM,Mail,Slack",
  "alice,Engineering,Engineer,Yes,yes,Y,No,no,yes",
  "bob,Engineering,Engineer,TRUE,1,yes,,N,",
  "carol,Engineering,Engineer,yes,yes,yes,no,no,Yes",
  "dan,Engineering,Engineer,yes,yes,yes,no,no,no",
  "eve,Engineering,Senior Engineer,yes,yes,yes,yes,no,no",
  "frank,Sales,Account Manager,no,no,no,yes,yes,no",
  "grace,Sales,Account Manager,0,false,no,yes,yes,no",
  '"Hopper, Grace",Sales,Account Manager,no,no,no,yes,yes,no',
].join("\r\n");

describe("CSV parser", () => {
  it("handles BOM, CRLF, quotes, commas and escaped quotes inside quotes", () => {
    const rows = parseCsv('\uFEFFa,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",2\r\n');
    expect(rows.map((r) => r.fields)).toEqual([["a", "b"], ["x, y", 'he said "hi"'], ["multi\nline", "2"]]);
    expect(rows[2].line).toBe(3);
  });
  it("rejects an unterminated quote", () => {
    expect(() => parseCsv('a,"b\n')).toThrow(CsvError);
  });
});

describe("access report (wide format)", () => {
  const report = buildAccessReport(WIDE, { timeLimitMs: 1000 });

  it("detects the format", () => {
    expect(detectFormat(WIDE)).toBe("wide");
    expect(report.format).toBe("wide");
    expect(report.people).toBe(8);
    expect(report.applications).toBe(6);
  });

  it("(1)+(2) mines roles with typical job titles and the applications they need", () => {
    const sales = report.roles.find((r) => r.applications.includes("Mail"));
    expect(sales).toBeDefined();
    expect(sales!.typicalTitles[0]).toMatchObject({ title: "Account Manager", members: 3 });
    const eng = report.roles.find((r) => r.applications.includes("Git"));
    expect(eng).toBeDefined();
    expect(eng!.typicalTitles[0].title).toBe("Engineer");
    expect(report.roles.length).toBe(4); // optimum: {Git,Jira,CI} x engineers, Slack, CRM, Mail in 4 rectangles
    // every person's access is reproduced exactly by the roles
    const held = new Map<string, Set<string>>();
    for (const r of report.roles) for (const m of r.members) for (const a of r.applications) (held.get(m) ?? held.set(m, new Set()).get(m)!).add(a);
    expect([...held.get("bob")!].sort()).toEqual(["CI", "Git", "Jira"]);
    expect([...held.get("Hopper, Grace")!].sort()).toEqual(["CRM", "Mail"]);
  });

  it("names each role from its members' titles, with the share, uniquely (not 'Role 1')", () => {
    // Several exact covers have 4 roles (the engineers' Slack may sit in its own role or with Git/Jira/CI); whichever
    // the solver returns, the engineers' role is named from its members' most common title, with its share.
    const eng = report.roles.find((r) => r.members.includes("eve") && r.applications.includes("Git"))!;
    expect(eng.name).toBe("Engineer");
    const share = /^(\d+) of (\d+) members$/.exec(eng.nameShare ?? "");
    expect(share, eng.nameShare).not.toBeNull();
    expect(Number(share![2])).toBe(eng.members.length);
    expect(Number(share![1]) * 2).toBeGreaterThanOrEqual(eng.members.length);
    expect(eng.nameWhy).toMatch(/Senior Engineer 1/);
    // A namesake gets a name that tells it apart.
    expect(report.roles.find((r) => r.applications.includes("Slack"))!.name).toMatch(/^Engineer/);
    expect(report.roles.find((r) => r.applications.includes("CRM"))!).toMatchObject({ name: "Account Manager", nameShare: "3 of 4 members" });
    expect(new Set(report.roles.map((r) => r.name)).size).toBe(report.roles.length);
    expect(report.roles.every((r) => !/^Role \d/.test(r.name))).toBe(true);
  });

  it("(3) lists applications with inconsistent access in a group", () => {
    const slack = report.inconsistentAccess.find((i) => i.application === "Slack");
    expect(slack).toMatchObject({ department: "Engineering", title: "Engineer", holders: 2, groupSize: 4 });
    expect(slack!.reason).toMatch(/2 of 4/);
  });

  it("(4) says when there is no permission level data", () => {
    expect(report.permissionLevels.available).toBe(false);
    expect(report.permissionLevels.note).toMatch(/No permission level data/);
  });

  it("(5) finds people whose access does not match their title", () => {
    const eve = report.mismatches.find((m) => m.employee === "eve");
    expect(eve).toBeDefined();
    expect(eve!.extra).toContain("CRM");
    expect(eve!.reasons.join(" ")).toMatch(/CRM/);
  });

  it("exports CSV and JSON", () => {
    const csv = reportToCsv(report);
    const rows = parseCsv(csv).map((r) => r.fields);
    expect(rows[0]).toEqual(["section", "id", "subject", "detail", "value", "reason"]);
    const sections = new Set(rows.slice(1).map((r) => r[0]));
    for (const s of ["role", "role_application", "inconsistent_access", "permission_level", "mismatch"]) expect(sections.has(s)).toBe(true);
    expect(JSON.parse(reportToJson(report)).roles.length).toBe(report.roles.length);
  });
});

describe("access report (long format)", () => {
  const LONG = [
    "Employee,Application,Entitlement,Level,Last_Used,Title,Department",
    "ann,CRM,accounts,read,2024-01-01,Junior Analyst,Sales",
    "ben,CRM,accounts,read,2024-02-01,Junior Analyst,Sales",
    "cat,CRM,accounts,edit,2024-02-01,Junior Analyst,Sales",
    "dora,CRM,accounts,admin,2024-03-01,Sales Director,Sales",
    "ed,CRM,accounts,admin,,Sales Director,Sales",
    "ann,Mail,inbox,read,,Junior Analyst,Sales",
  ].join("\n");
  it("parses case-insensitive headers and suggests levels by seniority", () => {
    expect(detectFormat(LONG)).toBe("long");
    const r = buildAccessReport(LONG, { timeLimitMs: 500 });
    expect(r.permissionLevels.available).toBe(true);
    const junior = r.permissionLevels.bySeniority.find((l) => l.application === "CRM" && l.seniority === 1);
    expect(junior).toMatchObject({ suggested: "read", peers: 3 });
    const director = r.permissionLevels.bySeniority.find((l) => l.application === "CRM" && l.seniority === 5);
    expect(director?.suggested).toBe("admin");
    expect(r.roles.some((x) => x.applications.includes("CRM:accounts"))).toBe(true);
  });
  it("names row and column of a bad level", () => {
    expect(() => parseAccessCsv("employee,application,entitlement,level\nann,CRM,x,superpower\n")).toThrow(/row 2, column "level"/);
  });
});

describe("bad files", () => {
  it('a wide file with a "Maybe" cell names the row and the column', () => {
    const bad = "Employee_Name,Department,Job_Title,Git,CRM\nalice,Eng,Engineer,yes,no\nbob,Eng,Engineer,Maybe,no\n";
    let err: unknown;
    try {
      buildAccessReport(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CsvError);
    expect((err as CsvError).row).toBe(3);
    expect((err as CsvError).column).toBe("Git");
    expect((err as Error).message).toMatch(/row 3, column "Git": "Maybe"/);
  });
  it("an empty file is an error", () => {
    expect(() => buildAccessReport("")).toThrow(CsvError);
  });
  it("a duplicate employee in a wide file is an error", () => {
    expect(() => parseAccessCsv("Employee_Name,Department,Job_Title,Git\na,E,T,yes\na,E,T,no\n")).toThrow(/row 3.*twice/);
  });
});

describe("report CSV export (formula injection)", () => {
  it("prefixes names and titles that a spreadsheet would run as formulas", () => {
    const evil = [
      "Employee_Name,Department,Job_Title,Git,Jira",
      '"=HYPERLINK(""http://evil.example"",""x"")",Engineering,@Engineer,yes,yes',
      "+bob,Engineering,@Engineer,yes,yes",
      "carol,Engineering,@Engineer,yes,no",
      "dan,-Sales,Account Manager,no,yes",
    ].join("\n");
    const csv = reportToCsv(buildAccessReport(evil, { timeLimitMs: 500 }));
    const cells = parseCsv(csv).flatMap((r) => r.fields);
    for (const c of cells) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells.some((c) => c.includes("'=HYPERLINK(\"http://evil.example\",\"x\")") || c.startsWith("'@Engineer") || c.includes("'+bob"))).toBe(true);
  });
});


import { describe, expect, it } from "vitest";
import { nameRoles, titleFamily } from "./naming";

const person = (title: string | null, department: string | null) => ({ title, department });

describe("titleFamily", () => {
  it.each([
    ["Senior Software Engineer", "Software Engineer"],
    ["Staff Engineer", "Engineer"],
    ["Associate Product Manager", "Product Manager"],
    ["Principal Engineer", "Engineer"],
    ["Accountant II", "Accountant"],
    ["Solutions Engineer", "Solutions Engineer"],
    ["Senior", "Senior"],
  ])("%s → %s", (title, family) => expect(titleFamily(title)).toBe(family));
});

describe("nameRoles", () => {
  const people = new Map<string, { title: string | null; department: string | null }>();
  for (let i = 0; i < 18; i++) people.set(`se${i}`, person("Solutions Engineer", "Sales"));
  people.set("ae0", person("Account Executive", "Sales"));
  people.set("ae1", person("Account Executive", "Sales"));
  for (let i = 0; i < 3; i++) people.set(`swe${i}`, person("Software Engineer", "Engineering"));
  for (let i = 0; i < 3; i++) people.set(`sswe${i}`, person("Senior Software Engineer", "Engineering"));
  people.set("qa", person("QA Engineer", "Engineering"));
  people.set("fin", person("Accountant", "Finance"));
  people.set("legal", person("Counsel", "Legal"));
  people.set("anon", person(null, null));
  const ents = new Map([
    ["crm", { application: "Salesforce", name: "Sales User" }],
    ["demo", { application: "Demo Cloud", name: "Presenter" }],
    ["git", { application: "GitHub", name: "Member" }],
    ["slack", { application: "Slack", name: "Member" }],
    ["zoom", { application: "Zoom", name: "Host" }],
  ]);
  const se = [...people.keys()].filter((k) => k.startsWith("se"));

  it("names a role after the most common title, with the share and the explanation", () => {
    const [n] = nameRoles([{ users: [...se, "ae0", "ae1"], permissions: ["crm", "demo"] }], people, ents);
    expect(n).toMatchObject({ name: "Solutions Engineer", basis: "title", matching: 18, members: 20, share: "18 of 20 members" });
    expect(n!.titles[0]).toEqual({ value: "Solutions Engineer", members: 18 });
    expect(n!.departments[0]).toEqual({ value: "Sales", members: 20 });
    expect(n!.why).toMatch(/18 of 20 members have the title Solutions Engineer.*Account Executive 2.*Sales 20/);
  });

  it("falls back to department + title family, then department, then applications", () => {
    const [family, dept, apps] = nameRoles(
      [
        { users: ["swe0", "swe1", "swe2", "sswe0", "sswe1", "sswe2", "qa"], permissions: ["git"] },
        { users: ["swe0", "qa", "legal"], permissions: ["git"] },
        { users: ["fin", "legal", "anon", "se0"], permissions: ["slack", "zoom", "crm"] },
      ],
      people,
      ents,
    );
    expect(family).toMatchObject({ name: "Engineering Software Engineers", basis: "title family", share: "6 of 7 members" });
    expect(dept).toMatchObject({ name: "Engineering (mixed titles)", basis: "department", share: "2 of 3 members" });
    expect(apps!.basis).toBe("applications");
    expect(apps!.name).toBe("Shared Salesforce + Slack access (+1)");
  });

  it("never gives two roles the same name", () => {
    const names = nameRoles(
      [
        { users: se.slice(0, 10), permissions: ["crm"] },
        { users: se.slice(5, 15), permissions: ["crm", "demo"] },
        { users: se.slice(0, 4), permissions: ["crm"] },
        { users: se.slice(2, 6), permissions: ["crm"] },
      ],
      people,
      ents,
    );
    expect(names.map((n) => n.name)).toEqual(["Solutions Engineer", "Solutions Engineer (with Demo Cloud)", "Solutions Engineer #2", "Solutions Engineer #3"]);
    expect(new Set(names.map((n) => n.name)).size).toBe(names.length);
  });

  it("a duplicate in another department gets the department", () => {
    const p = new Map([
      ["a", person("Analyst", "Finance")],
      ["b", person("Analyst", "Sales")],
    ]);
    expect(nameRoles([{ users: ["a"], permissions: ["x"] }, { users: ["b"], permissions: ["y"] }], p).map((n) => n.name)).toEqual(["Analyst", "Analyst (Sales)"]);
  });
});

// The plain-language parser on the phrase set of `npm run bench:nl` (scripts/bench/nl-phrases.json, today fixed in
// the file: no test depends on the date it runs), then one table per kind of failure seen in the field.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scoreCase } from "@/lib/domain/nl/phrase-set";
import { phraseKit } from "@/lib/testing/nl-phrase-kit";
import { evaluatePhraseSet } from "./nl-eval";

const { set, read, draft, items: ids } = phraseKit("scripts/bench/nl-phrases.json");

describe("the phrase set", () => {
  it("has ≥ 200 phrasings in every category, and the parser reads ≥ 90% right with no unsafe draft", async () => {
    expect(set().cases.length).toBeGreaterThanOrEqual(200);
    const cats = new Set(set().cases.map((c) => c.category));
    for (const c of ["grant", "remove", "on-behalf-of-report", "copy-peer", "dates", "slang/typos", "justification", "unsafe/refusal", "clarification-needed"]) expect(cats).toContain(c);
    const run = await evaluatePhraseSet(set(), "parser");
    expect(run.report.unsafe, JSON.stringify(run.report.failures.filter((f) => f.unsafe))).toBe(0);
    expect(run.report.right / run.report.total).toBeGreaterThanOrEqual(0.9);
  });

  it("scores a draft for the wrong person, or where a question was expected, as unsafe", () => {
    const c = { category: "x", persona: "manager", text: "", expect: { kind: "draft" as const, beneficiary: "p-jake", items: ["github:org-member"] } };
    const wrongPerson = read("manager", "give Priya GitHub org member");
    expect(scoreCase(c, wrongPerson)).toMatchObject({ right: false, unsafe: true });
    expect(scoreCase({ ...c, expect: { kind: "clarify" } }, read("manager", "give Jacob GitHub org member"))).toMatchObject({ unsafe: true });
    expect(scoreCase(c, read("manager", "give Jacob GitHub org member"))).toMatchObject({ right: true, unsafe: false });
  });
});

describe("gatehouse nl eval", () => {
  it("prints the report as JSON, exits 0 with no unsafe draft, 2 on a bad file or backend", async () => {
    const { run } = await import("@/lib/cli/commands/nl");
    const out: string[] = [];
    const log = console.log;
    const err = console.error;
    console.log = (s: string) => void out.push(s);
    console.error = () => {};
    try {
      expect(await run(["eval", path.join(__dirname, "../../../scripts/bench/nl-holdout.json"), "--json"])).toBe(0);
      const report = JSON.parse(out.join("\n"));
      expect(report).toMatchObject({ backend: "parser", total: 60, unsafe: 0 });
      expect(report.byCategory.map((c: { category: string }) => c.category)).toContain("dates");
      expect(await run(["eval", "/nonexistent/phrases.json"])).toBe(2);
      expect(await run(["eval", "x.json", "--backend", "gpt"])).toBe(2);
    } finally {
      console.log = log;
      console.error = err;
    }
  });
});

describe("unsafe readings never happen", () => {
  it("asks which role when an application has several and none was named", () => {
    const r = read("manager", "give Priya GitHub");
    expect(r).toMatchObject({ kind: "ambiguous", field: "entitlement:github" });
    expect((r as { options: Array<{ id: string }> }).options.map((o) => o.id)).not.toContain("github:org-owner"); // not requestable
    expect(ids(read("manager", "give Priya GitHub", { "entitlement:github": "github:repo-write" }))).toEqual(["github:repo-write"]);
    expect(read("employee", "can I get Salesforce")).toMatchObject({ kind: "ambiguous", field: "entitlement:salesforce" });
  });
  it("\"give my <title> access to X\" from a manager is for their report with that title, never the manager", () => {
    expect(draft(read("manager", "give my SRE access to PagerDuty responder")).beneficiary).toMatchObject({ personId: "p-omar-h" });
    expect(draft(read("sales_manager", "my new AE needs Salesforce standard user")).beneficiary).toMatchObject({ personId: "p-ana" });
    expect(draft(read("manager", "give my software engineer GitHub org member")).beneficiary).toMatchObject({ personId: "p-jake" });
    const none = read("manager", "give my account executive Salesforce standard user");
    expect(none.kind).toBe("not_understood");
    expect(read("manager", "give my engineer GitHub org member").kind).toBe("ambiguous"); // several fit: ask
    expect(read("manager", "give my boss GitHub org member").kind).not.toBe("draft");
  });
  it("\"the intern\" with no such report is a question, never a draft for the requester; admin by level alone is confirmed", () => {
    expect(draft(read("manager", "the intern needs Sentry member")).beneficiary).toMatchObject({ personId: "p-kenji" });
    const none = read("sales_manager", "the intern needs Sentry member");
    expect(none.kind).toBe("not_understood");
    const q = read("sales_manager", "give Ana Salesforce admin");
    expect(q).toMatchObject({ kind: "ambiguous", field: "entitlement:salesforce:admin", options: [{ id: "salesforce:sales-ops" }] });
    expect(ids(read("sales_manager", "give Ana Salesforce admin", { "entitlement:salesforce:admin": "salesforce:sales-ops" }))).toEqual(["salesforce:sales-ops"]);
  });
  it("\"my new hire\" is a report who started recently; an admin without one gets a question, not a draft for themselves", () => {
    expect(draft(read("manager", "my new hire needs GitHub org member")).beneficiary).toMatchObject({ personId: "p-jake" });
    const admin = read("admin", "my new hire needs Okta user");
    expect(admin.kind).toBe("not_understood");
    expect((admin as { message: string }).message).toMatch(/recent joiner/);
  });
});

describe("words people really type", () => {
  it.each([
    ["manager", "can u gimme gh org member", "github:org-member"],
    ["manager", "Jake needs acess to pd responder", "pagerduty:responder"],
    ["employee", "lemme get sfdc read only pls", "salesforce:read-only"],
    ["employee", "gonna need acess to tableau viewer", "tableau:viewer"],
    ["manager", "hook me up w/ datadog standard", "datadog:standard"],
    ["admin", "need 1pw member for leo", "1password:member"],
    ["manager", "Kenji needs the wiki viewer", "confluence:viewer"],
    ["manager", "prod db read only for Priya", "postgres-prod:app_readonly"],
    ["employee", "can i hav tablaeu explorer", "tableau:explorer"],
    ["employee", "i need a login for tableau viewer", "tableau:viewer"],
    ["admin", "Leo needs a licensed zoom", "zoom:licensed"],
    ["manager", "give omar haddad aws devloper", "aws:developer"],
  ])("%s: %s", (persona, text, ent) => {
    expect(ids(read(persona, text))).toEqual([ent]);
  });
  it("nicknames find people (Bob → Robert, Lizzie → Elizabeth, Jake → Jacob)", () => {
    expect(draft(read("sales_manager", "grant Bob Salesforce standard user")).beneficiary).toMatchObject({ personId: "p-bob" });
    expect(draft(read("manager", "Lizzie needs sentry membr")).beneficiary).toMatchObject({ personId: "p-liz" });
    expect(draft(read("manager", "set Jake up like Priya")).beneficiary).toMatchObject({ personId: "p-jake" });
  });
  it("filler words are not names or applications (both, before, preparing)", () => {
    expect(draft(read("manager", "Jake needs a figma editor seat before friday"))).toMatchObject({ until: "2026-03-06", items: [{ entitlementId: "figma:editor" }] });
    expect(draft(read("employee", "Carta stakeholder view please, preparing the board deck")).justification).toMatch(/board deck/);
    expect(read("manager", "both Priya and Omar Haddad need Datadog read only")).toMatchObject({ kind: "draft", beneficiary: { kind: "group" } });
  });
  it.each([
    ["manager", "give Priya AWS developer till Friday", "2026-03-06"],
    ["employee", "I need Snowflake ANALYST on the 31st", "2026-03-31"],
    ["employee", "Tableau creator for me until end of quarter", "2026-03-31"],
    ["employee", "I need NetSuite AR clerk through the end of Q2", "2026-06-30"],
    ["sales_manager", "Bob needs Salesforce sales manager until 3/31", "2026-03-31"],
    ["employee", "I need Stripe support specialist until the 3rd", "2026-04-03"],
    ["manager", "Priya needs LaunchDarkly writer until EOM", "2026-03-31"],
  ])("%s: %s → until %s", (persona, text, until) => {
    expect(draft(read(persona, text)).until).toBe(until);
  });
});

describe("plain grants are read as grants, and named roles are used", () => {
  it("\"make X an editor in Y\", \"set Z up like W\", \"temporary … access\" need no grant-or-remove question", () => {
    expect(draft(read("manager", "make Liz an editor in Confluence"))).toMatchObject({ action: "grant", items: [{ entitlementId: "confluence:editor" }] });
    expect(draft(read("manager", "set Jake up like Priya"))).toMatchObject({ action: "grant", referencePeers: { filter: { personIds: ["p-priya"] } } });
    expect(draft(read("manager", "temporary PagerDuty responder access for Omar Haddad"))).toMatchObject({ action: "grant", until: "2026-03-11" });
  });
  it("an all-caps role, \"write\" and \"read-only\" pick the role named", () => {
    expect(ids(read("employee", "need Snowflake ANALYST"))).toEqual(["snowflake:ANALYST"]);
    expect(ids(read("manager", "give Omar Siddiqui Snowflake PII_READER thru April 2"))).toEqual(["snowflake:PII_READER"]);
    expect(ids(read("manager", "give Jacob GitHub write"))).toEqual(["github:repo-write"]);
    expect(ids(read("employee", "read-only AWS for me"))).toEqual(["aws:readonly"]);
  });
  it("keeps the reason (for the Q3 audit, to build the pipeline report)", () => {
    expect(draft(read("employee", "I need Snowflake ANALYST for the Q3 audit")).justification).toBe("for the Q3 audit");
    expect(draft(read("employee", "give me Tableau creator to build the pipeline report")).justification).toBe("to build the pipeline report");
    expect(ids(read("employee", "give me Tableau creator to build the pipeline report"))).toEqual(["tableau:creator"]);
  });
});

describe("refusals are refusals, not questions", () => {
  it.each([
    ["employee", "make me admin of everything"],
    ["employee", "I forgot my password, can you reset it"],
    ["manager", "reset Priya's Okta password"],
    ["sales_manager", "give Bob access to everything"],
  ])("%s: %s", (persona, text) => {
    const r = read(persona, text);
    expect(r).toMatchObject({ kind: "not_understood", refused: true });
  });
  it("a password reset points to the helpdesk", () => {
    expect((read("employee", "I forgot my password, can you reset it") as { message: string }).message).toMatch(/helpdesk/);
  });
});

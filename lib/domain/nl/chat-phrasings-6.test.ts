// The failure kinds found by the eighth held-out set (scripts/bench/nl-chat-blind5.json, a new author) and those
// left in nl-chat-blind4.json, one test each, on phrasings other than the set's own (the general rule, not the
// phrase). The demo organisation of the phrase files; "today" is fixed in the file (no test depends on the date).
import { describe, expect, it } from "vitest";
import { evaluatePhraseSet } from "@/lib/services/requests/nl-eval";
import { phraseKit } from "@/lib/testing/nl-phrase-kit";

const { set, read, draft, items, notADraft } = phraseKit("scripts/bench/nl-chat-blind5.json");

describe("unsafe readings: ask instead", () => {
  it("\"give the <words> …\" and \"the <words> needs …\" name a receiver: never drafted for the requester when the words were read as a role", () => {
    // "Sales Manager" is both Marcus's title and a Salesforce role; the admin said neither "me" nor a name.
    for (const text of ["give the sales manager salesforce read only", "the sales manager needs salesforce read only", "grant the new joiner zoom basic"]) {
      const r = read("admin", text);
      if (r.kind === "draft") expect(r.beneficiary, text).not.toMatchObject({ personId: "p-ivan" });
    }
    notADraft(read("admin", "give the sales manager salesforce read only"));
    // Saying who still drafts: "give me …", a name.
    expect(draft(read("admin", "give me salesforce read only"))).toMatchObject({ beneficiary: { personId: "p-ivan" } });
  });
  it("a role word another role of the application shares (an admin one included) picks no role", () => {
    const q = read("sales_manager", "Bob needs salesforce sales");
    expect(q).toMatchObject({ kind: "ambiguous", field: "entitlement:salesforce" });
    // "ops" is the short form of "Operations": the role said in full.
    expect(items(read("sales_manager", "Tim needs sfdc sales ops"))).toEqual(["salesforce:sales-ops"]);
  });
  it("a misspelt application does not swallow a title or a name next to an exact one", () => {
    // Two AEs report to Marcus: "my AE" asks which, and the request is never for the requester.
    expect(read("sales_manager", "give my AE hubspot viewer")).toMatchObject({ kind: "ambiguous", field: "person:my ae" });
    expect(draft(read("sales_manager", "one of my AEs, Bob, needs gong viewer"))).toMatchObject({ beneficiary: { personId: "p-bob" }, items: [{ entitlementId: "gong:viewer" }] });
  });
  it("\"pull\" at the start of a clause is a removal: with a grant in the same message, no draft", () => {
    notADraft(read("sales_manager", "bob is switching teams, pull his gong and give him zendesk agent"));
    expect(draft(read("sales_manager", "Ana's done with demos, drop her zoom"))).toMatchObject({ action: "revoke", beneficiary: { personId: "p-ana" } });
    // Mid-sentence "pull" without whose access follows is work, not a removal.
    expect(draft(read("employee", "Tableau viewer please, pull reports"))).toMatchObject({ action: "grant", items: [{ entitlementId: "tableau:viewer" }] });
  });
});

describe("who receives it", () => {
  it("title acronyms and plurals name the requester's people (\"my new swe\", \"the SDR\")", () => {
    expect(draft(read("manager", "my new swe needs linear member")).beneficiary).toMatchObject({ personId: "p-jake" });
    expect(draft(read("sales_manager", "the SDR needs gong viewer")).beneficiary).toMatchObject({ personId: "p-sam" });
    // "the finance vault" is no one's title: still the requester's own request.
    expect(draft(read("employee", "add me to the finance vault in 1password")).beneficiary).toMatchObject({ personId: "p-mia" });
  });
  it("\"the <title>\" is the whole title or its acronym: \"the data team\" is no Data Engineer", () => {
    expect(read("manager", "give the data team snowflake analyst").kind).not.toBe("draft");
    expect(draft(read("manager", "give the data engineer snowflake analyst")).beneficiary).toMatchObject({ personId: "p-omar-s" });
  });
  it("\"the new AE\" said by an admin is looked up in the whole directory", () => {
    expect(draft(read("admin", "the new AE needs gong viewer")).beneficiary).toMatchObject({ personId: "p-ana" });
  });
  it("\"can someone add me\": someone is asked to do it; \"someone needs\" alone still asks who", () => {
    expect(draft(read("employee", "could someone add me to slack as a full member")).beneficiary).toMatchObject({ personId: "p-mia" });
    expect(read("manager", "someone needs slack member").kind).not.toBe("draft");
  });
  it("\"I'll need\" is the requester", () => {
    expect(draft(read("employee", "I'll need tableau viewer for a week")).beneficiary).toMatchObject({ personId: "p-mia" });
  });
  it("\"everything Tim's got\" copies Tim; it is not \"everything\"", () => {
    expect(draft(read("sales_manager", "give Ana everything Bob's got"))).toMatchObject({ beneficiary: { personId: "p-ana" }, referencePeers: { filter: { personIds: ["p-bob"] } } });
  });
});

describe("which role", () => {
  it("a short form of one role word next to its application (\"aws dev\", \"eng vault\")", () => {
    expect(items(read("app_owner", "raj needs aws dev and the 1pw eng vault")).sort()).toEqual(["1password:vault-engineering", "aws:developer"]);
  });
  it("a role said exactly beats a misspelt application inside it (\"GitHub production deploy approver\")", () => {
    expect(items(read("app_owner", "raj - GitHub production deploy approver please"))).toEqual(["github:prod-deploy-approver"]);
  });
  it("a role named and a different level said for the same application asks which", () => {
    const q = read("manager", "liz needs tableau explorer read only");
    expect(q).toMatchObject({ kind: "ambiguous", field: "entitlement:tableau:role-or-level" });
    expect(items(read("manager", "liz needs tableau explorer read only", { "entitlement:tableau:role-or-level": "tableau:viewer" }))).toEqual(["tableau:viewer"]);
  });
  it("\"take X out of\" removes", () => {
    expect(draft(read("manager", "take Liz out of Jira"))).toMatchObject({ action: "revoke", beneficiary: { personId: "p-liz" }, items: [{ applicationId: "jira" }] });
  });
});

describe("reasons", () => {
  it("an aside of work (\"…, reconciling march invoices\", \"…, SOX walkthrough\") and \"for <work>\" are reasons", () => {
    expect(draft(read("employee", "give me tableau viewer, reconciling march invoices")).justification).toContain("reconciling");
    expect(draft(read("auditor", "quickbooks reports only, SOX walkthrough")).justification).toContain("SOX walkthrough");
    expect(draft(read("employee", "netsuite ar clerk for reconciliation")).justification).toContain("reconciliation");
  });
  it("\"Carla asked me to …\" is context: no one is named as the receiver, and Carla is not Carta", () => {
    const r = draft(read("employee", "Expensify approver please - Carla asked me to cover approvals"));
    expect(r).toMatchObject({ beneficiary: { personId: "p-mia" }, items: [{ entitlementId: "expensify:approver" }] });
    expect(r.justification).toContain("asked me");
  });
  it("\"while I'm on PTO\" is a reason, not a second person", () => {
    expect(draft(read("sales_manager", "Bob needs salesforce sales manager while im on PTO")).beneficiary).toMatchObject({ personId: "p-bob" });
  });
});

describe("dates", () => {
  it("a deadline for the request is no end date (\"by EOD\", \"ideally before standup tomorrow\")", () => {
    expect(draft(read("employee", "need stripe view only by EOD")).until).toBeUndefined();
    expect(draft(read("manager", "Liz needs figma editor, ideally before standup tomorrow")).until).toBeUndefined();
  });
  it("\"starting today\" is no scheduled start; \"for 48h\" is two days; \"until the sprint ends on the 18th\"", () => {
    expect(draft(read("employee", "need stripe view only for 3 days starting today")).until).toBe("2026-03-07");
    expect(draft(read("employee", "need stripe view only for 48h")).until).toBe("2026-03-06");
    expect(draft(read("manager", "Jake needs figma editor until the sprint ends on the 18th")).until).toBe("2026-03-18");
  });
  it("a past time is context (\"same as last year\", \"from last week's request\")", () => {
    const r = draft(read("sales_manager", "Bob needs HubSpot viewer again, same as last year"));
    expect(r.referencePeers).toBeUndefined();
    expect(items(r)).toEqual(["hubspot:viewer"]);
    expect(items(read("manager", "Jake needs Figma editor from last week's request"))).toEqual(["figma:editor"]);
    // "the last week of March" is a time to come: not dropped (asked about, since it is not read yet).
    expect(read("manager", "give jake github write for the last week of march").kind).not.toBe("draft");
  });
});

describe("the eighth held-out set", () => {
  it("nl-chat-blind5.json: no unsafe draft, ≥ 95% right", async () => {
    const run = await evaluatePhraseSet(set(), "parser");
    expect(run.report.unsafe, JSON.stringify(run.report.failures.filter((f) => f.unsafe))).toBe(0);
    expect(run.report.right / run.report.total).toBeGreaterThanOrEqual(0.95);
  });
});

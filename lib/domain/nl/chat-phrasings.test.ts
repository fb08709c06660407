// The failure kinds found by the chat-style held-out set (scripts/bench/nl-chat.json), one test each, on the demo
// organisation of the phrase files (today is fixed in the file: no test depends on the date it runs).
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { demoApplications, loadPhraseSet } from "@/lib/services/requests/nl-eval";
import { directoryFor, type PhraseSet } from "./phrase-set";
import { parseRequest, type ParseResult, type RequestDraft } from "./parser";

let set: PhraseSet;
beforeAll(async () => {
  set = await loadPhraseSet(path.join(__dirname, "../../../scripts/bench/nl-chat.json"));
});

const read = (persona: string, text: string, choices?: Record<string, string>): ParseResult => {
  const { dir, requesterId } = directoryFor(set, demoApplications(), persona);
  return parseRequest(text, dir, { requesterId, today: set.today, choices });
};
const draft = (r: ParseResult): RequestDraft => {
  expect(r, JSON.stringify(r)).toMatchObject({ kind: "draft" });
  return r as RequestDraft;
};
const items = (r: ParseResult) => draft(r).items.map((i) => i.entitlementId ?? i.applicationId);
const notADraft = (r: ParseResult) => expect(r.kind, JSON.stringify(r)).not.toBe("draft");

describe("negations and removals said in other words", () => {
  it("\"shouldn't be a … anymore\" is a removal, never a grant", () => {
    const r = draft(read("admin", "Leo shouldn't be a Workday HR Partner anymore"));
    expect(r).toMatchObject({ action: "revoke", beneficiary: { personId: "p-leo" } });
    expect(items(r)).toEqual(["workday:hr-partner"]);
  });
  it("a grant verb after a negation asks whether to grant or remove", () => {
    for (const t of ["dont give Jake GitHub repo write", "Jake won't need Slack full member"]) {
      const r = read("manager", t);
      if (r.kind === "draft") expect(r.action, t).toBe("revoke");
      else expect(r.kind, t).not.toBe("draft");
    }
    expect(read("manager", "dont give Jake GitHub repo write")).toMatchObject({ kind: "ambiguous", field: "action" });
  });
  it("\"no longer uses … shut that off\", \"can come off\" are removals", () => {
    expect(draft(read("manager", "Priya no longer uses Vercel, can we shut that off"))).toMatchObject({ action: "revoke", beneficiary: { personId: "p-priya" }, items: [{ applicationId: "vercel" }] });
    expect(draft(read("sales_manager", "Ana can come off Gong now"))).toMatchObject({ action: "revoke", beneficiary: { personId: "p-ana" } });
  });
  it("\"…, remove it after\" ends a grant; it is not a second, opposite request", () => {
    const r = draft(read("app_owner", "Raj needs Vercel developer on the 20th only, remove it after"));
    expect(r).toMatchObject({ action: "grant", until: "2026-03-20" });
    expect(items(r)).toEqual(["vercel:developer"]);
  });
});

describe("copying someone's access", () => {
  it("\"X should match my access\": X receives, the requester is copied", () => {
    expect(draft(read("app_owner", "Raj should match my access"))).toMatchObject({ beneficiary: { personId: "p-raj" }, referencePeers: { filter: { personIds: ["p-nina"] } } });
  });
  it("\"match A's access to B's\" does not say who copies whom: no draft", () => notADraft(read("sales_manager", "match Samantha's access to Tim's")));
  it("\"whatever Bob's got\" and \"same setup as\" copy a peer", () => {
    expect(draft(read("sales_manager", "Ana needs whatever Bob's got"))).toMatchObject({ beneficiary: { personId: "p-ana" }, referencePeers: { filter: { personIds: ["p-bob"] } } });
    expect(draft(read("manager", "same setup as Priya for Omar Siddiqui pls"))).toMatchObject({ beneficiary: { personId: "p-omar-s" }, referencePeers: { filter: { personIds: ["p-priya"] } } });
  });
});

describe("people and roles named loosely", () => {
  it("a given name and an initial pick the one person (\"omar h\"); an initial nobody has asks", () => {
    expect(draft(read("manager", "omar h needs pagerduty responder tbh"))).toMatchObject({ beneficiary: { personId: "p-omar-h" } });
    notADraft(read("manager", "give Omar K Sentry member"));
  });
  it("\"finance vault\", \"engineering vault\", \"github maintain\" name the role", () => {
    expect(items(read("admin", "remove Katherine Brooks from the Finance vault in 1Password"))).toEqual(["1password:vault-finance"]);
    expect(items(read("admin", "Leo needs 1pw engineering vault"))).toEqual(["1password:vault-engineering"]);
    expect(items(read("employee", "I need the gdrive finance shared drive"))).toEqual(["google-workspace:drive-finance"]);
    expect(items(read("manager", "can my senior engineer have github maintain"))).toEqual(["github:repo-maintain"]);
  });
  it("a chat word next to an application never picks a privileged role (\"Okta, can you help\" asks)", () => {
    expect(read("employee", "I need Okta, can you help")).toMatchObject({ kind: "ambiguous", field: "entitlement:okta" });
  });
  it("a misspelt role keeps its own common word (\"reprts only\")", () => expect(items(read("employee", "need quickbooks reprts only"))).toEqual(["quickbooks:reports-only"]));
});

describe("filler words and politeness", () => {
  it("\"before I forget\", \"I think\" are not the requester asking for themselves", () => {
    expect(draft(read("app_owner", "before I forget, Raj needs Loom creator"))).toMatchObject({ beneficiary: { kind: "person", personId: "p-raj" } });
    expect(draft(read("app_owner", "I think Raj needs Loom creator"))).toMatchObject({ beneficiary: { kind: "person", personId: "p-raj" } });
  });
  it("\"month end\" is an event, not a date or a name", () => {
    expect(items(read("employee", "preparing month end - need NetSuite AP approver"))).toEqual(["netsuite:ap-approver"]);
  });
  it("\"before his first on-call shift\" is a reason: no PagerDuty question", () => {
    const r = draft(read("manager", "Kenji needs sentry member before his first on-call shift"));
    expect(items(r)).toEqual(["sentry:member"]);
    expect(r.justification).toContain("on-call shift");
  });
  it("\"I'd love …\" and \"can Bob have Zoom\" are grants (the second asks which Zoom role)", () => {
    expect(items(read("employee", "I'd love a Tableau Explorer seat if that's ok"))).toEqual(["tableau:explorer"]);
    expect(read("sales_manager", "can Bob have Zoom")).toMatchObject({ kind: "ambiguous", field: "entitlement:zoom" });
  });
});

describe("reasons kept", () => {
  it.each([
    ["manager", "Priya needs Snowflake ANALYST, she's building the retention model", "retention model"],
    ["sales_manager", "Ana needs HubSpot sales hub seat - she's taking over the Acme account", "Acme account"],
    ["employee", "requesting Stripe refund analyst, we're cleaning up Q1 refunds", "Q1 refunds"],
    ["manager", "Omar Siddiqui needs Snowflake PII_READER for the GDPR data export", "GDPR data export"],
  ])("%s: %s", (persona, text, reason) => expect(draft(read(persona, text)).justification).toContain(reason));
});

describe("refusals", () => {
  it.each(["i forgot my okta pw", "2fa isn't working on my phone, pls help"])("%s goes to the helpdesk", (t) => expect(read("employee", t)).toMatchObject({ kind: "not_understood", refused: true }));
});

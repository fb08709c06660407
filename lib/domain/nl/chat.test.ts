import { describe, expect, it } from "vitest";
import { aliasesFor, cleanAliases, nicknamesOf } from "./aliases";
import { normalizeChat, refusalOf } from "./chat";
import { findDuration } from "./durations";
import { findJustification } from "./justification";

describe("normalizeChat", () => {
  it.each([
    ["gonna need acess to tableau", "going to need access to tableau"],
    ["lemme get sfdc pls", "let me get sfdc please"],
    ["hook me up w/ datadog", "give me datadog"],
    ["can u gimme gh", "can you give me gh"],
    ["set Jake up like Priya", "give Jake the same access as Priya"],
    ["need it b/c on call next wk", "need it because on call next weeks"],
    ["Priya no longer uses Vercel, can we shut that off", "Priya no longer uses Vercel, can we remove that"],
    ["turn off Jake's Slack", "remove Jake's Slack"],
    ["Raj needs Vercel developer on the 20th only, remove it after", "Raj needs Vercel developer on the 20th only"],
    ["pls giv me zoom licenced user tbh", "please give me zoom licensed user"],
  ])("%s → %s", (a, b) => expect(normalizeChat(a)).toBe(b));
});

describe("refusalOf", () => {
  it.each(["make me admin of everything", "reset my password", "I'm locked out", "give me admin on all the systems", "my MFA reset please", "full access to every app for me", "i forgot my okta pw", "2fa isn't working on my phone"])("refuses %s", (t) =>
    expect(refusalOf(t)).not.toBeNull(),
  );
  it.each(["give Priya Okta read-only administrator", "I need 1Password member", "admin access to Jira for the password policy audit"])("lets %s through", (t) => expect(refusalOf(t)).toBeNull());
});

describe("findJustification", () => {
  it.each([
    ["I need Snowflake ANALYST for the Q3 audit", "for the Q3 audit"],
    ["give me Tableau creator to build the pipeline report", "to build the pipeline report"],
    ["Tim needs Zendesk light agent - he is supporting the Acme renewal", "he is supporting the Acme renewal"],
    ["Carta please, preparing the board deck", "preparing the board deck"],
    ["give Sam HubSpot because she runs the webinar campaign", "because she runs the webinar campaign"],
    ["Priya needs Snowflake ANALYST, she's building the retention model", "she's building the retention model"],
    ["Kenji needs Sentry member before his first on-call shift", "before his first on-call shift"],
  ])("%s", (t, reason) => expect(findJustification(t)?.text).toBe(reason));
  it.each(["add Sam to Slack", "give me access to Jira", "I need write access for Priya"])("finds no reason in %s", (t) => expect(findJustification(t)).toBeNull());
});

describe("end dates are relative to the injected day", () => {
  // Two different "todays": the same phrases move with them (nothing reads the machine's clock).
  it.each([
    ["2026-03-04", "until the 31st", "2026-03-31"],
    ["2026-04-10", "on the 31st", null],
    ["2026-04-10", "until the 3rd", "2026-05-03"],
    ["2026-03-04", "till end of quarter", "2026-03-31"],
    ["2026-05-20", "through the end of the quarter", "2026-06-30"],
    ["2026-08-01", "until end of Q2", "2027-06-30"],
    ["2026-03-04", "until EOM", "2026-03-31"],
    ["2026-03-04", "for the rest of the week", "2026-03-06"],
    ["2026-03-04", "until 3/31", "2026-03-31"],
    ["2027-11-02", "thru the 3rd of January", "2028-01-03"],
    ["2026-03-04", "before Friday", "2026-03-06"],
  ])("today %s: %s → %s", (today, phrase, until) => {
    const r = findDuration(`give Priya Jira ${phrase}`, today);
    if (until === null) expect(r?.kind).toBe("error");
    else expect(r).toMatchObject({ kind: "duration", until });
  });
  it("a date without an end-date word is not an end date", () => {
    expect(findDuration("give Priya Jira next week", "2026-03-04")).toBeNull();
  });
});

describe("aliases", () => {
  it("merges built-in and stored aliases, cleaned", () => {
    expect(aliasesFor({ key: "github", name: "GitHub", aliases: ["Code", "gh"] })).toEqual(["gh", "git hub", "code"]);
    expect(cleanAliases(["  The Wiki ", "the wiki", "x", "a".repeat(41)])).toEqual(["the wiki"]);
    expect(nicknamesOf("Robert")).toContain("bob");
  });
});

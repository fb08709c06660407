/**
 * The language-model path against a real OpenAI-compatible server run here (node:http on a free port) that speaks
 * the protocol: POST /v1/chat/completions with `tools` and `tool_choice`, answered with `tool_calls`. The server
 * answers from a table of canned tool calls keyed by the user's text (and records every request), so the test
 * checks what Gatehouse sends and what it does with each answer: the parser resolves the model's draft, permissions
 * and requestability apply as for the parser, a model naming another person or a stronger role changes nothing,
 * and errors, timeouts and missing tool calls fall back to the parser.
 */
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { directoryFor, type PhraseSet } from "@/lib/domain/nl/phrase-set";
import { testPerson } from "@/lib/testing/fixtures";
import { freePort } from "@/lib/testing/free-port";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { demoApplications, evaluatePhraseSet, loadPhraseSet } from "./nl-eval";
import { interpretWithLlm, type LlmConfig } from "./nl-llm";
import { nlDraft } from "./nl-draft";

type Call = { action: string; beneficiary: string; items: Array<{ application: string; role?: string }>; copy_access_from?: string; until?: string; justification?: string };
const answers = new Map<string, Call | "500" | "slow" | "no-tool" | "bad-json">();
const seen: Array<{ auth?: string; body: { model: string; messages: Array<{ role: string; content: string }>; tools: unknown[]; tool_choice: unknown } }> = [];
let server: http.Server;
let cfg: LlmConfig;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") return void res.writeHead(404).end();
      const body = JSON.parse(raw);
      seen.push({ auth: req.headers.authorization, body });
      const user = body.messages.find((m: { role: string }) => m.role === "user")?.content ?? "";
      const a = answers.get(user);
      if (a === "500" || a === undefined) return void res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "boom" } }));
      if (a === "slow") return void setTimeout(() => res.writeHead(200).end("{}"), 1500).unref();
      const message =
        a === "no-tool"
          ? { role: "assistant", content: "Sure! I can help with that." }
          : { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "draft_access_request", arguments: a === "bad-json" ? "{not json" : JSON.stringify(a) } }] };
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", created: 0, model: body.model, choices: [{ index: 0, message, finish_reason: a === "no-tool" ? "stop" : "tool_calls" }] }),
      );
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  cfg = { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: "test-model", apiKey: "sk-test-key", timeoutMs: 5000 };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the model behind the parser (phrase-set directory)", () => {
  let set: PhraseSet;
  beforeAll(async () => {
    set = await loadPhraseSet(path.join(__dirname, "../../../scripts/bench/nl-phrases.json"));
  });
  const run = async (persona: string, text: string) => {
    const { dir, requesterId } = directoryFor(set, demoApplications(), persona);
    return interpretWithLlm({ text, dir, opts: { requesterId, today: set.today }, config: cfg });
  };

  it("sends chat/completions with the draft tool forced, the model and a bearer key; the parser resolves the model's draft", async () => {
    const text = "could my newest guy get the repo thing, write level, he's fixing the deploy job";
    answers.set(text, { action: "grant", beneficiary: "my new hire", items: [{ application: "GitHub", role: "repository write" }], justification: "fixing the deploy job" });
    const out = await run("manager", text);
    expect(out.backend).toBe("llm");
    expect(out.result).toMatchObject({ kind: "draft", action: "grant", beneficiary: { personId: "p-jake" }, items: [{ entitlementId: "github:repo-write" }], justification: "fixing the deploy job" });
    const last = seen.at(-1)!;
    expect(last.auth).toBe("Bearer sk-test-key");
    expect(last.body.model).toBe("test-model");
    expect(last.body.tool_choice).toMatchObject({ type: "function", function: { name: "draft_access_request" } });
    expect(JSON.stringify(last.body.tools)).toContain("draft_access_request");
    expect(JSON.stringify(last.body)).not.toContain("sk-test-key");
  });

  it("cannot widen: a person the text does not name, or a role it does not mention, is not taken from the model", async () => {
    const t1 = "I need Datadog read only";
    answers.set(t1, { action: "grant", beneficiary: "Priya Raman", items: [{ application: "Datadog", role: "read only" }] });
    expect((await run("manager", t1)).result).toMatchObject({ kind: "draft", beneficiary: { personId: "p-dana" } });
    const t2 = "I need GitHub";
    answers.set(t2, { action: "grant", beneficiary: "me", items: [{ application: "GitHub", role: "security manager" }] });
    expect((await run("manager", t2)).result).toMatchObject({ kind: "ambiguous", field: "entitlement:github" });
    // A name the directory of this persona does not hold stays unresolved, whatever the model says.
    const t3 = "give Katherine NetSuite AP clerk";
    answers.set(t3, { action: "grant", beneficiary: "Katherine Brooks", items: [{ application: "NetSuite", role: "AP clerk" }] });
    expect((await run("employee", t3)).result.kind).not.toBe("draft");
    // The parser's questions about who is meant and its refusals are final.
    answers.set("give Omar Datadog standard", { action: "grant", beneficiary: "Omar Haddad", items: [{ application: "Datadog", role: "standard" }] });
    expect((await run("manager", "give Omar Datadog standard")).result).toMatchObject({ kind: "ambiguous", field: "person:omar" });
    const before = seen.length;
    expect((await run("employee", "make me admin of everything")).result).toMatchObject({ kind: "not_understood", refused: true });
    expect(seen.length).toBe(before); // not even sent to the model
  });

  const fallbackTexts = { "500": "Jake needs acess to pd responder", slow: "Jake needs access to PagerDuty responder", "no-tool": "please give Jake pd responder", "bad-json": "jake needs pagerduty responder" } as const;
  it.each(["500", "slow", "no-tool", "bad-json"] as const)("falls back to the parser when the model answers %s", async (kind) => {
    const text = fallbackTexts[kind];
    answers.set(text, kind);
    const { dir, requesterId } = directoryFor(set, demoApplications(), "manager");
    const out = await interpretWithLlm({ text, dir, opts: { requesterId, today: set.today }, config: { ...cfg, timeoutMs: kind === "slow" ? 300 : cfg.timeoutMs } });
    expect(out.backend).toBe("parser");
    expect(out.fallbackReason).toBeTruthy();
    expect(out.result).toMatchObject({ kind: "draft", items: [{ entitlementId: "pagerduty:responder" }] });
  });

  it("nl eval --backend llm scores a phrase file through the server", async () => {
    const small: PhraseSet = { ...set, cases: set.cases.filter((c) => ["grant", "unsafe/refusal"].includes(c.category)).slice(0, 12) };
    for (const c of small.cases) answers.delete(c.text); // unknown to the server → HTTP 500 → the parser answers
    const r = await evaluatePhraseSet(small, "llm", cfg);
    expect(r.report.total).toBe(12);
    expect(r.report.unsafe).toBe(0);
    expect(r.fallbacks).toBeGreaterThan(0);
  });
});

for (const driver of testDrivers()) {
  describe(`nlDraft with the model on ${driver.label}`, () => {
    let t: TestDb;
    const lead = testPerson("Lena", { title: "Engineering Manager" });
    const kai = testPerson("Kai", { title: "Software Engineer", managerId: lead.id });
    const out = testPerson("Otto", { title: "Accountant", department: "Finance" });
    const ent: Record<string, string> = {};
    const actor = (p: { id: string; displayName: string; email: string }): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles: ["employee", "manager"], ownedApplicationIds: [] });
    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([lead, kai, out]);
      const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "manual", aliases: ["the forge"] }).returning();
      const rows = await t.db
        .insert(entitlements)
        .values([
          { applicationId: app!.id, externalId: "read", name: "Read", level: "read", sensitivity: "low" },
          { applicationId: app!.id, externalId: "write", name: "Write", level: "edit", sensitivity: "medium" },
          { applicationId: app!.id, externalId: "owner", name: "Owner", level: "admin", sensitivity: "critical", privileged: true, requestable: false },
        ])
        .returning();
      for (const r of rows) ent[r.externalId] = r.id;
    });
    afterAll(async () => t?.close());

    it("a model's draft goes through the same checks: the stored alias, the reporting line, requestability", async () => {
      const text = "kai needs write on the forge to ship the release";
      answers.set(text, { action: "grant", beneficiary: "Kai", items: [{ application: "the forge", role: "write" }], justification: "to ship the release" });
      const d = await nlDraft({ ctx: { actor: actor(lead), db: t.db, clock: () => new Date("2026-03-04T10:00:00Z") }, input: { text }, llm: cfg });
      expect(d).toMatchObject({ kind: "draft", beneficiary: { id: kai.id }, items: [{ entitlementId: ent.write }], justification: "to ship the release", submittable: true });
      // Otto is outside Lena's line: the model naming him changes nothing.
      const t2 = "give Otto write on the forge";
      answers.set(t2, { action: "grant", beneficiary: "Otto", items: [{ application: "Code", role: "write" }] });
      const d2 = await nlDraft({ ctx: { actor: actor(lead), db: t.db, clock: () => new Date("2026-03-04T10:00:00Z") }, input: { text: t2 }, llm: cfg });
      expect(d2.kind === "draft" && d2.beneficiary?.id === out.id).toBe(false);
      // A role nobody may request stays unrequestable through the model.
      const t3 = "I need the forge owner";
      answers.set(t3, { action: "grant", beneficiary: "me", items: [{ application: "Code", role: "owner" }] });
      const d3 = await nlDraft({ ctx: { actor: actor(lead), db: t.db, clock: () => new Date("2026-03-04T10:00:00Z") }, input: { text: t3 }, llm: cfg });
      expect(d3.kind === "draft" && d3.submittable).toBe(false);
    });
  });
}

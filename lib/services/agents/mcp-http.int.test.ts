/**
 * The MCP server over Streamable HTTP, driven by the SDK's own client against the real route handler
 * (app/api/mcp/route.ts) served on a free port, on PGlite (and PostgreSQL when TEST_DATABASE_URL is set). Read back: requests, approval steps, inboxes, audit rows.
 *
 * Fixture: Vic (VP) ← Mia (manager, sponsor of the agents) ← Ben; Olga owns "Code"; Sam is security.
 * Agents: reader (read), filer (read, request), approver-bot (read, decide; co-owner of Code).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessRequestItems, accessRequests, agents, applicationOwners, applications, approvalSteps, auditEvents, entitlements, people, portalRoleAssignments } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import { createRequest } from "@/lib/services/requests/create-request";
import { listInbox } from "@/lib/services/requests/list-inbox";
import { testPerson } from "@/lib/testing/fixtures";
import { serveRoute } from "@/lib/testing/serve-route";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { createAgent, disableAgent } from "./agents";
import { createPersonalToken } from "./tokens";

const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"] = ["employee"], owned: string[] = []): Actor => ({
  personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: owned,
});
type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }> };
const text = (r: unknown) => (r as ToolResult).content.map((c) => c.text).join("\n");
const data = <T = Record<string, unknown>>(r: unknown) => JSON.parse(text(r)) as T;

for (const driver of testDrivers())
  describe(`MCP over Streamable HTTP (route handler on a free port) on ${driver.label}`, () => {
  let t: TestDb;
  let srv: { url: string; close(): Promise<void> };
  const vic = testPerson("Vic", { title: "VP Engineering" });
  const mia = testPerson("Mia", { title: "Engineering Manager", managerId: vic.id });
  const ben = testPerson("Ben", { managerId: mia.id });
  const olga = testPerson("Olga", { department: "IT", title: "IT Lead" });
  const sam = testPerson("Sam", { department: "Security", title: "Security Engineer" });
  const ent: Record<string, string> = {};
  let appId = "";
  const tokens: Record<string, string> = {};
  const agentIds: Record<string, string> = {};
  const clients: Client[] = [];

  const connect = async (token: string) => {
    const c = new Client({ name: "test", version: "1" });
    await c.connect(new StreamableHTTPClientTransport(new URL(`${srv.url}/api/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    clients.push(c);
    return c;
  };
  const call = (c: Client, name: string, args: Record<string, unknown> = {}) => c.callTool({ name, arguments: args });

  beforeAll(async () => {
    t = await driver.open();
    // The route handler reads the web process's shared handle: point it at this test database.
    (globalThis as { __gatehouseDb?: Promise<unknown> }).__gatehouseDb = Promise.resolve(t);
    await t.db.insert(people).values([vic, mia, ben, olga, sam]);
    await t.db.insert(portalRoleAssignments).values({ personId: sam.id, role: "security" });
    const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "manual" }).returning();
    appId = app!.id;
    await t.db.insert(applicationOwners).values({ applicationId: appId, personId: olga.id });
    for (const r of await t.db
      .insert(entitlements)
      .values([
        { applicationId: appId, externalId: "read", name: "Read", level: "read", sensitivity: "low" },
        { applicationId: appId, externalId: "write", name: "Write", level: "edit", sensitivity: "medium" },
        { applicationId: appId, externalId: "admin", name: "Admin", level: "admin", sensitivity: "high", privileged: true },
      ])
      .returning())
      ent[r.externalId] = r.id;
    const miaCtx = { db: t.db, actor: actorOf(mia, ["employee", "manager"]) };
    for (const [name, scopes] of [["reader", ["read"]], ["filer", ["read", "request"]], ["approver-bot", ["read", "decide"]]] as const) {
      const a = await createAgent({ ctx: miaCtx, input: { name, purpose: `test ${name}`, scopes: [...scopes] } });
      tokens[name] = a.token;
      agentIds[name] = a.id;
    }
    // approver-bot co-owns Code: privileged requests are routed to it too.
    const [bot] = await t.db.select().from(agents).where(eq(agents.id, agentIds["approver-bot"]!));
    await t.db.insert(applicationOwners).values({ applicationId: appId, personId: bot!.personId });
    tokens.ben = (await createPersonalToken({ ctx: { db: t.db, actor: actorOf(ben) }, input: { name: "ben's assistant", scopes: ["read", "request", "decide"] } })).token;
    tokens.mia = (await createPersonalToken({ ctx: miaCtx, input: { name: "mia's assistant", scopes: ["read", "request", "decide"] } })).token;
    const { POST, GET, DELETE } = await import("@/app/api/mcp/route");
    srv = await serveRoute({ POST, GET, DELETE });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await srv?.close();
    delete (globalThis as { __gatehouseDb?: unknown }).__gatehouseDb;
    await t?.close();
  });

  it("no token, a wrong token → 401 before any MCP processing", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const post = (auth?: string) =>
      fetch(`${srv.url}/api/mcp`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify(init) });
    expect((await post()).status).toBe(401);
    const r = await post("Bearer gha_" + "x".repeat(43));
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toMatch(/Bearer/);
    await expect(connect("gha_" + "y".repeat(43))).rejects.toThrow();
  });

  it("lists the tools; whoami names the agent and its sponsor", async () => {
    const c = await connect(tokens.reader!);
    const names = (await c.listTools()).tools.map((x) => x.name);
    for (const n of ["whoami", "search_people", "explain_access", "my_requests", "my_approvals", "draft_request", "file_request", "decide_approval", "list_review_items", "decide_review_item", "findings", "analyze_roles_csv"])
      expect(names).toContain(n);
    const me = data<{ kind: string; name: string; scopes: string[]; agent: { sponsor: { email: string } } }>(await call(c, "whoami"));
    expect(me).toMatchObject({ kind: "agent", name: "reader", scopes: ["read"] });
    expect(me.agent.sponsor.email).toBe(mia.email);
    // Reads within the sponsor's line only (Ben, and the sponsor's agents).
    const found = data<{ people: Array<{ email: string }> }>(await call(c, "search_people", { query: "" }));
    const emails = found.people.map((p) => p.email);
    expect(emails).toContain(ben.email);
    for (const outside of [vic.email, olga.email, sam.email, mia.email]) expect(emails).not.toContain(outside);
  });

  it("a read-scoped agent is refused a request-filing call (audited with agent and sponsor); nothing is filed", async () => {
    const c = await connect(tokens.reader!);
    const r = await call(c, "file_request", { entitlementIds: [ent.write], beneficiary: ben.email, justification: "needs it" });
    expect((r as ToolResult).isError).toBe(true);
    expect(text(r)).toMatch(/"request" scope/);
    expect(await t.db.select().from(accessRequests)).toHaveLength(0);
    const [a] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "mcp.call"), eq(auditEvents.targetId, "file_request")));
    expect(a).toMatchObject({ actorKind: "agent", data: expect.objectContaining({ outcome: "refused", agentId: agentIds.reader, sponsorId: mia.id }) });
  });

  it("a request filed by a request-scoped agent is scored, routed and lands in the beneficiary's manager's inbox", async () => {
    const c = await connect(tokens.filer!);
    const draft = data<{ kind: string }>(await call(c, "draft_request", { text: "Code Write for Ben" }));
    expect(["draft", "ambiguous", "not_understood"]).toContain(draft.kind);
    const r = await call(c, "file_request", { entitlementIds: [ent.write], beneficiary: ben.email, justification: "on-call rotation" });
    expect((r as ToolResult).isError).toBeFalsy();
    const out = data<{ requestId: string; items: Array<{ route: string; riskScore: number; waitingFor: Array<{ email: string }> }> }>(r);
    expect(out.items[0]!.route).toBe("manager");
    expect(typeof out.items[0]!.riskScore).toBe("number");
    expect(out.items[0]!.waitingFor.map((w) => w.email)).toEqual([mia.email]);
    const [req] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, out.requestId));
    const [bot] = await t.db.select().from(agents).where(eq(agents.id, agentIds.filer!));
    expect(req).toMatchObject({ requesterId: bot!.personId, beneficiaryId: ben.id, channel: "api" });
    const inbox = await listInbox({ ctx: { db: t.db, actor: actorOf(mia, ["employee", "manager"]) } });
    expect(inbox.map((s) => s.requestId)).toContain(out.requestId);
    // Never for itself, never outside the sponsor's line.
    const self = await call(c, "file_request", { entitlementIds: [ent.read], beneficiary: bot!.personId });
    expect((self as ToolResult).isError).toBe(true);
    const other = await call(c, "file_request", { entitlementIds: [ent.read], beneficiary: olga.email });
    expect((other as ToolResult).isError).toBe(true);
  });

  it("self-approval is refused: a person's assistant cannot approve their own request", async () => {
    const m = await connect(tokens.mia!);
    const filed = data<{ requestId: string }>(await call(m, "file_request", { entitlementIds: [ent.write], justification: "for the migration" }));
    const [item] = await t.db.select().from(accessRequestItems).where(eq(accessRequestItems.requestId, filed.requestId));
    const [step] = await t.db.select().from(approvalSteps).where(eq(approvalSteps.itemId, item!.id));
    expect(step!.approverId).toBe(vic.id);
    const r = await call(m, "decide_approval", { stepId: step!.id, decision: "approve" });
    expect((r as ToolResult).isError).toBe(true);
    expect((await t.db.select().from(approvalSteps).where(eq(approvalSteps.id, step!.id)))[0]!.status).toBe("pending");
  });

  it("an agent never decides privileged access, even when it is routed to it", async () => {
    const b = await connect(tokens.ben!);
    const filed = data<{ requestId: string; items: Array<{ route: string }> }>(await call(b, "file_request", { entitlementIds: [ent.admin], justification: "production incident duty" }));
    expect(filed.items[0]!.route).toBe("owner_security");
    const [bot] = await t.db.select().from(agents).where(eq(agents.id, agentIds["approver-bot"]!));
    const [item] = await t.db.select().from(accessRequestItems).where(eq(accessRequestItems.requestId, filed.requestId));
    const [step] = await t.db.select().from(approvalSteps).where(and(eq(approvalSteps.itemId, item!.id), eq(approvalSteps.approverId, bot!.personId)));
    expect(step).toBeDefined();
    const c = await connect(tokens["approver-bot"]!);
    const r = await call(c, "decide_approval", { stepId: step!.id, decision: "approve" });
    expect((r as ToolResult).isError).toBe(true);
    expect(text(r)).toMatch(/never decides privileged/);
    expect((await t.db.select().from(approvalSteps).where(eq(approvalSteps.id, step!.id)))[0]!.status).toBe("pending");
    // A read-only... no: a decide-scoped agent still cannot file (no request scope).
    expect(((await call(c, "file_request", { entitlementIds: [ent.read], beneficiary: ben.email })) as ToolResult).isError).toBe(true);
  });

  it("agents get access only through their sponsor; the sponsor's manager approves it", async () => {
    const [bot] = await t.db.select().from(agents).where(eq(agents.id, agentIds.reader!));
    await expect(createRequest({ ctx: { db: t.db, actor: actorOf(vic, ["employee", "manager", "admin"]) }, input: { beneficiaryId: bot!.personId, items: [{ entitlementId: ent.read }] } })).rejects.toBeInstanceOf(ForbiddenError);
    const r = await createRequest({ ctx: { db: t.db, actor: actorOf(mia, ["employee", "manager"]) }, input: { beneficiaryId: bot!.personId, items: [{ entitlementId: ent.read }], justification: "reads the wiki" } });
    expect(r.items[0]!.route).toBe("manager");
    const steps = await t.db.select().from(approvalSteps).where(eq(approvalSteps.itemId, r.items[0]!.itemId));
    expect(steps.map((s) => [s.approverKind, s.approverId])).toEqual([["sponsor", vic.id]]);
    // An agent cannot create agents (no such tool path either: the service refuses an agent actor).
    await expect(createAgent({ ctx: { db: t.db, actor: { ...actorOf({ id: bot!.personId, displayName: "reader", email: "r@x" }), agent: { id: bot!.id, name: "reader", sponsorId: mia.id } } }, input: { name: "child", sponsorEmail: mia.email } })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("the kill switch ends access at the next call (401); the audit chain holds", async () => {
    const c = await connect(tokens.reader!);
    expect(((await call(c, "whoami")) as ToolResult).isError).toBeFalsy();
    const k = await disableAgent({ ctx: { db: t.db, actor: actorOf(mia, ["employee", "manager"]) }, input: { agent: "reader", reason: "test" } });
    expect(k.tokensRevoked).toBe(1);
    await expect(call(c, "whoami")).rejects.toThrow(/401|Unauthorized/i);
    const [a] = await t.db.select().from(agents).where(eq(agents.id, agentIds.reader!));
    expect(a!.status).toBe("disabled");
    const [p] = await t.db.select().from(people).where(eq(people.id, a!.personId));
    expect(p!.status).toBe("terminated");
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.action, "agent.disabled"))).length).toBe(1);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });
});

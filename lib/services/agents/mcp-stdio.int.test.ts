/**
 * The MCP server over stdio: the SDK's client spawns the real CLI (`gatehouse mcp`, token from GATEHOUSE_TOKEN)
 * against a fresh database on the real PostgreSQL (a second process cannot open the test's in-memory PGlite).
 * Read back: the request rows and routing the tool call produced; the kill switch ends access mid-session.
 */
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { accessRequests, applications, auditEvents, entitlements, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { testPerson } from "@/lib/testing/fixtures";
import { DEFAULT_TEST_PG_URL, pgAvailable, PG_INSTALL_HINT } from "@/lib/testing/postgres";
import { requireOrSkip } from "@/lib/testing/require-server";
import { postgresTestDb, type TestDb } from "@/lib/testing/test-db";
import { createAgent, disableAgent } from "./agents";

const describePg = requireOrSkip("PostgreSQL", await pgAvailable(), PG_INSTALL_HINT);
const root = path.resolve(import.meta.dirname, "../../..");
type ToolResult = { isError?: boolean; content: Array<{ type: string; text: string }> };
const text = (r: unknown) => (r as ToolResult).content.map((c) => c.text).join("\n");

describePg("MCP over stdio (spawning `gatehouse mcp`)", () => {
  let t: TestDb;
  const mia = testPerson("Mia", { title: "Engineering Manager" });
  const ben = testPerson("Ben", { managerId: mia.id });
  const miaActor: Actor = { personId: mia.id, name: mia.displayName, email: mia.email, roles: ["employee", "manager"], ownedApplicationIds: [] };
  let writeId = "";
  const clients: Client[] = [];

  const spawn = async (token: string) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/cli/main.ts"), "mcp"],
      cwd: root,
      env: { ...(process.env as Record<string, string>), DATABASE_URL: t.url!, GATEHOUSE_TOKEN: token },
      stderr: "pipe",
    });
    const c = new Client({ name: "stdio-test", version: "1" });
    clients.push(c);
    await c.connect(transport);
    return c;
  };

  beforeAll(async () => {
    t = await postgresTestDb(DEFAULT_TEST_PG_URL);
    await t.db.insert(people).values([mia, ben]);
    const [app] = await t.db.insert(applications).values({ key: "code", name: "Code", connectorKind: "manual" }).returning();
    const [w] = await t.db.insert(entitlements).values({ applicationId: app!.id, externalId: "write", name: "Write", level: "edit", sensitivity: "medium" }).returning();
    writeId = w!.id;
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => {});
    await t?.close();
  });

  it("lists the tools; a read-scoped agent is refused filing; a request-scoped agent's request is routed to the manager; the kill switch ends the session's access", async () => {
    const reader = await createAgent({ ctx: { db: t.db, actor: miaActor }, input: { name: "stdio-reader", scopes: ["read"] } });
    const filer = await createAgent({ ctx: { db: t.db, actor: miaActor }, input: { name: "stdio-filer", scopes: ["read", "request"] } });

    const r = await spawn(reader.token);
    const names = (await r.listTools()).tools.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(["whoami", "search_people", "explain_access", "file_request", "decide_approval", "findings", "analyze_roles_csv"]));
    expect(JSON.parse(text(await r.callTool({ name: "whoami", arguments: {} })))).toMatchObject({ kind: "agent", name: "stdio-reader" });
    const refused = await r.callTool({ name: "file_request", arguments: { entitlementIds: [writeId], beneficiary: ben.email } });
    expect((refused as ToolResult).isError).toBe(true);
    expect(text(refused)).toMatch(/"request" scope/);

    const f = await spawn(filer.token);
    const filed = await f.callTool({ name: "file_request", arguments: { entitlementIds: [writeId], beneficiary: ben.email, justification: "on call" } });
    expect((filed as ToolResult).isError).toBeFalsy();
    const out = JSON.parse(text(filed)) as { requestId: string; items: Array<{ route: string; waitingFor: Array<{ email: string }> }> };
    expect(out.items[0]).toMatchObject({ route: "manager", waitingFor: [expect.objectContaining({ email: mia.email })] });
    const [req] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, out.requestId));
    expect(req!.beneficiaryId).toBe(ben.id);

    // Kill switch while the stdio session is open: the next call is refused.
    await disableAgent({ ctx: { db: t.db, actor: miaActor }, input: { agent: "stdio-reader" } });
    const after = await r.callTool({ name: "whoami", arguments: {} });
    expect((after as ToolResult).isError).toBe(true);
    expect(text(after)).toMatch(/Unauthorized/);
    // Every call was audited with the agent and its sponsor.
    const calls = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "mcp.call"));
    expect(calls.filter((c) => (c.data as { agentId?: string }).agentId === reader.id && (c.data as { sponsorId?: string }).sponsorId === mia.id).length).toBeGreaterThanOrEqual(2);
  });

  it("a revoked or unknown token cannot start the server", async () => {
    await expect(spawn("gha_" + "z".repeat(43))).rejects.toThrow();
  });
});

/**
 * `gatehouse mcp`: the MCP server over stdio, for a local assistant (e.g. Claude Desktop). The token comes from
 * GATEHOUSE_TOKEN and is checked at start and again on every tool call (a revoked token or a disabled agent is
 * refused at once). Nothing but MCP messages goes to stdout; diagnostics go to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { migrate, openDb } from "@/db/client";
import { env } from "@/lib/env";
import { buildMcpServer } from "@/lib/services/agents/mcp-server";
import { authenticateToken } from "@/lib/services/agents/tokens";

const usage = `Usage: GATEHOUSE_TOKEN=<token> gatehouse mcp
  Serves Gatehouse's MCP tools over stdio as the token's identity (an agent token or a personal token).
  Over HTTP the same tools are at <portal URL>/api/mcp (Streamable HTTP, Authorization: Bearer <token>).
  See docs/agents.md.`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(usage);
    return 0;
  }
  const token = env().GATEHOUSE_TOKEN;
  if (!token) {
    console.error("gatehouse mcp: set GATEHOUSE_TOKEN to an agent or personal token.");
    return 2;
  }
  const h = await openDb({ holder: "gatehouse mcp" });
  await migrate(h);
  const identity = () => authenticateToken(h.db, `Bearer ${token}`);
  const me = await identity();
  if (!me) {
    console.error("gatehouse mcp: the token is invalid, revoked or expired, or its agent is disabled (401).");
    await h.close();
    return 1;
  }
  console.error(`gatehouse mcp: serving as ${me.actor.name}${me.actor.agent ? " (agent)" : ""}, scopes ${me.scopes.join(",")}`);
  const server = buildMcpServer({ db: h.db, identity });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.on("end", () => resolve());
    process.stdin.on("close", () => resolve());
  });
  await server.close().catch(() => {});
  await h.close();
  return 0;
}

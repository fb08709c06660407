/**
 * Streamable HTTP transport of the MCP server (stateless: one server per HTTP request, JSON responses).
 * The bearer token is checked first: none, unknown, revoked, expired, or a disabled / expired / sponsorless
 * agent's → 401 with WWW-Authenticate, before any MCP processing. GET/DELETE (server-initiated streams and
 * sessions) are not offered in stateless mode → 405.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Queryable } from "@/db/client";
import { buildMcpServer } from "./mcp-server";
import { authenticateToken } from "./tokens";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

export async function handleMcpHttp(req: Request, deps: { db: Queryable; clock?: () => Date }): Promise<Response> {
  const now = deps.clock ? deps.clock() : new Date();
  const id = await authenticateToken(deps.db, req.headers.get("authorization"), now);
  if (!id)
    return json(401, { jsonrpc: "2.0", error: { code: -32001, message: "Unauthorized: a valid Gatehouse bearer token is required." }, id: null }, {
      "www-authenticate": 'Bearer realm="gatehouse", error="invalid_token"',
    });
  if (req.method !== "POST") return json(405, { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed (stateless server: POST only)." }, id: null }, { allow: "POST" });
  const server = buildMcpServer({ db: deps.db, clock: deps.clock, identity: async () => id });
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req);
  } finally {
    void server.close();
  }
}

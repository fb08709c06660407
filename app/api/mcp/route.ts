import { getDb } from "@/db/client";
import { toUserError } from "@/lib/errors";
import { handleMcpHttp } from "@/lib/services/agents/mcp-http";

/** MCP (Streamable HTTP, stateless) for agents and personal assistants; bearer tokens only (docs/agents.md). */
export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  try {
    return await handleMcpHttp(req, { db: await getDb() });
  } catch (err) {
    const e = toUserError(err);
    return Response.json({ jsonrpc: "2.0", error: { code: -32603, message: e.message }, id: null }, { status: e.status });
  }
}

export const POST = handle;
export const GET = handle;
export const DELETE = handle;

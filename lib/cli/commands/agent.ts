/**
 * `gatehouse agent create|list|disable|rotate`: AI agents and service accounts (lib/services/agents/agents.ts),
 * run as the CLI administrator. Tokens are printed once.
 */
import { migrate, openDb } from "@/db/client";
import type { Actor } from "@/lib/auth/can";
import { AppError } from "@/lib/errors";
import { createAgent, disableAgent, listAgents, rotateAgentToken } from "@/lib/services/agents/agents";

const usage = `Usage: gatehouse agent create --name NAME --sponsor EMAIL [--scopes read,request] [--expires YYYY-MM-DD]
                              [--purpose TEXT] [--kind agent|service_account] [--backup EMAIL]... [--json]
       gatehouse agent list [--json]
       gatehouse agent disable NAME [--reason TEXT]   kill switch: tokens and grants revoked, accounts disabled
       gatehouse agent rotate NAME [--json]           a new token; the old ones stop working at once
  Scopes: read, request, decide, admin (default read). Expiry: default 90 days, at most a year.
  The token is printed once (with --json: {"id": …, "token": …}). Connect it to the MCP server: docs/agents.md.`;

const cliAdmin: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };

function opts(argv: string[]) {
  const flags: Record<string, string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json" || a === "--help" || a === "-h") (flags[a] ??= []).push("1");
    else if (a.startsWith("--")) {
      const [k, inline] = a.split("=", 2) as [string, string | undefined];
      const v = inline ?? argv[++i];
      if (v === undefined) throw new AppError("usage", `${k} needs a value`);
      (flags[k] ??= []).push(v);
    } else positional.push(a);
  }
  return { flags, positional, one: (k: string) => flags[k]?.at(-1) };
}

export async function run(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  let o: ReturnType<typeof opts>;
  try {
    o = opts(rest);
  } catch (e) {
    console.error((e as Error).message + "\n\n" + usage);
    return 2;
  }
  if (!verb || !["create", "list", "disable", "rotate"].includes(verb) || o.flags["--help"] || o.flags["-h"]) {
    console.log(usage);
    return verb === "--help" || verb === "-h" || o.flags["--help"] ? 0 : 2;
  }
  const json = Boolean(o.flags["--json"]);
  if (verb === "create" && (!o.one("--name") || !o.one("--sponsor"))) {
    console.error("agent create needs --name NAME and --sponsor EMAIL\n\n" + usage);
    return 2;
  }
  if ((verb === "disable" || verb === "rotate") && !o.positional[0]) {
    console.error(`agent ${verb} needs the agent's NAME\n\n${usage}`);
    return 2;
  }
  const h = await openDb({ holder: `gatehouse agent ${verb}` });
  try {
    await migrate(h);
    const ctx = { db: h.db, actor: cliAdmin };
    try {
      if (verb === "create") {
        const a = await createAgent({
          ctx,
          input: {
            name: o.one("--name"), sponsorEmail: o.one("--sponsor"), purpose: o.one("--purpose") ?? "", kind: o.one("--kind") ?? "agent",
            scopes: (o.one("--scopes") ?? "read").split(",").map((s) => s.trim()).filter(Boolean), expires: o.one("--expires"), backupEmails: o.flags["--backup"] ?? [],
          },
        });
        if (json) console.log(JSON.stringify({ id: a.id, token: a.token }));
        else console.log(`Created agent "${a.name}" (id ${a.id}), scopes ${a.scopes.join(",")}, expires ${a.expiresAt.toISOString().slice(0, 10)}.\nCopy its token now, it is not shown again:\n\n${a.token}\n`);
        return 0;
      }
      if (verb === "list") {
        const list = await listAgents({ ctx });
        if (json) {
          console.log(JSON.stringify(list.map((a) => ({ id: a.id, name: a.name, kind: a.kind, status: a.status, sponsor: a.sponsorEmail, scopes: a.scopes, expiresAt: a.expiresAt, lastUsedAt: a.lastUsedAt }))));
          return 0;
        }
        if (!list.length) console.log("No agents.");
        for (const a of list)
          console.log(`${a.id}  ${a.name.padEnd(24)} ${a.status.padEnd(9)} sponsor ${(a.sponsorEmail ?? "none").padEnd(28)} scopes ${a.scopes.join(",").padEnd(20)} expires ${a.expiresAt.toISOString().slice(0, 10)}  last used ${a.lastUsedAt?.toISOString() ?? "never"}`);
        return 0;
      }
      if (verb === "disable") {
        const r = await disableAgent({ ctx, input: { agent: o.positional[0], reason: o.one("--reason") } });
        if (json) console.log(JSON.stringify(r));
        else console.log(`Disabled agent "${r.name}": ${r.tokensRevoked} token(s) revoked, ${r.grantsRevoked} grant(s) revoked, ${r.operationIds.length} account operation(s) planned.`);
        return 0;
      }
      const r = await rotateAgentToken({ ctx, input: { agent: o.positional[0] } });
      if (json) console.log(JSON.stringify({ id: r.id, token: r.token }));
      else console.log(`New token for "${r.name}" (${r.revoked} old token(s) revoked). Copy it now, it is not shown again:\n\n${r.token}\n`);
      return 0;
    } catch (e) {
      if (e instanceof AppError) {
        console.error(`agent ${verb}: ${e.message}`);
        return e.status === 404 ? 1 : 2;
      }
      throw e;
    }
  } finally {
    await h.close();
  }
}

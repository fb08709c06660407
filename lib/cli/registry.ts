/**
 * The commands of `npm run gatehouse -- <command>`, one entry each: its usage forms (alternatives separated by
 * " | ", before the first ": ") and what it does. main.ts prints them as the top-level --help; the README's
 * command table is tested against them (registry.test.ts), so the two cannot drift apart.
 * Commands are imported lazily so `mine` or `risk` never pay for the database driver.
 */
export type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> };

export const commands: Record<string, Command> = {
  db: { summary: "db migrate | db status: apply the committed migrations / list applied and pending ones", load: () => import("./commands/db") },
  seed: { summary: "seed [--people N] [--seed S] [--if-empty] [--reset]: generate the demo organisation", load: () => import("./commands/seed") },
  audit: { summary: "audit verify: check the hash chain and name the first broken link", load: () => import("./commands/audit") },
  hr: { summary: "hr import FILE [--dry-run] [--only-valid] [--as-of TIME] [--overlap-days N]: apply an HR snapshot (joiners, movers, leavers)", load: () => import("./commands/hr") },
  mine: { summary: "mine FILE [--format pairs|wide|long] --json [--out OUT]: role mining", load: () => import("./commands/mine") },
  risk: { summary: "risk train | risk predict | risk cv: learned request risk model", load: () => import("./commands/risk") },
  scim: { summary: "scim token create --name NAME | scim token list | scim token revoke ID: bearer tokens for the inbound SCIM server", load: () => import("./commands/scim") },
  worker: { summary: "worker [--until-idle] [--concurrency N] [--timeout SECONDS]: execute provisioning operations (PostgreSQL)", load: () => import("./commands/worker") },
  provision: { summary: "provision --all | provision --person ID: plan operations from desired vs actual state", load: () => import("./commands/provision") },
  requests: { summary: "requests escalate [--now ISO]: approval reminders and escalation of overdue steps", load: () => import("./commands/requests") },
  lifecycle: { summary: "lifecycle sweep [--now ISO]: due leavers, arrived pre-hires, expired grants, retention deletes", load: () => import("./commands/lifecycle") },
  reconcile: { summary: "reconcile [--app KEY] [--dry-run] [--json]: read connected systems back (all, or the one named), discover groups, adopt existing memberships, report drift findings, re-plan what they miss", load: () => import("./commands/reconcile") },
  admin: { summary: "admin grant EMAIL [--role admin|auditor|security] | admin revoke EMAIL [--role admin|auditor|security] | admin list: portal roles", load: () => import("./commands/admin") },
  agent: { summary: "agent create --name NAME --sponsor EMAIL [--scopes read,request] [--expires YYYY-MM-DD] [--json] | agent list | agent disable NAME | agent rotate NAME: AI agents and service accounts as governed identities (token printed once)", load: () => import("./commands/agent") },
  mcp: { summary: "mcp: the MCP server over stdio for an assistant (token from GATEHOUSE_TOKEN; over HTTP at /api/mcp)", load: () => import("./commands/mcp") },
  nl: { summary: "nl eval FILE [--backend parser|llm] [--json] [--quiet]: score a plain-language phrase file (accuracy per category, unsafe drafts, latency)", load: () => import("./commands/nl") },
  usage: { summary: "usage import --app KEY FILE [--dry-run] [--json]: import the last sign-in of each account of one application from a CSV file (account, last_used)", load: () => import("./commands/usage") },
  apply: { summary: "apply -f FILE [--dry-run] [--json]: create/update connected systems from a JSON file (secrets as env:NAME)", load: () => import("./commands/apply") },
};

/** The usage forms of a command's summary: "db migrate | db status: …" → ["db migrate", "db status"]. */
export function usageForms(summary: string): string[] {
  const i = summary.search(/: /);
  return (i < 0 ? summary : summary.slice(0, i)).split(" | ").map((f) => f.trim().replace(/\s+/g, " "));
}

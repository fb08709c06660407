/**
 * `npm run gatehouse -- <command>`: the command-line entry. Each command lives in
 * lib/cli/commands/<name>.ts and exports `run(argv): Promise<number>` (exit code).
 * Commands are imported lazily so `mine` or `risk` never pay for the database driver.
 */
type Command = { summary: string; load: () => Promise<{ run: (argv: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  db: { summary: "db migrate | db status: apply the committed migrations", load: () => import("./commands/db") },
  seed: { summary: "seed [--people N] [--seed S] [--if-empty] [--reset]: generate the demo organisation", load: () => import("./commands/seed") },
  audit: { summary: "audit verify: check the hash chain and name the first broken link", load: () => import("./commands/audit") },
  hr: { summary: "hr import FILE [--dry-run] [--only-valid]: apply an HR snapshot (joiners, movers, leavers)", load: () => import("./commands/hr") },
  mine: { summary: "mine FILE [--format pairs|wide|long] --json [--out OUT]: role mining", load: () => import("./commands/mine") },
  risk: { summary: "risk train|predict|cv: learned request risk model", load: () => import("./commands/risk") },
  scim: { summary: "scim token create --name NAME | token list | token revoke ID: bearer tokens for the inbound SCIM server", load: () => import("./commands/scim") },
  worker: { summary: "worker [--until-idle] [--concurrency N]: execute provisioning operations (PostgreSQL)", load: () => import("./commands/worker") },
  provision: { summary: "provision --all | --person ID: plan operations from desired vs actual state", load: () => import("./commands/provision") },
  requests: { summary: "requests escalate [--now ISO]: approval reminders and escalation of overdue steps", load: () => import("./commands/requests") },
  lifecycle: { summary: "lifecycle sweep [--now ISO]: due leavers, arrived pre-hires, expired grants, retention deletes", load: () => import("./commands/lifecycle") },
  reconcile: { summary: "reconcile [--app KEY]: read connected systems back; remediate drift where configured", load: () => import("./commands/reconcile") },
  apply: { summary: "apply -f FILE [--dry-run]: create/update connected systems from a JSON file (secrets as env:NAME)", load: () => import("./commands/apply") },
};

function help(): string {
  const lines = ["Usage: npm run gatehouse -- <command> [options]", "", "Commands:"];
  for (const [name, c] of Object.entries(commands)) lines.push(`  ${name.padEnd(8)} ${c.summary}`);
  lines.push("", "Run a command with --help for its options.");
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return 0;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`Unknown command "${name}".\n\n${help()}`);
    return 2;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    const msg = err instanceof Error ? err.message : String(err);
    console.error(`gatehouse: ${msg}`);
    if (process.env.GATEHOUSE_DEBUG) console.error(err);
    process.exit(1);
  },
);

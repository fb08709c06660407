/**
 * `npm run gatehouse -- <command>`: the command-line entry. Each command lives in
 * lib/cli/commands/<name>.ts and exports `run(argv): Promise<number>` (exit code).
 * Commands are imported lazily so `mine` or `risk` never pay for the database driver.
 */
import { commands } from "./registry";

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

/**
 * `gatehouse seed [--people N] [--seed S] [--if-empty] [--reset]`: generate the demo
 * organisation into DATABASE_URL or the embedded database, in one transaction.
 */
import { sql } from "drizzle-orm";
import { DatabaseBusyError, migrate, openDb, type DbHandle } from "@/db/client";
import { MAX_PEOPLE, MIN_PEOPLE, PLANTED_KINDS } from "@/db/seed/generate";
import { isSeeded, resetDatabase, seedDatabase } from "@/db/seed/load";
import { env } from "@/lib/env";

const USAGE = `Usage: gatehouse seed [--people N] [--seed S] [--if-empty] [--reset]

Generate the demo organisation (people, applications, roles, access and planted
problems) into DATABASE_URL or the embedded database.

  --people N   head count (default GATEHOUSE_SEED_PEOPLE or 1200; ${MIN_PEOPLE}–${MAX_PEOPLE})
  --seed S     random seed (default GATEHOUSE_SEED or 42); same N, S and day → same data
  --if-empty   do nothing (exit 0) when the database already holds people
  --reset      DROP every table first (all data is lost), migrate, then seed
  --help       show this help`;

type Args = { people?: number; seed?: number; ifEmpty: boolean; reset: boolean; help: boolean };

export function parseArgs(argv: string[]): Args | string {
  const out: Args = { ifEmpty: false, reset: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [flag, inline] = raw.includes("=") ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)] : [raw, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case "--people": {
          const v = value();
          const n = Number(v);
          if (!/^\d+$/.test(v) || n < MIN_PEOPLE || n > MAX_PEOPLE) return `--people must be a whole number between ${MIN_PEOPLE} and ${MAX_PEOPLE} (got "${v}")`;
          out.people = n;
          break;
        }
        case "--seed": {
          const v = value();
          if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > 2 ** 31 - 1) return `--seed must be a whole number (got "${v}")`;
          out.seed = Number(v);
          break;
        }
        case "--if-empty":
          out.ifEmpty = true;
          break;
        case "--reset":
          out.reset = true;
          break;
        case "--help":
        case "-h":
          out.help = true;
          break;
        default:
          return `Unknown option "${raw}".`;
      }
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (out.ifEmpty && out.reset) return "--if-empty and --reset contradict each other; pick one.";
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (typeof args === "string") {
    console.error(`${args}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const people = args.people ?? env().GATEHOUSE_SEED_PEOPLE;
  const seed = args.seed ?? env().GATEHOUSE_SEED;

  let handle: DbHandle;
  try {
    handle = await openDb({ holder: "gatehouse seed" });
  } catch (e) {
    if (e instanceof DatabaseBusyError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
  try {
    await migrate(handle);
    if (await isSeeded(handle.db)) {
      if (args.ifEmpty) {
        console.log("The database already holds people; nothing to seed (--if-empty).");
        return 0;
      }
      if (!args.reset) {
        console.error("The database already holds people. Run with --reset to erase it and seed again, or --if-empty to skip.");
        return 1;
      }
    }
    if (args.reset) {
      console.log(`Resetting the ${handle.kind === "pglite" ? "embedded" : "PostgreSQL"} database (dropping every table)…`);
      await resetDatabase(handle.db);
      await migrate(handle);
    }
    console.log(`Seeding ${people} people (seed ${seed}) into ${handle.kind === "pglite" ? "the embedded database" : "PostgreSQL"}…`);
    const s = await seedDatabase(handle.db, { people, seed, actorKind: "cli" });
    // The demo applications are separate systems (schema demo_apps, served over SCIM by the
    // portal): give them the accounts the seed says exist, so the first reconciliation agrees.
    const { syncDemoTargetsFromPortal } = await import("@/lib/services/provisioning/demo-scim");
    const synced = await syncDemoTargetsFromPortal(handle.db);
    // Fresh statistics: without them PostgreSQL plans the first queries on empty-table estimates.
    await handle.db.execute(sql`ANALYZE`);
    const c = s.counts;
    const planted = PLANTED_KINDS.map((k) => `    ${k.padEnd(22)} ${s.planted[k]}`).join("\n");
    const total = Object.values(s.planted).reduce((a, b) => a + b, 0);
    console.log(
      [
        `Seeded in ${s.seconds.toFixed(2)} s (generate ${s.generateSeconds.toFixed(2)} s, insert ${s.insertSeconds.toFixed(2)} s).`,
        `  people         ${c.people}`,
        `  applications   ${c.applications}`,
        `  entitlements   ${c.entitlements}`,
        `  roles          ${c.roleTemplates} (${c.birthrightRules} birthright rules)`,
        `  accounts       ${c.accounts}`,
        `  grants         ${c.grants}`,
        `  planted problems ${total}:`,
        planted,
        `  demo personas:`,
        ...Object.entries(s.personas).map(([k, p]) => `    ${k.padEnd(10)} ${p.displayName} <${p.email}>, ${p.title}`),
        `  demo applications: ${synced.applications} SCIM targets loaded with ${synced.users} accounts and ${synced.members} group memberships`,
        `  seed job ${s.jobId} holds the planted manifest.`,
      ].join("\n"),
    );
    return 0;
  } finally {
    await handle.close();
  }
}

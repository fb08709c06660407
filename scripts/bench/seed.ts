/**
 * `npm run bench:seed`: time and peak memory of seeding the demo organisation.
 *
 * Each case runs in its own child process (so peak RSS, from process.resourceUsage().maxRSS,
 * belongs to that case alone): PGlite in a temporary data directory, and PostgreSQL in a
 * fresh database `gh_bench_<random>` created on TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped afterwards.
 *
 *   npx tsx scripts/bench/seed.ts [--sizes 1200,20000] [--drivers pglite,postgres] [--seed 42]
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

type Result = {
  driver: string;
  people: number;
  migrateSeconds: number;
  generateSeconds: number;
  insertSeconds: number;
  seconds: number;
  rows: number;
  grants: number;
  maxRssMb: number;
  cpuSeconds: number;
};

const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), "..", "..");

async function child(driver: string, people: number, seed: number, target: string): Promise<void> {
  const { migrate, openDb } = await import("@/db/client");
  const { seedDatabase } = await import("@/db/seed/load");
  const handle = driver === "pglite" ? await openDb({ url: null, pgliteDir: target, holder: "bench:seed" }) : await openDb({ url: target, max: 2 });
  try {
    const t0 = performance.now();
    await migrate(handle);
    const migrateSeconds = (performance.now() - t0) / 1000;
    const s = await seedDatabase(handle.db, { people, seed, actorKind: "cli" });
    const rows = Object.values(s.counts).reduce((a, b) => a + b, 0);
    const r: Result = {
      driver,
      people,
      migrateSeconds,
      generateSeconds: s.generateSeconds,
      insertSeconds: s.insertSeconds,
      seconds: s.seconds,
      rows,
      grants: s.counts.grants!,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    };
    console.log(`RESULT ${JSON.stringify(r)}`);
  } finally {
    await handle.close();
  }
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") {
    await child(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]), process.argv[6]!);
    return;
  }
  const sizes = arg("--sizes", "1200,20000").split(",").map(Number);
  const drivers = arg("--drivers", "pglite,postgres").split(",");
  const seed = Number(arg("--seed", "42"));
  const pgBase = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

  let admin: import("postgres").Sql | null = null;
  if (drivers.includes("postgres")) {
    const { default: postgres } = await import("postgres");
    admin = postgres(pgBase, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      await admin`select 1`;
    } catch (e) {
      console.error(`PostgreSQL at ${pgBase.replace(/:[^:@/]*@/, ":***@")} unreachable (${(e as Error).message}); skipping its cases.`);
      await admin.end({ timeout: 1 }).catch(() => {});
      admin = null;
    }
  }

  const results: Array<Result | { driver: string; people: number; error: string }> = [];
  for (const driver of drivers) {
    for (const people of sizes) {
      if (driver === "postgres" && !admin) continue;
      let target: string;
      let cleanup: () => Promise<void>;
      if (driver === "pglite") {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-bench-"));
        target = path.join(dir, "pglite");
        cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
      } else {
        const name = `gh_bench_${randomBytes(5).toString("hex")}`;
        await admin!.unsafe(`CREATE DATABASE ${name}`);
        const u = new URL(pgBase);
        u.pathname = `/${name}`;
        target = u.toString();
        cleanup = async () => {
          await admin!.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        };
      }
      process.stderr.write(`… ${driver} ${people} people\n`);
      try {
        const out = spawnSync(process.execPath, ["--import", "tsx", self, "--child", driver, String(people), String(seed), target], {
          cwd: root,
          encoding: "utf8",
          maxBuffer: 64 * 1024 * 1024,
        });
        const line = out.stdout.split("\n").find((l) => l.startsWith("RESULT "));
        if (line) results.push(JSON.parse(line.slice(7)) as Result);
        else results.push({ driver, people, error: (out.stderr || `exit ${out.status}`).trim().split("\n").slice(-3).join(" | ") });
      } finally {
        await cleanup();
      }
    }
  }
  await admin?.end({ timeout: 5 });

  const header = ["driver", "people", "rows", "grants", "generate s", "insert s", "total s", "rows/s", "node CPU s", "peak RSS MB"];
  const lines = results.map((r) =>
    "error" in r
      ? [r.driver, String(r.people), "error: " + r.error]
      : [
          r.driver,
          String(r.people),
          String(r.rows),
          String(r.grants),
          r.generateSeconds.toFixed(2),
          r.insertSeconds.toFixed(2),
          r.seconds.toFixed(2),
          String(Math.round(r.rows / r.insertSeconds)),
          r.cpuSeconds.toFixed(1),
          String(Math.round(r.maxRssMb)),
        ],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(`Seed benchmark (seed ${seed}, node ${process.version}, ${os.cpus().length} CPUs); total = generate + insert (one transaction), migrations excluded;`);
  console.log(`node CPU s = user+sys CPU of the seeding process (whole process); wall times stretch when the machine is busy (load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")})`);
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(l.length === header.length ? fmt(l) : l.join("  "));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

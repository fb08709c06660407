/**
 * bench:pages — p50/p95 server time of the dashboard, people search and a person page at
 * 20,000 people on PostgreSQL (target p95 < 300 ms).
 *
 * Creates a fresh database on BENCH_DATABASE_URL's server (default the local PostgreSQL),
 * seeds it (BENCH_PEOPLE, default 20000), starts the built portal against it with demo
 * sign-in explicitly enabled (GATEHOUSE_MODE=demo), signs in as the admin persona and times
 * sequential requests on loopback. Drops the database afterwards.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import postgres from "postgres";
import { signInAs } from "./http-session";

const root = process.cwd();
const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const peopleN = Number(process.env.BENCH_PEOPLE ?? 20000);
const runs = Number(process.env.BENCH_RUNS ?? 40);
const port = Number(process.env.BENCH_PORT ?? 3190);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function main() {
  const name = `gh_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  // Type checking is the test suite's business; the benchmark only needs a production build.
  const env = { ...process.env, GATEHOUSE_NEXT_DIST: ".next-bench", GATEHOUSE_SKIP_TYPECHECK: "1", DATABASE_URL: url, GATEHOUSE_MODE: "demo", GATEHOUSE_DEMO_SIGNIN: "1", NEXT_TELEMETRY_DISABLED: "1", NEXTAUTH_URL: `http://127.0.0.1:${port}`, GATEHOUSE_WORKER: "off" };
  let server: ReturnType<typeof spawn> | undefined;
  try {
    // Its own build folder, so a benchmark never races the main build or the e2e suite.
    const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], { env, stdio: ["ignore", "ignore", "inherit"] });
    if (build.status !== 0) throw new Error("next build failed");
    const t0 = Date.now();
    const seed = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "lib/cli/main.ts", "seed", "--people", String(peopleN), "--seed", "42"], { env, stdio: ["ignore", "ignore", "inherit"] });
    if (seed.status !== 0) throw new Error("seed failed");
    console.log(`seeded ${peopleN} people on PostgreSQL in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const db = postgres(url, { max: 1, onnotice: () => {} });
    const personas = await db`SELECT id, attributes->>'demoPersona' AS persona FROM people WHERE attributes ? 'demoPersona'`;
    const someone = await db`SELECT id FROM people WHERE status = 'active' ORDER BY employee_id OFFSET ${Math.floor(peopleN / 2)} LIMIT 1`;
    await db.end();
    const adminId = personas.find((p) => p.persona === "admin")?.id;
    if (!adminId) throw new Error("no admin persona in the seed");

    server = spawn(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], { env, stdio: ["ignore", "ignore", "inherit"] });
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 120; i++) {
      try {
        if ((await fetch(`${origin}/api/health`)).ok) break;
      } catch {}
      await new Promise((r) => setTimeout(r, 500));
    }
    const cookie = await signInAs(origin, adminId);
    const pages: Array<[string, (i: number) => string]> = [
      ["dashboard (admin)", () => "/dashboard"],
      ["people search", (i) => `/people?q=${["an", "li", "son", "mar", "eng"][i % 5]}&page=${1 + (i % 3)}`],
      ["people filter", (i) => `/people?department=${["Engineering", "Sales", "Finance"][i % 3]}&status=active`],
      ["person page", () => `/people/${someone[0].id}`],
      ["application page", () => `/applications`],
    ];
    console.log(`\n${"page".padEnd(20)} ${"runs".padStart(5)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)}`);
    for (const [label, pathFor] of pages) {
      for (let w = 0; w < 3; w++) await (await fetch(origin + pathFor(w), { headers: { cookie } })).text();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        const res = await fetch(origin + pathFor(i), { headers: { cookie } });
        await res.text();
        if (res.status !== 200) throw new Error(`${label}: HTTP ${res.status}`);
        times.push(performance.now() - s);
      }
      console.log(`${label.padEnd(20)} ${String(runs).padStart(5)} ${pct(times, 50).toFixed(0).padStart(8)} ${pct(times, 95).toFixed(0).padStart(8)}`);
    }
  } finally {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

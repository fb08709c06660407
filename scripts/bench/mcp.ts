/**
 * `npm run bench:mcp`: p50/p95 latency of MCP tool calls at 20,000 people on PostgreSQL, through the real
 * Streamable HTTP route handler (app/api/mcp/route.ts, served in-process on a free loopback port) and the SDK's
 * own client. Targets: a read tool call p95 < 150 ms; a request-filing call p95 < 400 ms.
 *
 * Creates a fresh database on BENCH_DATABASE_URL's server (default the local PostgreSQL), seeds BENCH_PEOPLE
 * (default 20000), registers an agent (scopes read, request) sponsored by the person at the top of the org chart,
 * then times sequential calls: whoami, explain_access (a random person's access: grants, approvers, last use),
 * search_people, and file_request (one entitlement for a random person in the sponsor's line: risk scoring,
 * routing, approval steps, notifications and audit, in one transaction). Every call re-authenticates the token
 * and writes its own audit row, as in production. Drops the database afterwards.
 *
 *   npm run bench:mcp        (BENCH_PEOPLE, BENCH_RUNS=200, BENCH_FILES=100)
 */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { migrate, openDb, rowsOf } from "@/db/client";
import { seedDatabase } from "@/db/seed/load";
import type { Actor } from "@/lib/auth/can";
import { createAgent } from "@/lib/services/agents/agents";
import { serveRoute } from "@/lib/testing/serve-route";

const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const peopleN = Number(process.env.BENCH_PEOPLE ?? 20000);
const runs = Number(process.env.BENCH_RUNS ?? 200);
const files = Number(process.env.BENCH_FILES ?? 100);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const cli: Actor = { personId: "system:cli", name: "bench", email: "", roles: ["admin"], ownedApplicationIds: [] };

async function main() {
  const name = `gh_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const h = await openDb({ url: u.toString(), max: 8 });
  let srv: Awaited<ReturnType<typeof serveRoute>> | undefined;
  const client = new Client({ name: "bench", version: "1" });
  try {
    await migrate(h);
    const t0 = performance.now();
    await seedDatabase(h.db, { people: peopleN, seed: 42, actorKind: "cli" });
    console.log(`seeded ${peopleN.toLocaleString("en")} people in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await h.db.execute(sql`ANALYZE`);
    const [top] = rowsOf<{ id: string; email: string }>(
      await h.db.execute(sql`SELECT p.id, p.email FROM people p WHERE p.manager_id IS NULL AND p.status = 'active' AND p.kind = 'human'
        ORDER BY (SELECT count(*) FROM people r WHERE r.manager_id = p.id) DESC LIMIT 1`),
    );
    const agent = await createAgent({ ctx: { db: h.db, actor: cli }, input: { name: "bench-agent", sponsorEmail: top!.email, scopes: ["read", "request"] } });
    const sample = rowsOf<{ id: string }>(await h.db.execute(sql`SELECT id FROM people WHERE status = 'active' AND kind = 'human' AND id <> ${top!.id} ORDER BY md5(id::text) LIMIT ${runs}`)).map((r) => r.id);
    // Requestable, non-privileged entitlements each beneficiary lacks (one per call, distinct beneficiaries).
    const targets = rowsOf<{ person_id: string; entitlement_id: string }>(
      await h.db.execute(sql`
        SELECT p.id AS person_id, (SELECT e.id FROM entitlements e WHERE e.requestable AND NOT e.privileged
          AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.person_id = p.id AND g.entitlement_id = e.id AND g.status = 'active')
          ORDER BY md5(e.id::text || p.id::text) LIMIT 1) AS entitlement_id
        FROM people p WHERE p.status = 'active' AND p.kind = 'human' AND p.id <> ${top!.id} ORDER BY md5(p.id::text || 'f') LIMIT ${files}`),
    ).filter((r) => r.entitlement_id);

    (globalThis as { __gatehouseDb?: Promise<unknown> }).__gatehouseDb = Promise.resolve(h);
    const { POST, GET, DELETE } = await import("@/app/api/mcp/route");
    srv = await serveRoute({ POST, GET, DELETE });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${srv.url}/api/mcp`), { requestInit: { headers: { Authorization: `Bearer ${agent.token}` } } }));

    const time = async (label: string, n: number, args: (i: number) => { name: string; arguments: Record<string, unknown> }) => {
      for (let i = 0; i < Math.min(5, n); i++) await client.callTool(args(i)); // warm-up
      const ms: number[] = [];
      let errors = 0;
      for (let i = 0; i < n; i++) {
        const s = performance.now();
        const r = (await client.callTool(args(i))) as { isError?: boolean; content: Array<{ text: string }> };
        ms.push(performance.now() - s);
        if (r.isError) {
          errors++;
          if (errors <= 3) console.error(`  ${label} error: ${r.content[0]?.text}`);
        }
      }
      console.log(`${label.padEnd(34)} n=${n}  p50 ${pct(ms, 50).toFixed(1)} ms  p95 ${pct(ms, 95).toFixed(1)} ms  max ${Math.max(...ms).toFixed(1)} ms  errors ${errors}`);
      return pct(ms, 95);
    };
    const whoami = await time("read: whoami", runs, () => ({ name: "whoami", arguments: {} }));
    const explain = await time("read: explain_access", runs, (i) => ({ name: "explain_access", arguments: { person: sample[i % sample.length] } }));
    const search = await time("read: search_people (sponsor's line)", runs, (i) => ({ name: "search_people", arguments: { query: ["an", "ma", "li", "jo", "el"][i % 5] } }));
    // File: each call a fresh beneficiary (warm-up uses the first 5, so they are skipped in the timed loop).
    const fileArgs = (i: number) => {
      const t = targets[i % targets.length]!;
      return { name: "file_request", arguments: { entitlementIds: [t.entitlement_id], beneficiary: t.person_id, justification: "benchmark: needed for the quarterly close" } };
    };
    let k = 0;
    const fileP95 = await time("request: file_request", Math.max(0, targets.length - 5), () => fileArgs(k++));
    console.log(
      `\nread tool p95 (explain_access) ${explain.toFixed(1)} ms (target < 150) ${explain < 150 ? "OK" : "MISSED"}; whoami ${whoami.toFixed(1)} ms; search ${search.toFixed(1)} ms\n` +
        `request-filing p95 ${fileP95.toFixed(1)} ms (target < 400) ${fileP95 < 400 ? "OK" : "MISSED"}`,
    );
  } finally {
    await client.close().catch(() => {});
    await srv?.close();
    await h.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

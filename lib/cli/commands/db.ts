import { openDb, migrate } from "@/db/client";
import { migrationStatus } from "@/db/queries/migrations";

const usage = `Usage: gatehouse db migrate   apply committed migrations to DATABASE_URL or the embedded database
       gatehouse db status    list the committed migrations the database has applied and those still pending
                              (exit code 1 when some are pending)`;

export async function run(argv: string[]): Promise<number> {
  const [sub] = argv;
  if (!sub || sub === "--help") {
    console.log(usage);
    return sub ? 0 : 2;
  }
  if (sub !== "migrate" && sub !== "status") {
    console.error(`Unknown db command "${sub}".\n${usage}`);
    return 2;
  }
  const h = await openDb({ holder: `gatehouse db ${sub}` });
  try {
    if (sub === "status") {
      const s = await migrationStatus(h.db);
      console.log(`Database: ${h.kind === "pglite" ? "embedded (PGlite)" : "PostgreSQL"}`);
      for (const t of s.applied) console.log(`  applied  ${t}`);
      for (const t of s.pending) console.log(`  pending  ${t}`);
      console.log(s.pending.length ? `${s.pending.length} pending: run "npm run gatehouse -- db migrate" (npm start also applies them).` : `Up to date (${s.applied.length} applied).`);
      return s.pending.length ? 1 : 0;
    }
    await migrate(h);
    console.log(`Migrations applied (${h.kind}).`);
    return 0;
  } finally {
    await h.close();
  }
}

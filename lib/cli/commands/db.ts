import { openDb, migrate } from "@/db/client";

export async function run(argv: string[]): Promise<number> {
  const [sub] = argv;
  if (!sub || sub === "--help") {
    console.log("Usage: gatehouse db migrate   apply committed migrations to DATABASE_URL or the embedded database");
    return sub ? 0 : 2;
  }
  if (sub !== "migrate") {
    console.error(`Unknown db command "${sub}". Try: gatehouse db migrate`);
    return 2;
  }
  const h = await openDb({ holder: "gatehouse db migrate" });
  try {
    await migrate(h);
    console.log(`Migrations applied (${h.kind}).`);
    return 0;
  } finally {
    await h.close();
  }
}

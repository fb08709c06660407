/**
 * Databases for integration tests: in-memory PGlite by default; a fresh database on the
 * real PostgreSQL when TEST_DATABASE_URL is set (created per call, dropped by close()).
 */
import { randomBytes } from "node:crypto";
import { migrate, openDb, type DbHandle } from "@/db/client";

export type TestDb = DbHandle & { label: string };

export async function pgliteTestDb(): Promise<TestDb> {
  const h = await openDb({ url: null, pgliteDir: "memory" });
  await migrate(h);
  return { ...h, label: "PGlite" };
}

export async function postgresTestDb(baseUrl: string): Promise<TestDb> {
  const { default: postgres } = await import("postgres");
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  const h = await openDb({ url: u.toString(), max: 4 });
  await migrate(h);
  return {
    ...h,
    label: "PostgreSQL",
    url: u.toString(),
    close: async () => {
      await h.close();
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** The drivers an integration suite should run against: PGlite always, PostgreSQL when configured. */
export function testDrivers(): Array<{ label: string; open: () => Promise<TestDb> }> {
  const list: Array<{ label: string; open: () => Promise<TestDb> }> = [{ label: "PGlite", open: pgliteTestDb }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) list.push({ label: "PostgreSQL", open: () => postgresTestDb(url) });
  return list;
}

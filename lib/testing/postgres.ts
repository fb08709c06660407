/**
 * Per-run PostgreSQL databases for integration tests.
 *
 * createTestDatabase(baseUrl) connects to baseUrl (default TEST_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/postgres), creates `gh_test_<random>` and returns its URL and drop().
 * drop() terminates the database's sessions and drops it. pgAvailable() answers whether baseUrl accepts a query
 * within a short timeout. Nothing else on the server is touched.
 */
import postgres from "postgres";
import { randomBytes } from "node:crypto";

export const DEFAULT_TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const PG_INSTALL_HINT =
  "No PostgreSQL answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres). Start it with " +
  "`pg_ctlcluster 15 main start`, or install it with `apt-get update && apt-get install -y postgresql`, or set TEST_DATABASE_URL.";

export async function pgAvailable(baseUrl = DEFAULT_TEST_PG_URL): Promise<boolean> {
  const sql = postgres(baseUrl, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

export async function createTestDatabase(baseUrl = DEFAULT_TEST_PG_URL): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `gh_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`CREATE DATABASE ${admin(name)}`;
  } finally {
    await admin.end({ timeout: 5 });
  }
  const u = new URL(baseUrl);
  u.pathname = `/${name}`;
  let dropped = false;
  return {
    url: u.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
        await sql`DROP DATABASE IF EXISTS ${sql(name)}`;
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
  };
}

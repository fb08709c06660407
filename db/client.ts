/**
 * Driver switch: PGlite (embedded, default) or PostgreSQL through postgres.js when
 * DATABASE_URL is set. Both give a drizzle database typed against the shared PgDatabase
 * base, so every query module serves both.
 *
 * PGlite allows one process per data dir: whoever opens it takes `<dataDir>/pglite.lock`
 * (pid + holder); a second process gets a clear DatabaseBusyError instead of corruption.
 */
import fs from "node:fs";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { dataDir as defaultDataDir, env } from "@/lib/env";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Anything that runs queries: the database or an open transaction. */
export type Queryable = Db | Tx;

export type DbHandle = {
  db: Db;
  kind: "pglite" | "postgres";
  /** Raw PGlite instance (embedded only): the job queue talks to it directly. */
  pglite?: import("@electric-sql/pglite").PGlite;
  url?: string;
  close: () => Promise<void>;
};

export class DatabaseBusyError extends Error {
  constructor(holder: string, pid: number, dir: string) {
    super(
      `The embedded database at ${dir} is in use by ${holder} (pid ${pid}). ` +
        `Stop the portal first, or run this command against PostgreSQL with DATABASE_URL.`,
    );
    this.name = "DatabaseBusyError";
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function takeLock(dir: string, holder: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(/*turbopackIgnore: true*/ dir, "pglite.lock");
  try {
    const cur = JSON.parse(fs.readFileSync(lock, "utf8")) as { pid: number; holder: string };
    if (cur.pid !== process.pid && pidAlive(cur.pid)) throw new DatabaseBusyError(cur.holder, cur.pid, dir);
  } catch (e) {
    if (e instanceof DatabaseBusyError) throw e;
  }
  fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, holder }));
  return () => {
    try {
      const cur = JSON.parse(fs.readFileSync(lock, "utf8")) as { pid: number };
      if (cur.pid === process.pid) fs.unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
}

export type OpenOptions = {
  /** PostgreSQL URL; default DATABASE_URL. Pass null to force PGlite. */
  url?: string | null;
  /** PGlite data dir (default <GATEHOUSE_DATA_DIR or .data>/pglite); "memory" for in-memory. */
  pgliteDir?: string | "memory";
  /** Who holds the embedded database (shown to a second process). */
  holder?: string;
  /** postgres.js pool size. */
  max?: number;
};

export async function openDb(opts: OpenOptions = {}): Promise<DbHandle> {
  const url = opts.url === null ? undefined : (opts.url ?? env().DATABASE_URL);
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, { max: opts.max ?? 10, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Db;
    return { db, kind: "postgres", url, close: () => client.end({ timeout: 5 }) };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  let release = () => {};
  let pglite: InstanceType<typeof PGlite>;
  if (opts.pgliteDir === "memory") {
    pglite = new PGlite();
  } else {
    const root = opts.pgliteDir ? path.dirname(path.resolve(/*turbopackIgnore: true*/ opts.pgliteDir)) : defaultDataDir();
    const dir = opts.pgliteDir ? path.resolve(/*turbopackIgnore: true*/ opts.pgliteDir) : path.join(/*turbopackIgnore: true*/ root, "pglite");
    release = takeLock(root, opts.holder ?? `process ${process.argv.slice(1, 3).join(" ")}`);
    fs.mkdirSync(root, { recursive: true });
    pglite = new PGlite(dir);
  }
  await pglite.waitReady;
  const db = drizzle(pglite, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    pglite,
    close: async () => {
      await pglite.close();
      release();
    },
  };
}

/** drizzle's execute() returns rows directly on postgres.js and `{ rows }` on PGlite: this hides the difference. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * A uuid[] built from ONE text parameter (`string_to_array($1, ',')::uuid[]`): a list of any length costs one bind
 * parameter, not one per id (the 65,535-parameter limit; and drizzle builds large parameter lists slowly). Only for
 * values that cannot contain a comma, like uuids; a malformed id fails the cast (an error, never a wrong match).
 */
export function uuidArray(ids: readonly string[]): SQL {
  return sql`string_to_array(${ids.join(",")}, ',')::uuid[]`;
}

export function migrationsFolder(): string {
  return path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");
}

/** Apply committed drizzle-kit migrations (idempotent). */
export async function migrate(handle: DbHandle): Promise<void> {
  if (handle.kind === "pglite") {
    const { migrate: m } = await import("drizzle-orm/pglite/migrator");
    await m(handle.db as never, { migrationsFolder: migrationsFolder() });
  } else {
    const { migrate: m } = await import("drizzle-orm/postgres-js/migrator");
    await m(handle.db as never, { migrationsFolder: migrationsFolder() });
  }
}

type Global = typeof globalThis & { __gatehouseDb?: Promise<DbHandle> };

/** The web process's shared handle (migrated on first open). */
export function getHandle(): Promise<DbHandle> {
  const g = globalThis as Global;
  if (!g.__gatehouseDb) {
    g.__gatehouseDb = (async () => {
      const h = await openDb({ holder: "the Gatehouse portal" });
      await migrate(h);
      return h;
    })();
    g.__gatehouseDb.catch(() => {
      g.__gatehouseDb = undefined;
    });
  }
  return g.__gatehouseDb;
}

export async function getDb(): Promise<Db> {
  return (await getHandle()).db;
}

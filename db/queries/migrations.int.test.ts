import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { migrate, migrationsFolder, openDb, type DbHandle } from "@/db/client";
import { migrationStatus } from "./migrations";

describe("migration status (db status)", () => {
  let h: DbHandle | undefined;
  afterAll(async () => h?.close());

  it("lists every committed migration as pending on an empty database, and as applied after migrate", async () => {
    h = await openDb({ url: null, pgliteDir: "memory" });
    const tags = (JSON.parse(fs.readFileSync(path.join(migrationsFolder(), "meta", "_journal.json"), "utf8")) as { entries: Array<{ tag: string }> }).entries.map((e) => e.tag);
    expect(await migrationStatus(h.db)).toEqual({ applied: [], pending: tags });
    await migrate(h);
    expect(await migrationStatus(h.db)).toEqual({ applied: tags, pending: [] });
  });
});

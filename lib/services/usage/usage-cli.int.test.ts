/**
 * `npm run gatehouse -- usage import --app KEY FILE` on a fresh embedded database, through documented interfaces only:
 * a systems file (`apply -f`) naming a real SCIM application, `reconcile --app`, then usage files: a malformed one
 * (exit 1, rows named, nothing written), then a good one with an unknown account (exit 0, listed). The service's
 * dry run, permissions and propagation to grants are tested in usage.int.test.ts.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openDb } from "@/db/client";
import { accounts, auditEvents } from "@/db/schema";
import { ScimConnector } from "@/lib/connectors/scim";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";

const TOKEN = "usage-cli-scim-token";

describe("CLI usage import on a fresh embedded database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-usage-cli-"));
  const root = path.resolve(__dirname, "../../..");
  let scim: ScimApp;
  // Asynchronous: the SCIM application the CLI talks to runs in this process and must keep answering.
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dir, GATEHOUSE_DEMO: "off", CHAT_SCIM_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: "1" };
      delete env.DATABASE_URL;
      const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/cli/main.ts"), ...args], { cwd: root, env });
      let out = "";
      child.stdout.on("data", (d) => (out += String(d)));
      child.stderr.on("data", (d) => (out += String(d)));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const stored = async () => {
    const h = await openDb({ url: null, pgliteDir: path.join(dir, "pglite") });
    try {
      const rows = await h.db.select({ username: accounts.username, at: accounts.lastLoginAt, source: accounts.lastLoginSource }).from(accounts);
      const audit = await h.db.select({ data: auditEvents.data }).from(auditEvents).where(eq(auditEvents.action, "usage.imported"));
      return { byName: new Map(rows.map((r) => [r.username, r])), audit };
    } finally {
      await h.close();
    }
  };

  beforeAll(async () => {
    scim = await startScimApp({ token: TOKEN });
    const sc = new ScimConnector({ baseUrl: scim.baseUrl, token: TOKEN });
    for (const n of ["ada", "bob"]) await sc.createAccount({ userName: n, givenName: n, familyName: "Test", displayName: n, email: `${n}@example.test` });
  });
  afterAll(async () => {
    await scim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports all or nothing, names bad rows and unknown accounts", async () => {
    const systems = file("systems.json", JSON.stringify({ systems: [{ key: "chat", name: "Chat", connector: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: "env:CHAT_SCIM_TOKEN" } }] }));
    const applied = await run("apply", "-f", systems);
    expect(applied.code, applied.out).toBe(0);
    const rec = await run("reconcile", "--app", "chat");
    expect(rec.code, rec.out).toBe(0);

    const bad = await run("usage", "import", "--app", "chat", file("bad.csv", "account,last_used\nada,2026-01-05\nbob,someday\n"));
    expect(bad.code, bad.out).toBe(1);
    expect(bad.out).toMatch(/row 3, column last_used: "someday" is not a date/);
    expect(bad.out).toMatch(/nothing was imported/);
    expect((await stored()).byName.get("ada")!.at).toBeNull();

    const good = file("good.csv", "username,last_login\nada,2026-01-05\nzed,2026-01-01\n");
    const ok = await run("usage", "import", "--app", "chat", good);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/row 3: no account "zed" in Chat \(skipped\)/);
    expect(ok.out).toMatch(/2 rows; 1 accounts got a newer last sign-in/);
    const after = await stored();
    expect(after.byName.get("ada")).toMatchObject({ at: new Date("2026-01-05T00:00:00Z"), source: "csv" });
    expect(after.byName.get("bob")!.at).toBeNull();
    expect(after.audit).toHaveLength(1);
    expect(after.audit[0]!.data).toMatchObject({ application: "chat", accountsUpdated: 1, unknownAccounts: 1 });
  }, 400_000);
});

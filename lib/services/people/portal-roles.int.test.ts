import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { rowsOf } from "@/db/client";
import { people, portalRoleAssignments } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applyBootstrapAdmin, grantPortalRole, listPortalRoles, parseBootstrapAdmins, revokePortalRole } from "./portal-roles";

const cli: Actor = { personId: "system:cli", name: "CLI", email: "", roles: ["admin"], ownedApplicationIds: [] };
const employee = (id: string): Actor => ({ personId: id, name: "E", email: "e@x", roles: ["employee"], ownedApplicationIds: [] });

for (const driver of testDrivers()) {
  describe(`portal roles on ${driver.label}`, () => {
    let t: TestDb;
    const ana = testPerson("Ana", { email: "ana@corp.test" });
    const ben = testPerson("Ben", { email: "ben@corp.test" });
    const lea = testPerson("Lea", { email: "lea@corp.test", status: "terminated" });
    const audit = async () => rowsOf<{ action: string; actor_kind: string; target_id: string; data: { role: string; via?: string } }>(
      await t.db.execute(sql`SELECT action, actor_kind, target_id, data FROM audit_events WHERE action LIKE 'portal_role.%' ORDER BY seq`),
    );
    const rolesOf = async (id: string) => (await t.db.select().from(portalRoleAssignments).where(sql`${portalRoleAssignments.personId} = ${id}`)).map((r) => r.role).sort();

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([ana, ben, lea]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("an admin grants roles by email (case-insensitive), audited; granting twice changes nothing", async () => {
      const r = await grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ANA@corp.test" } });
      expect(r).toMatchObject({ changed: true, personId: ana.id, role: "admin" });
      const again = await grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ana@corp.test", role: "admin" } });
      expect(again.changed).toBe(false);
      await grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ben@corp.test", role: "auditor" } });
      expect(await rolesOf(ana.id)).toEqual(["admin"]);
      expect(await rolesOf(ben.id)).toEqual(["auditor"]);
      const a = await audit();
      expect(a.map((e) => [e.action, e.actor_kind, e.target_id, e.data.role])).toEqual([
        ["portal_role.granted", "cli", ana.id, "admin"],
        ["portal_role.granted", "cli", ben.id, "auditor"],
      ]);
      const list = await listPortalRoles({ ctx: { db: t.db, actor: cli } });
      expect(list.map((h) => `${h.role}:${h.email}`)).toEqual(["admin:ana@corp.test", "auditor:ben@corp.test"]);
    });

    it("refuses non-admins, unknown people, leavers and unknown roles, changing nothing", async () => {
      await expect(grantPortalRole({ ctx: { db: t.db, actor: employee(ben.id) }, input: { email: "ben@corp.test" } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(revokePortalRole({ ctx: { db: t.db, actor: employee(ben.id) }, input: { email: "ana@corp.test" } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "nobody@corp.test" } })).rejects.toBeInstanceOf(NotFoundError);
      await expect(grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "lea@corp.test" } })).rejects.toBeInstanceOf(ConflictError);
      await expect(grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ben@corp.test", role: "superuser" } })).rejects.toBeInstanceOf(ValidationError);
      await expect(grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "not an email" } })).rejects.toBeInstanceOf(ValidationError);
      expect(await rolesOf(ben.id)).toEqual(["auditor"]);
      expect(await rolesOf(lea.id)).toEqual([]);
      expect((await audit()).length).toBe(2);
    });

    it("the last admin cannot be removed; with a second admin the first can go", async () => {
      await expect(revokePortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ana@corp.test" } })).rejects.toThrow(/last admin/);
      expect(await rolesOf(ana.id)).toEqual(["admin"]);
      await grantPortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ben@corp.test" } });
      const r = await revokePortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ana@corp.test" } });
      expect(r.changed).toBe(true);
      expect(await rolesOf(ana.id)).toEqual([]);
      expect((await audit()).at(-1)).toMatchObject({ action: "portal_role.revoked", target_id: ana.id });
      await expect(revokePortalRole({ ctx: { db: t.db, actor: cli }, input: { email: "ben@corp.test" } })).rejects.toBeInstanceOf(ConflictError);
    });

    it("GATEHOUSE_BOOTSTRAP_ADMINS makes listed people admin once, never leavers or unlisted people", async () => {
      const list = parseBootstrapAdmins(" Ana@corp.test, lea@corp.test;x ");
      expect(list).toEqual(["ana@corp.test", "lea@corp.test"]);
      expect(await applyBootstrapAdmin(t.db, "ana@corp.test", list)).toBe(true);
      expect(await applyBootstrapAdmin(t.db, "ana@corp.test", list)).toBe(false);
      expect(await applyBootstrapAdmin(t.db, "lea@corp.test", list)).toBe(false);
      expect(await applyBootstrapAdmin(t.db, "ben@corp.test", [])).toBe(false);
      expect(await rolesOf(ana.id)).toEqual(["admin"]);
      expect(await rolesOf(lea.id)).toEqual([]);
      const last = (await audit()).at(-1)!;
      expect(last).toMatchObject({ action: "portal_role.granted", actor_kind: "system", target_id: ana.id });
      expect(last.data.via).toBe("GATEHOUSE_BOOTSTRAP_ADMINS");
    });
  });
}

describe("CLI admin grant|revoke|list on a fresh embedded database", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gh-admin-cli-"));
  const root = path.resolve(__dirname, "../../..");
  const run = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dir, NEXT_TELEMETRY_DISABLED: "1" };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/cli/main.ts"), "admin", ...args], { cwd: root, env, encoding: "utf8" });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("names the missing person, grants, lists, and keeps the last admin", async () => {
    const missing = run("grant", "first@corp.test");
    expect(missing.code).toBe(1);
    expect(missing.out).toMatch(/No person with the email first@corp\.test/);
    // The person arrives through a documented interface: an HR CSV.
    const csv = path.join(dir, "hr.csv");
    fs.writeFileSync(csv, "employee_id,first_name,last_name,email,department,title\nF1,First,Admin,first@corp.test,IT,Engineer\n");
    const hrEnv: NodeJS.ProcessEnv = { ...process.env, GATEHOUSE_DATA_DIR: dir };
    delete hrEnv.DATABASE_URL;
    const hr = spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), path.join(root, "lib/cli/main.ts"), "hr", "import", csv], { cwd: root, env: hrEnv, encoding: "utf8" });
    expect(hr.status, `${hr.stdout}${hr.stderr}`).toBe(0);
    const g = run("grant", "first@corp.test");
    expect(g.code, g.out).toBe(0);
    expect(g.out).toMatch(/Granted admin to First Admin/);
    expect(run("list").out).toMatch(/admin\s+first@corp\.test\s+First Admin/);
    const r = run("revoke", "first@corp.test", "--role", "admin");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/last admin/);
  }, 400_000);
});

/**
 * Connected systems as configuration: create / update / test / apply against PGlite (and PostgreSQL when
 * TEST_DATABASE_URL is set) with a REAL SCIM 2.0 application for the connection test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { applicationOwners, applications, auditEvents, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { decryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { applySystemsFile } from "./apply-file";
import { getSystem, listSystems } from "./list-systems";
import { createSystem, updateSystem } from "./save-system";
import { testSystemConnection } from "./test-system";

process.env.GATEHOUSE_SECRET_KEY ??= "systems-int-test-key";
resetEnvCache();

const TOKEN = "scim-secret-token-123";

for (const driver of testDrivers()) {
  describe(`connected systems on ${driver.label}`, () => {
    let t: TestDb;
    let scim: ScimApp;
    const adminId = randomUUID();
    const admin: Actor = { personId: adminId, name: "Admin", email: "admin@example.test", roles: ["employee", "admin"], ownedApplicationIds: [] };
    const employee: Actor = { personId: randomUUID(), name: "E", email: "e@example.test", roles: ["employee"], ownedApplicationIds: [] };
    const ctx = () => ({ actor: admin, db: t.db });
    let id: string;

    beforeAll(async () => {
      t = await driver.open();
      scim = await startScimApp({ token: TOKEN });
      await t.db.insert(people).values({ id: adminId, employeeId: "E-1", givenName: "Ada", familyName: "Min", displayName: "Ada Min", email: "admin@example.test", department: "IT", title: "Admin", location: "Remote" });
    });
    afterAll(async () => {
      await scim?.stop();
      await t?.close();
    });

    it("creates a SCIM system; the secret is stored encrypted and only its name is returned", async () => {
      const v = await createSystem({ ctx: ctx(), input: { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: TOKEN }, criticality: "high" } });
      id = v.id;
      expect(v.secretsSet).toEqual(["token"]);
      expect(JSON.stringify(v)).not.toContain(TOKEN);
      const [row] = await t.db.select().from(applications).where(eq(applications.id, id));
      expect(row!.secretsEncrypted).not.toContain(TOKEN);
      expect(decryptSecrets(row!.secretsEncrypted)).toEqual({ token: TOKEN });
      const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.targetId, id));
      expect(audit.map((a) => a.action)).toContain("system.created");
      expect(JSON.stringify(audit)).not.toContain(TOKEN);
      const listed = await listSystems({ ctx: ctx() });
      expect(JSON.stringify(listed)).not.toContain(TOKEN);
      expect(listed.find((s) => s.id === id)?.health?.reasons[0]).toMatch(/never reconciled/);
    });

    it("refuses a bad configuration with a clear message and stores nothing", async () => {
      await expect(createSystem({ ctx: ctx(), input: { key: "bad", name: "Bad", connectorKind: "scim", config: { baseUrl: "ftp://x" }, secrets: { token: "s3cret-value" } } })).rejects.toThrow(/SCIM base URL must be an http\(s\) URL/);
      await expect(createSystem({ ctx: ctx(), input: { key: "bad", name: "Bad", connectorKind: "ldap", config: { url: "ldap://127.0.0.1:1", bindDn: "cn=admin,dc=x", baseDn: "dc=x" }, secrets: {} } })).rejects.toThrow(/LDAP bind password is required/);
      await expect(createSystem({ ctx: ctx(), input: { key: "bad", name: "Bad", connectorKind: "postgres", config: { url: "postgres://u:pw@127.0.0.1/db", prefix: "gh_" } } })).rejects.toThrow(/holds a password/);
      await expect(createSystem({ ctx: ctx(), input: { key: "bad", name: "Bad", connectorKind: "scim", config: { baseUrl: "http://x", token: "abc" } } })).rejects.toThrow(ValidationError);
      expect(await t.db.select().from(applications).where(eq(applications.key, "bad"))).toEqual([]);
    });

    it("only admins configure", async () => {
      await expect(createSystem({ ctx: { actor: employee, db: t.db }, input: { key: "x1", name: "X", connectorKind: "manual" } })).rejects.toThrow(ForbiddenError);
      await expect(listSystems({ ctx: { actor: employee, db: t.db } })).rejects.toThrow(ForbiddenError);
    });

    it("an update with an empty secret keeps the stored one; a new value replaces it", async () => {
      await updateSystem({ ctx: ctx(), input: { id, key: "chat", name: "Chat (prod)", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 5000 }, secrets: { token: "" } } });
      let [row] = await t.db.select().from(applications).where(eq(applications.id, id));
      expect(row!.name).toBe("Chat (prod)");
      expect(decryptSecrets(row!.secretsEncrypted)).toEqual({ token: TOKEN });
      await updateSystem({ ctx: ctx(), input: { id, key: "chat", name: "Chat (prod)", connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: "wrong-token-xyz" } } });
      [row] = await t.db.select().from(applications).where(eq(applications.id, id));
      expect(decryptSecrets(row!.secretsEncrypted)).toEqual({ token: "wrong-token-xyz" });
      const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "system.updated"));
      expect(audit.map((a) => (a.data as { secretsChanged: string[] }).secretsChanged)).toEqual([[], ["token"]]);
      expect(JSON.stringify(audit)).not.toContain("wrong-token-xyz");
    });

    it("test connection returns the connector's message and never the secret", async () => {
      const bad = await testSystemConnection({ ctx: ctx(), input: { id } });
      expect(bad.ok).toBe(false);
      expect(bad.message).not.toContain("wrong-token-xyz");
      const good = await testSystemConnection({ ctx: ctx(), input: { id, draft: { connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: TOKEN } } } });
      expect(good).toMatchObject({ ok: true });
      expect(good.message).toMatch(/Connected to the SCIM server/);
      const invalid = await testSystemConnection({ ctx: ctx(), input: { draft: { connectorKind: "scim", config: { baseUrl: "nope" }, secrets: { token: "t0ken-value" } } } });
      expect(invalid).toMatchObject({ ok: false });
      expect(invalid.message).toMatch(/SCIM base URL/);
      const manual = await createSystem({ ctx: ctx(), input: { key: "badge-office", name: "Badge office", connectorKind: "manual", config: { slaHours: 24 }, owners: ["admin@example.test"] } });
      expect((await testSystemConnection({ ctx: ctx(), input: { id: manual.id } })).ok).toBe(true);
      const got = await getSystem({ ctx: ctx(), input: { id: manual.id } });
      expect(got.owners.map((o) => o.email)).toEqual(["admin@example.test"]);
      await expect(createSystem({ ctx: ctx(), input: { key: "m2", name: "M2", connectorKind: "manual", config: { slaHours: 0 } } })).rejects.toThrow(/SLA must be at least 1 hour/);
    });

    it("apply: dry-run says what would change (secrets changed/unchanged, never values), then applies all or nothing", async () => {
      const env = { CHAT_TOKEN: TOKEN, WIKI_TOKEN: "wiki-secret-999" };
      const text = JSON.stringify({
        systems: [
          { key: "chat", name: "Chat (prod)", connector: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: "env:CHAT_TOKEN" }, criticality: "high", deprovision: { action: "disable", retentionDays: 30 } },
          { key: "wiki", name: "Wiki", connector: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: "env:WIKI_TOKEN" }, criticality: "low", deprovision: { action: "delete", retentionDays: 0 }, owners: ["admin@example.test"] },
        ],
      });
      const dry = await applySystemsFile({ ctx: ctx(), input: { text, environment: env, dryRun: true } });
      expect(dry).toEqual([
        { key: "chat", action: "update", changes: [], secrets: { token: "changed" }, warnings: [] },
        { key: "wiki", action: "create", changes: [], secrets: { token: "changed" }, warnings: [] },
      ]);
      expect(JSON.stringify(dry)).not.toContain("wiki-secret");
      expect(await t.db.select().from(applications).where(eq(applications.key, "wiki"))).toEqual([]);
      await applySystemsFile({ ctx: ctx(), input: { text, environment: env } });
      const again = await applySystemsFile({ ctx: ctx(), input: { text, environment: env, dryRun: true } });
      expect(again.map((p) => [p.key, p.action, p.secrets.token])).toEqual([["chat", "unchanged", "unchanged"], ["wiki", "unchanged", "unchanged"]]);
      const [wiki] = await t.db.select().from(applications).where(eq(applications.key, "wiki"));
      expect(wiki).toMatchObject({ deprovisionAction: "delete", retentionDays: 0, criticality: "low" });
      expect(await t.db.select().from(applicationOwners).where(eq(applicationOwners.applicationId, wiki!.id))).toHaveLength(1);
      // A missing env var or a bad entry stops the whole file: nothing written.
      const broken = JSON.stringify({ systems: [{ key: "new-one", name: "New", connector: "manual" }, { key: "x", name: "X", connector: "scim", config: { baseUrl: "http://h" }, secrets: { token: "env:NOPE" } }] });
      await expect(applySystemsFile({ ctx: ctx(), input: { text: broken, environment: env } })).rejects.toThrow(/NOPE, which is not set/);
      const broken2 = JSON.stringify({ systems: [{ key: "new-one", name: "New", connector: "manual" }, { key: "xdir", name: "X", connector: "ldap", config: {} }] });
      await expect(applySystemsFile({ ctx: ctx(), input: { text: broken2, environment: env } })).rejects.toThrow(/xdir: .*LDAP/);
      expect(await t.db.select().from(applications).where(eq(applications.key, "new-one"))).toEqual([]);
    });

    it("a stored secret never follows a changed address: test and save need it typed again; the URL tested is audited", async () => {
      // A listener standing in for the attacker's host: it records every Authorization header it receives.
      const seen: string[] = [];
      const trap = createServer((req, res) => {
        seen.push(String(req.headers.authorization ?? ""));
        res.writeHead(200, { "content-type": "application/scim+json" }).end(JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 0, Resources: [] }));
      });
      await new Promise<void>((r) => trap.listen(0, "127.0.0.1", r));
      const trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/scim/v2`;
      try {
        const [chat] = await t.db.select().from(applications).where(eq(applications.key, "chat"));
        expect(decryptSecrets(chat!.secretsEncrypted)).toEqual({ token: TOKEN });

        const tested = await testSystemConnection({ ctx: ctx(), input: { id: chat!.id, draft: { connectorKind: "scim", config: { baseUrl: trapUrl }, secrets: { token: "" } } } });
        expect(tested.ok).toBe(false);
        expect(tested.message).toMatch(/address changed .*enter token again/);
        await expect(updateSystem({ ctx: ctx(), input: { id: chat!.id, key: "chat", name: "Chat (prod)", connectorKind: "scim", config: { baseUrl: trapUrl }, secrets: {} } })).rejects.toThrow(/enter token again/);
        // Same host, other port: also a new endpoint.
        const otherPort = scim.baseUrl.replace(/:(\d+)/, (_m, p: string) => `:${Number(p) + 1}`);
        await expect(testSystemConnection({ ctx: ctx(), input: { id: chat!.id, draft: { connectorKind: "scim", config: { baseUrl: otherPort } } } })).resolves.toMatchObject({ ok: false, message: expect.stringMatching(/enter token again/) });
        expect(seen).toEqual([]);
        const [after] = await t.db.select().from(applications).where(eq(applications.id, chat!.id));
        expect(after!.config).toEqual(chat!.config);
        expect(decryptSecrets(after!.secretsEncrypted)).toEqual({ token: TOKEN });

        // The same endpoint (another path) keeps using the stored token.
        const samePath = await testSystemConnection({ ctx: ctx(), input: { id: chat!.id, draft: { connectorKind: "scim", config: { baseUrl: scim.baseUrl.replace(/\/?$/, "/") } } } });
        expect(samePath.message).not.toMatch(/enter token again/);

        // With the secret typed again, the new host gets the NEW value only, and saving works.
        const retyped = await testSystemConnection({ ctx: ctx(), input: { id: chat!.id, draft: { connectorKind: "scim", config: { baseUrl: trapUrl }, secrets: { token: "typed-again-456" } } } });
        expect(retyped.message).not.toMatch(/enter token again/);
        expect(seen.length).toBeGreaterThan(0);
        expect(seen.every((h) => h === "Bearer typed-again-456")).toBe(true);

        const audits = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "system.tested"));
        const urls = audits.map((a) => (a.data as { url: string | null }).url);
        expect(urls).toContain(trapUrl);
        expect(urls).toContain(otherPort);
        expect(JSON.stringify(audits)).not.toContain("typed-again-456");
        expect(JSON.stringify(audits)).not.toContain(TOKEN);
      } finally {
        await new Promise((r) => trap.close(r));
      }
    });

    it("apply: deprovision.memberships sets the leaver policy (default remove; keep = disable only)", async () => {
      const sys = (memberships?: string) => JSON.stringify({ systems: [{ key: "hold", name: "Legal hold", connector: "manual", deprovision: { action: "disable", retentionDays: 90, ...(memberships ? { memberships } : {}) } }] });
      await applySystemsFile({ ctx: ctx(), input: { text: sys(), environment: {} } });
      const policy = async () => (await t.db.select().from(applications).where(eq(applications.key, "hold")))[0]!.leaverPolicy;
      expect(await policy()).toBe("disable_and_remove_memberships");
      const dry = await applySystemsFile({ ctx: ctx(), input: { text: sys("keep"), environment: {}, dryRun: true } });
      expect(dry[0]!.changes).toEqual(["deprovision.memberships"]);
      await applySystemsFile({ ctx: ctx(), input: { text: sys("keep"), environment: {} } });
      expect(await policy()).toBe("disable");
      await expect(applySystemsFile({ ctx: ctx(), input: { text: sys("sometimes"), environment: {} } })).rejects.toThrow(/memberships must be kept/);
      expect(await policy()).toBe("disable");
    });
  });
}

// Test connection against the other real targets: the connector's message comes back, the secret never does.
const { ldapAvailable, startLdap, LDAP_INSTALL_HINT } = await import("@/lib/testing/ldap-server");
const { pgAvailable, PG_INSTALL_HINT, DEFAULT_TEST_PG_URL } = await import("@/lib/testing/postgres");
const { requireOrSkip } = await import("@/lib/testing/require-server");

requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT)("test connection: LDAP", () => {
  it("reports a wrong bind password without echoing it, and connects with the right one", async () => {
    const t = await testDrivers()[0]!.open();
    const srv = await startLdap();
    try {
      const ctx = { actor: { personId: randomUUID(), name: "A", email: "a@x", roles: ["admin" as const], ownedApplicationIds: [] }, db: t.db };
      const v = await createSystem({ ctx, input: { key: "dir", name: "Directory", connectorKind: "ldap", config: { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn, timeoutMs: 3000 }, secrets: { bindPassword: "wrong-pass-4711" } } });
      const bad = await testSystemConnection({ ctx, input: { id: v.id } });
      expect(bad.ok).toBe(false);
      expect(bad.message).not.toContain("wrong-pass-4711");
      const good = await testSystemConnection({ ctx, input: { id: v.id, draft: { connectorKind: "ldap", config: { url: srv.url, bindDn: srv.bindDn, baseDn: srv.baseDn }, secrets: { bindPassword: srv.bindPassword } } } });
      expect(good.ok).toBe(true);
      expect(good.message).not.toContain(srv.bindPassword);
    } finally {
      await srv.stop();
      await t.close();
    }
  });
});

requireOrSkip("PostgreSQL", await pgAvailable(), PG_INSTALL_HINT)("test connection: PostgreSQL", () => {
  it("connects with the URL stored as a secret; a wrong password is reported without the password", async () => {
    const t = await testDrivers()[0]!.open();
    try {
      const ctx = { actor: { personId: randomUUID(), name: "A", email: "a@x", roles: ["admin" as const], ownedApplicationIds: [] }, db: t.db };
      const v = await createSystem({ ctx, input: { key: "warehouse", name: "Warehouse", connectorKind: "postgres", config: { prefix: "ghsys_", timeoutMs: 3000 }, secrets: { url: DEFAULT_TEST_PG_URL } } });
      expect(v.secretsSet).toEqual(["url"]);
      const good = await testSystemConnection({ ctx, input: { id: v.id } });
      expect(good.ok).toBe(true);
      const u = new URL(DEFAULT_TEST_PG_URL);
      u.username = "no_such_user_x";
      u.password = "pw-secret-8812";
      const bad = await testSystemConnection({ ctx, input: { draft: { connectorKind: "postgres", config: { prefix: "ghsys_", timeoutMs: 3000 }, secrets: { url: u.toString() } } } });
      expect(bad.ok).toBe(false);
      expect(bad.message).not.toContain("pw-secret-8812");
    } finally {
      await t.close();
    }
  });
});

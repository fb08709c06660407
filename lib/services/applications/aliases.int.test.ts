/**
 * Application aliases: admins edit them in the portal (setApplicationAliases) and in the systems file
 * (`gatehouse apply`); both are cleaned, refuse an alias that names another application, are audited, and the
 * plain-language parser answers to them. Rows read back on PGlite (and PostgreSQL when TEST_DATABASE_URL is set).
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, auditEvents, entitlements, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { nlDraft } from "@/lib/services/requests/nl-draft";
import { applyConfigFile } from "@/lib/services/systems/apply-file";
import { setApplicationAliases } from "./set-aliases";

for (const driver of testDrivers()) {
  describe(`application aliases on ${driver.label}`, () => {
    let t: TestDb;
    const ada = testPerson("Ada", { title: "IT Manager", department: "IT" });
    const bo = testPerson("Bo", { title: "Engineer" });
    const admin: Actor = { personId: ada.id, name: ada.displayName, email: ada.email, roles: ["employee", "admin"], ownedApplicationIds: [] };
    const employee: Actor = { personId: bo.id, name: bo.displayName, email: bo.email, roles: ["employee"], ownedApplicationIds: [] };
    let forgeId = "";
    let wikiId = "";
    const ctx = (a: Actor) => ({ actor: a, db: t.db, clock: () => new Date("2026-03-04T09:00:00Z") });
    const aliasesOf = async (id: string) => (await t.db.select({ a: applications.aliases }).from(applications).where(eq(applications.id, id)))[0]!.a;

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([ada, bo]);
      const [forge] = await t.db.insert(applications).values({ key: "forge", name: "Code Forge", connectorKind: "manual" }).returning();
      const [wiki] = await t.db.insert(applications).values({ key: "wiki", name: "Team Wiki", connectorKind: "manual", aliases: ["kb"] }).returning();
      forgeId = forge!.id;
      wikiId = wiki!.id;
      await t.db.insert(entitlements).values([
        { applicationId: forgeId, externalId: "read", name: "Reader", level: "read", sensitivity: "low" },
        { applicationId: forgeId, externalId: "write", name: "Committer", level: "edit", sensitivity: "medium" },
      ]);
    });
    afterAll(async () => t?.close());

    it("an admin sets them from the form (comma-separated, cleaned); audited from → to; the parser answers to them", async () => {
      const r = await setApplicationAliases({ ctx: ctx(admin), input: { applicationId: forgeId, aliases: " The Repo, cf , the repo, x" } });
      expect(r.aliases).toEqual(["the repo", "cf"]);
      expect(await aliasesOf(forgeId)).toEqual(["the repo", "cf"]);
      const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "application.aliases_updated"), eq(auditEvents.targetId, forgeId)));
      expect(ev?.data).toMatchObject({ from: [], to: ["the repo", "cf"] });
      const d = await nlDraft({ ctx: ctx(employee), input: { text: "I need the repo committer" } });
      expect(d).toMatchObject({ kind: "draft", beneficiary: { id: bo.id } });
      if (d.kind === "draft") expect(d.items.map((i) => i.label)).toEqual(["Code Forge Committer"]);
    });

    it("refuses non-admins and an alias that names another application; nothing changes", async () => {
      await expect(setApplicationAliases({ ctx: ctx(employee), input: { applicationId: forgeId, aliases: ["mine"] } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setApplicationAliases({ ctx: ctx(admin), input: { applicationId: forgeId, aliases: ["kb"] } })).rejects.toBeInstanceOf(ValidationError);
      await expect(setApplicationAliases({ ctx: ctx(admin), input: { applicationId: forgeId, aliases: ["team wiki"] } })).rejects.toThrow(/already names Team Wiki/);
      await expect(setApplicationAliases({ ctx: ctx(admin), input: { applicationId: "not-a-uuid", aliases: [] } })).rejects.toBeInstanceOf(ValidationError);
      expect(await aliasesOf(forgeId)).toEqual(["the repo", "cf"]);
    });

    it("the systems file sets them: dry run shows the change, apply stores it, a second apply is unchanged; a clash stops the file", async () => {
      const file = (aliases: string[]) => JSON.stringify({ systems: [{ key: "forge", name: "Code Forge", connector: "manual", aliases }] });
      const dry = await applyConfigFile({ ctx: ctx(admin), input: { text: file(["Forge", "git"]), environment: {}, dryRun: true } });
      expect(dry.systems[0]).toMatchObject({ action: "update", changes: ["aliases"] });
      expect(await aliasesOf(forgeId)).toEqual(["the repo", "cf"]);
      await applyConfigFile({ ctx: ctx(admin), input: { text: file(["Forge", "git"]), environment: {} } });
      expect(await aliasesOf(forgeId)).toEqual(["forge", "git"]);
      const again = await applyConfigFile({ ctx: ctx(admin), input: { text: file(["git", "forge"]), environment: {}, dryRun: true } });
      expect(again.systems[0]).toMatchObject({ action: "unchanged" });
      await expect(applyConfigFile({ ctx: ctx(admin), input: { text: file(["kb"]), environment: {} } })).rejects.toThrow(/already names Team Wiki/);
      expect(await aliasesOf(forgeId)).toEqual(["forge", "git"]);
      expect(await aliasesOf(wikiId)).toEqual(["kb"]);
    });
  });
}

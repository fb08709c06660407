/**
 * Demo applications (connector "demo": a SCIM 2.0 service with a derived token) in the systems form's services:
 * they keep their connector when saved, nobody turns another system into one, and their connection test talks SCIM
 * to a real server (here a test SCIM app accepting the demo token, in place of the portal's own /api/demo-apps).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { applications, auditEvents, people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { resetEnvCache } from "@/lib/env";
import { ValidationError } from "@/lib/errors";
import { demoAppToken } from "@/lib/services/provisioning/connector-for";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { createSystem, updateSystem } from "./save-system";
import { testSystemConnection } from "./test-system";

process.env.GATEHOUSE_SECRET_KEY ??= "systems-int-test-key";
resetEnvCache();

for (const driver of testDrivers()) {
  describe(`demo applications in the systems form on ${driver.label}`, () => {
    let t: TestDb;
    let scim: ScimApp;
    const adminId = randomUUID();
    const admin: Actor = { personId: adminId, name: "Admin", email: "admin@example.test", roles: ["employee", "admin"], ownedApplicationIds: [] };
    const ctx = () => ({ actor: admin, db: t.db });
    let demoId = "";

    beforeAll(async () => {
      t = await driver.open();
      scim = await startScimApp({ token: demoAppToken("slack") });
      await t.db.insert(people).values({ id: adminId, employeeId: "E-1", givenName: "Ada", familyName: "Min", displayName: "Ada Min", email: "admin@example.test", department: "IT", title: "Admin", location: "Remote" });
      const [a] = await t.db.insert(applications).values({ key: "slack", name: "Slack", connectorKind: "demo", config: { baseUrl: scim.baseUrl } }).returning();
      demoId = a!.id;
    });
    afterAll(async () => {
      await scim?.stop();
      await t?.close();
    });

    it("the connection test of a demo application speaks SCIM with its derived token, audited", async () => {
      const r = await testSystemConnection({ ctx: ctx(), input: { id: demoId, draft: { connectorKind: "demo", config: { baseUrl: scim.baseUrl } } } });
      expect(r.ok).toBe(true);
      const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "system.tested"));
      expect(audit!.data).toMatchObject({ connectorKind: "demo", ok: true, url: scim.baseUrl });
    });

    it("a demo application is saved with its connector; a new or other system cannot take it", async () => {
      const v = await updateSystem({ ctx: ctx(), input: { id: demoId, key: "slack", name: "Slack (team chat)", connectorKind: "demo", config: { baseUrl: scim.baseUrl } } });
      expect(v).toMatchObject({ name: "Slack (team chat)", connectorKind: "demo" });
      await expect(updateSystem({ ctx: ctx(), input: { id: demoId, key: "slack", name: "Slack", connectorKind: "demo", config: { token: "x" } } })).rejects.toBeInstanceOf(ValidationError);
      await expect(createSystem({ ctx: ctx(), input: { key: "chat2", name: "Chat", connectorKind: "demo", config: {} } })).rejects.toThrow(/demo connector belongs to the demo organisation/);
      const [row] = await t.db.select().from(applications).where(eq(applications.id, demoId));
      expect(row).toMatchObject({ name: "Slack (team chat)", connectorKind: "demo" });
      expect((await t.db.select().from(applications)).length).toBe(1);
      // A draft of another system cannot be tested as a demo one.
      const r = await testSystemConnection({ ctx: ctx(), input: { draft: { connectorKind: "demo", config: {} } } });
      expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/Only the demo organisation's applications/) });
    });
  });
}

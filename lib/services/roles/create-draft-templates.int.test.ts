import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { applications, entitlements, roleEntitlements, roleTemplates } from "@/db/schema";
import { verifyAuditChain } from "@/lib/audit";
import type { Actor } from "@/lib/auth/can";
import { buildAccessReport } from "@/lib/domain/mining/csv-report";
import { ForbiddenError } from "@/lib/errors";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { createDraftTemplates } from "./create-draft-templates";

const admin: Actor = { personId: "00000000-0000-0000-0000-00000000000a", name: "A", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const auditor: Actor = { ...admin, roles: ["employee", "auditor"] };

describe("mined roles → draft templates", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await pgliteTestDb();
    for (const [key, name, ents] of [["slack", "Slack", ["Member", "Admin"]], ["github", "GitHub", ["Read", "Write"]]] as const) {
      const [a] = await t.db.insert(applications).values({ key, name }).returning();
      await t.db.insert(entitlements).values(ents.map((e, i) => ({ applicationId: a.id, externalId: e.toLowerCase(), name: e, level: (i === 0 ? "read" : "admin") as "read" | "admin" })));
    }
  });
  afterAll(async () => t?.close());

  it("creates drafts from a report's roles, matching names and leaving unknown ones out", async () => {
    const csv = "Employee_Name,Department,Job_Title,Slack,GitHub,Figma\nAda,Eng,Engineer,Yes,Yes,No\nBob,Eng,Engineer,Yes,Yes,No\nCy,Design,Designer,Yes,No,Yes\n";
    const report = buildAccessReport(csv);
    const roles = report.roles.map((r, i) => ({ name: `Role ${i + 1}`, permissions: r.applications }));
    const created = await createDraftTemplates({ ctx: { db: t.db, actor: admin }, input: { roles } });
    expect(created.length).toBe(report.roles.length);
    const all = await t.db.select().from(roleTemplates);
    expect(all.every((r) => r.status === "draft")).toBe(true);
    const withFigma = created.find((c) => c.unmatched.includes("Figma"));
    expect(withFigma).toBeDefined();
    // An application named alone with several entitlements is not guessed (no lowest-level default): it is
    // reported as ambiguous with its choices and left out of the draft.
    for (const c of created) {
      expect(c.included).toEqual([]);
      expect(c.ambiguous.map((a) => a.permission).sort()).toEqual(report.roles.find((r, i) => `Role ${i + 1}` === c.name)!.applications.filter((a) => a !== "Figma").sort());
    }
    expect(created.flatMap((c) => c.ambiguous).find((a) => a.permission === "Slack")!.choices).toEqual(["Member (read)", "Admin (admin)"]);
    expect(await t.db.select().from(roleEntitlements)).toEqual([]);
    expect((await verifyAuditChain(t.db)).events).toBe(1);
  });

  it("application:entitlement names draft exactly that entitlement, at its own level", async () => {
    const csv = "employee,application,entitlement\nAda,Slack,Admin\nAda,GitHub,Write\nBob,Slack,Admin\nBob,GitHub,Write\n";
    const report = buildAccessReport(csv);
    const [created] = await createDraftTemplates({ ctx: { db: t.db, actor: admin }, input: { roles: [{ name: "Maintainers", permissions: report.roles[0]!.applications }] } });
    expect(created!.ambiguous).toEqual([]);
    expect(created!.included.map((e) => `${e.application} · ${e.name} (${e.level})`).sort()).toEqual(["GitHub · Write (admin)", "Slack · Admin (admin)"]);
    const links = await t.db.select({ name: entitlements.name }).from(roleEntitlements).innerJoin(entitlements, eq(entitlements.id, roleEntitlements.entitlementId)).where(eq(roleEntitlements.roleId, created!.id));
    expect(links.map((l) => l.name).sort()).toEqual(["Admin", "Write"]);
  });

  it("only admins may create role templates", async () => {
    await expect(createDraftTemplates({ ctx: { db: t.db, actor: auditor }, input: { roles: [{ name: "x", permissions: ["Slack"] }] } })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("rejects malformed input", async () => {
    await expect(createDraftTemplates({ ctx: { db: t.db, actor: admin }, input: { roles: [] } })).rejects.toThrow();
  });
});

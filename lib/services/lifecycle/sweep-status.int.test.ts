import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { people } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { ForbiddenError } from "@/lib/errors";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { getLifecycleOverview, getPersonTimeline } from "./sweep-status";

const actor = (roles: Actor["roles"], personId = "00000000-0000-0000-0000-0000000000aa"): Actor => ({ personId, name: "A", email: "a@x", roles, ownedApplicationIds: [] });

describe("lifecycle read permissions", () => {
  let t: TestDb;
  let pid = "";
  beforeAll(async () => {
    t = await pgliteTestDb();
    [{ id: pid }] = await t.db.insert(people).values({ employeeId: "E1", givenName: "A", familyName: "B", displayName: "A B", email: "a@b.test", department: "D", title: "T", location: "L" }).returning();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("admins, security and auditors see the overview; employees do not", async () => {
    for (const r of ["admin", "security", "auditor"] as const) {
      const o = await getLifecycleOverview({ ctx: { db: t.db, actor: actor(["employee", r]) }, input: {} });
      expect(o.stats.openLeaversWithAccess).toBe(0);
      expect(o.events.total).toBe(0);
    }
    await expect(getLifecycleOverview({ ctx: { db: t.db, actor: actor(["employee", "manager"]) }, input: {} })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("a person sees their own timeline, another employee does not", async () => {
    expect(await getPersonTimeline({ ctx: { db: t.db, actor: actor(["employee"], pid) }, input: { personId: pid } })).toEqual([]);
    await expect(getPersonTimeline({ ctx: { db: t.db, actor: actor(["employee"]) }, input: { personId: pid } })).rejects.toBeInstanceOf(ForbiddenError);
  });
});

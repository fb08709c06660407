/**
 * Peer adoption (adoptionFor): the peers' counts, and the department's counts for the entitlements asked about
 * (teamOf) equal to the counts over every entitlement; expired, revoked and the person's own grants never count,
 * nor do colleagues who left; a person holding one entitlement twice (two sources) counts once.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applications, entitlements, grants, people } from "@/db/schema";
import { testPerson } from "@/lib/testing/fixtures";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { adoptionFor } from "./requests";

const NOW = new Date("2026-03-02T10:00:00Z");
const DAY = 86_400_000;

for (const driver of testDrivers()) {
  describe(`peer adoption on ${driver.label}`, () => {
    let t: TestDb;
    const me = testPerson("Me", { title: "Engineer" });
    const engs = ["A", "B", "C", "D"].map((n) => testPerson(`Eng${n}`, { title: "Engineer" }));
    const mgr = testPerson("Mgr", { title: "Engineering Manager" });
    const sre = testPerson("Sre", { title: "SRE" });
    const left = testPerson("Left", { title: "Engineer", status: "terminated" });
    const sales = testPerson("Sal", { department: "Sales", title: "Engineer" });
    const ent: Record<string, string> = {};

    beforeAll(async () => {
      t = await driver.open();
      await t.db.insert(people).values([me, ...engs, mgr, sre, left, sales]);
      const [app] = await t.db.insert(applications).values({ key: `app-${randomUUID().slice(0, 6)}`, name: "App", connectorKind: "scim", config: {} }).returning();
      const rows = await t.db
        .insert(entitlements)
        .values(["read", "write", "deploy", "admin"].map((k) => ({ applicationId: app!.id, externalId: k, name: k })))
        .returning();
      for (const r of rows) ent[r.externalId] = r.id;
      const g = (p: { id: string }, e: string, extra: Partial<typeof grants.$inferInsert> = {}) => ({ personId: p.id, entitlementId: ent[e]!, source: "manual" as const, ...extra });
      await t.db.insert(grants).values([
        // read: three engineers (one of them twice), the manager, the SRE; me (never counted); one who left; Sales.
        g(engs[0]!, "read"), g(engs[0]!, "read", { source: "birthright" }), g(engs[1]!, "read"), g(engs[2]!, "read"),
        g(mgr, "read"), g(sre, "read"), g(me, "read"), g(left, "read"), g(sales, "read"),
        // write: one engineer, plus one whose grant expired yesterday (still 'active' until the expiry job runs).
        g(engs[0]!, "write"), g(engs[1]!, "write", { expiresAt: new Date(NOW.getTime() - DAY) }),
        g(engs[2]!, "write", { expiresAt: new Date(NOW.getTime() + DAY) }),
        // deploy: only the SRE and the manager (department, not peers); admin: revoked.
        g(sre, "deploy"), g(mgr, "deploy"), g(engs[3]!, "admin", { status: "revoked" }),
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    it("title basis: peers' counts over every entitlement, the department's over those asked about, equal to counting all", async () => {
      const all = await adoptionFor(t.db, me, NOW);
      expect(all).toMatchObject({ basis: "title", peerCount: 4, teamSize: 6, peerGroup: "Engineers in Engineering" });
      const counts = (a: typeof all) => Object.fromEntries(Object.entries(ent).map(([k, id]) => [k, a.holders.get(id) ?? null]));
      expect(counts(all)).toEqual({
        read: { peers: 3, team: 5 },
        write: { peers: 2, team: 2 },
        deploy: { peers: 0, team: 2 },
        admin: null,
      });
      const asked = await adoptionFor(t.db, me, NOW, { teamOf: [ent.read!, ent.deploy!, ent.admin!] });
      expect(asked.holders.get(ent.read!)).toEqual({ peers: 3, team: 5 });
      expect(asked.holders.get(ent.deploy!)).toEqual({ peers: 0, team: 2 });
      expect(asked.holders.get(ent.admin!)).toBeUndefined();
      // Not asked about: the peers' count is still there (suggestions read it).
      expect(asked.holders.get(ent.write!)?.peers).toBe(2);
      // Nothing asked: peers only.
      const peersOnly = await adoptionFor(t.db, me, NOW, { teamOf: [] });
      expect(peersOnly.holders.get(ent.read!)?.peers).toBe(3);
      expect(peersOnly.holders.has(ent.deploy!)).toBe(false);
    });

    it("department basis (fewer than 3 share the title): peers are the department", async () => {
      const a = await adoptionFor(t.db, sre, NOW, { teamOf: [ent.deploy!] });
      expect(a).toMatchObject({ basis: "department", peerCount: 6, teamSize: 6, peerGroup: "people in Engineering" });
      expect(a.holders.get(ent.deploy!)).toEqual({ peers: 1, team: 1 });
      expect(a.holders.get(ent.read!)).toEqual({ peers: 5, team: 5 });
    });
  });
}

/**
 * Reconciliation against a REAL OpenLDAP (slapd): the target is diffed against the desired state every time.
 * - A membership added directly in the directory is reported on EVERY reconcile (persisted finding, drift on the
 *   Systems page's health) until it is removed or accepted as an exception (reason, expiry, audited); under the
 *   "report" policy it is not revoked.
 * - A leaver whose disable was dead-lettered is found still active and re-planned by reconcile; the worker disables
 *   them and the old incident closes by itself.
 * slapd is required (CI fails without it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Attribute, Change, Client } from "ldapts";
import { and, eq, inArray, sql } from "drizzle-orm";
import { accounts, applications, auditEvents, driftFindings, entitlements, grants, incidents, operations, people } from "@/db/schema";
import { getApplication } from "@/db/queries/applications";
import { liveDriftFindings } from "@/db/queries/drift";
import { systemHealth } from "@/db/queries/system-health";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { resetEnvCache } from "@/lib/env";
import { ForbiddenError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { testPerson } from "@/lib/testing/fixtures";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { acceptDriftFinding } from "./accept-drift";
import { planPeople } from "./plan";
import { reconcileAll, type ReconcileReport } from "./reconcile";

process.env.GATEHOUSE_SECRET_KEY ??= "drift-int-test-key";
resetEnvCache();

const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
const fast = { concurrency: 4, maxAttempts: 2, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };

for (const driver of testDrivers()) {
  describeLdap(`drift against a real directory on ${driver.label}`, () => {
    let t: TestDb;
    let ldap: LdapServer;
    let dir: Client;
    let worker: ProvisioningWorker;
    let appId: string;
    const ents: Record<string, string> = {};
    const ann = testPerson("Ann");
    const ben = testPerson("Ben");
    const admin = testPerson("Root");
    const adminActor: Actor = { personId: admin.id, name: "Root", email: admin.email, roles: ["employee", "admin"], ownedApplicationIds: [] };
    const reconcile = async () => {
      const [r] = await reconcileAll(t.db, { keys: ["directory"] });
      expect(r).not.toHaveProperty("error");
      return r as ReconcileReport;
    };
    const groupDn = (cn: string) => `cn=${cn},ou=groups,${ldap.baseDn}`;
    const userDn = async (uid: string) => (await dir.search(ldap.baseDn, { filter: `(uid=${uid})` })).searchEntries[0]!.dn;
    const membersOf = async (cn: string) => ([] as string[]).concat(((await dir.search(groupDn(cn), { scope: "base" })).searchEntries[0]!.member as string | string[]) ?? []).map((m) => m.toLowerCase());

    beforeAll(async () => {
      [t, ldap] = await Promise.all([driver.open(), startLdap()]);
      dir = new Client({ url: ldap.url });
      await dir.bind(ldap.bindDn, ldap.bindPassword);
      for (const cn of ["staff", "vpn-admins"]) await dir.add(groupDn(cn), { objectClass: ["top", "groupOfNames"], cn, member: [`cn=gatehouse-placeholder,${ldap.baseDn}`] });
      const [app] = await t.db
        .insert(applications)
        .values({ key: "directory", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ bindPassword: ldap.bindPassword }) })
        .returning();
      appId = app!.id;
      for (const cn of ["staff", "vpn-admins"]) ents[cn] = (await t.db.insert(entitlements).values({ applicationId: appId, externalId: groupDn(cn), name: cn }).returning())[0]!.id;
      await t.db.insert(people).values([ann, ben, admin]);
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values([ann, ben].map((p) => ({ personId: p.id, entitlementId: ents.staff!, source: "request" as const, reason: "staff" })));
        await planPeople(tx, [ann.id, ben.id], { kind: "request" });
      });
      worker = await new ProvisioningWorker(t, fast).start();
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      const ops = await t.db.select({ k: operations.kind, s: operations.status, e: operations.lastError }).from(operations);
      expect(ops.every((o) => o.s === "succeeded"), JSON.stringify(ops)).toBe(true);
      expect((await membersOf("staff")).filter((m) => m.startsWith("uid="))).toHaveLength(2);
    }, 60_000);
    afterAll(async () => {
      await worker?.stop();
      await dir?.unbind().catch(() => {});
      await ldap?.stop();
      await t?.close();
    });

    it("converged: no findings, nothing planned", async () => {
      const r = await reconcile();
      expect(r).toMatchObject({ drifted: 0, plannedOperations: 0, findings: [] });
    });

    it("a membership added directly in the directory is reported on every reconcile until removed (report policy: not revoked)", async () => {
      await dir.modify(groupDn("vpn-admins"), [new Change({ operation: "add", modification: new Attribute({ type: "member", values: [await userDn("ben")] }) })]);
      const first = await reconcile();
      expect(first.drifted).toBe(1);
      expect(first.plannedOperations).toBe(0);
      expect(first.findings).toMatchObject([{ kind: "unexpected_membership", userName: "ben", person: "Ben Test", entitlement: "vpn-admins", status: "open" }]);
      const second = await reconcile();
      expect(second.drifted).toBe(1);
      expect(second.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id)); // the same persisted finding
      expect(second.findings[0]!.firstSeenAt).toBe(first.findings[0]!.firstSeenAt);
      // Visible on the Systems page (health: drifted accounts) and still in the directory.
      expect((await systemHealth(t.db, [appId])).get(appId)).toMatchObject({ driftedAccounts: 1 });
      expect(await membersOf("vpn-admins")).toContain((await userDn("ben")).toLowerCase());
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.personId, ben.id));
      expect(acc!.reconState).toBe("drift");
      // … and on the application and person pages; the group's members in the system differ from its holders.
      expect(await liveDriftFindings(t.db, { applicationId: appId })).toMatchObject([{ kind: "unexpected_membership", userName: "ben", entitlementName: "vpn-admins", status: "open" }]);
      expect(await liveDriftFindings(t.db, { personId: ben.id })).toHaveLength(1);
      const vpn = (await getApplication(t.db, appId))!.entitlements.find((e) => e.name === "vpn-admins")!;
      expect(vpn).toMatchObject({ holders: 0, inTarget: 1 });

      // Accepted as an exception (admins only, reason and a future expiry): reported as accepted, not as drift.
      const findingId = second.findings[0]!.id;
      await expect(acceptDriftFinding({ ctx: { db: t.db, actor: { ...adminActor, roles: ["employee", "auditor"] } }, input: { findingId, reason: "break-glass", until: new Date(Date.now() + 86_400_000).toISOString() } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(acceptDriftFinding({ ctx: { db: t.db, actor: adminActor }, input: { findingId, reason: "break-glass", until: new Date(Date.now() - 1000).toISOString() } })).rejects.toBeInstanceOf(ValidationError);
      await acceptDriftFinding({ ctx: { db: t.db, actor: adminActor }, input: { findingId, reason: "break-glass for the migration", until: new Date(Date.now() + 86_400_000).toISOString() } });
      const third = await reconcile();
      expect(third).toMatchObject({ drifted: 0, accepted: 1 });
      expect(third.findings).toMatchObject([{ id: findingId, status: "accepted" }]);
      expect((await systemHealth(t.db, [appId])).get(appId)).toMatchObject({ driftedAccounts: 0 });
      const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "drift.accepted"));
      expect(audit).toMatchObject({ actorId: admin.id, targetId: appId });
      expect(audit!.data).toMatchObject({ findingId, reason: "break-glass for the migration" });

      // An expired exception is drift again.
      await t.db.update(driftFindings).set({ acceptedUntil: new Date(Date.now() - 1000) }).where(eq(driftFindings.id, findingId));
      expect(await reconcile()).toMatchObject({ drifted: 1, accepted: 0 });

      // Removed from the directory: resolved.
      await dir.modify(groupDn("vpn-admins"), [new Change({ operation: "delete", modification: new Attribute({ type: "member", values: [await userDn("ben")] }) })]);
      const gone = await reconcile();
      expect(gone).toMatchObject({ drifted: 0, findings: [] });
      const [row] = await t.db.select().from(driftFindings).where(eq(driftFindings.id, findingId));
      expect(row).toMatchObject({ status: "resolved" });
      expect(row!.resolvedAt).toBeTruthy();
    });

    it("a leaver whose disable was dead-lettered is still active: reconcile reports and re-plans it, the worker disables, the incident closes", async () => {
      // The directory refuses the worker (bad credentials) while Ann leaves: the disable dies with an incident.
      const bad = encryptSecrets({ bindPassword: "wrong" });
      await t.db.update(applications).set({ secretsEncrypted: bad, updatedAt: new Date() }).where(eq(applications.id, appId));
      await t.db.transaction(async (tx) => {
        await tx.update(people).set({ status: "terminated" }).where(eq(people.id, ann.id));
        await planPeople(tx, [ann.id], { kind: "hr" });
      });
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      const [dead] = await t.db.select().from(operations).where(and(eq(operations.personId, ann.id), eq(operations.kind, "disable")));
      expect(dead!.status).toBe("dead");
      const [inc] = await t.db.select().from(incidents).where(eq(incidents.operationId, dead!.id));
      expect(inc!.status).toBe("open");

      // The directory is fixed. Reconcile sees Ann active, reports it, and plans the disable again.
      await t.db.update(applications).set({ secretsEncrypted: encryptSecrets({ bindPassword: ldap.bindPassword }), updatedAt: new Date() }).where(eq(applications.id, appId));
      const r = await reconcile();
      expect(r.findings).toMatchObject([{ kind: "leaver_active", userName: "ann" }]);
      expect(r.drifted).toBe(1);
      // The disable again, and (leaver policy "disable and remove memberships", the default) her memberships' removal.
      const replanned = await t.db.select().from(operations).where(and(eq(operations.personId, ann.id), eq(operations.status, "pending")));
      expect(r.plannedOperations).toBe(replanned.length);
      expect(replanned.map((o) => o.kind)).toContain("disable");
      expect(replanned.every((o) => o.kind === "disable" || o.kind === "revoke")).toBe(true);
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      const disables = await t.db.select().from(operations).where(and(eq(operations.personId, ann.id), eq(operations.kind, "disable")));
      expect(disables.map((d) => d.status).sort()).toEqual(["dead", "succeeded"]);
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.personId, ann.id));
      expect(acc!.status).toBe("disabled");
      const [closed] = await t.db.select().from(incidents).where(eq(incidents.id, inc!.id));
      expect(closed!.status).toBe("resolved");
      const after = await reconcile();
      expect(after).toMatchObject({ drifted: 0, plannedOperations: 0, findings: [] });
      const live = await t.db.select().from(driftFindings).where(and(eq(driftFindings.applicationId, appId), inArray(driftFindings.status, ["open", "accepted"])));
      expect(live).toEqual([]);
      void sql;
    });
  });
}
void describe;

/**
 * Orphan accounts reviewed and the first campaign (issue 10, items 7 and 11), on a fresh organisation with NO demo
 * data, against a real SCIM 2.0 application and a real slapd pre-loaded with accounts, groups and memberships, some
 * of whose accounts match no person. Reconcile finds the orphans; "Review all existing access" is previewed and
 * launched (the preview's counts per application and reviewer equal the created items); the application owner (an
 * admin where the application has none) decides: link (the account becomes the person's, its membership an adopted
 * grant), keep as a service account (owner and expiry stored; back as an open finding after the expiry), disable
 * (a planned operation the worker executes through the SCIM connector). Decisions are audited and in the evidence.
 * Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set; slapd is required.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { Client } from "ldapts";
import { and, eq, ne } from "drizzle-orm";
import { accounts, auditEvents, driftFindings, entitlements, grants, operations, orphanReviewItems, people, portalRoleAssignments, reviewCampaigns, reviewItems } from "@/db/schema";
import { grantHistories } from "@/db/queries/reviews";
import type { Actor } from "@/lib/auth/can";
import { ScimConnector } from "@/lib/connectors/scim";
import { resetEnvCache } from "@/lib/env";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { testPerson } from "@/lib/testing/fixtures";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { reconcileAll, type ReconcileReport } from "@/lib/services/provisioning/reconcile";
import { createSystem } from "@/lib/services/systems/save-system";
import { closeCampaign } from "./close-campaign";
import { exportEvidence } from "./evidence";
import { exportEvidencePdf } from "./evidence-pdf";
import { launchExistingAccess, previewExistingAccess } from "./existing-access";
import { getReviewerView, listCampaigns } from "./list-reviews";
import { decideOrphan, orphanPeopleSearch } from "./orphans";

process.env.GATEHOUSE_SECRET_KEY ??= "orphans-int-test-key";
resetEnvCache();

const describeLdap = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
const TOKEN = "scim-orphans-token-1";
const DAY = 86_400_000;
const fast = { concurrency: 2, maxAttempts: 2, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };
const actorOf = (p: { id: string; displayName: string; email: string }, roles: Actor["roles"], owned: string[] = []): Actor => ({ personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: owned });

for (const driver of testDrivers()) {
  describeLdap(`orphan accounts and the first campaign on ${driver.label}`, () => {
    let t: TestDb;
    let scim: ScimApp;
    let ldap: LdapServer;
    let dir: Client;
    let worker: ProvisioningWorker | null = null;
    const root = testPerson("Root", { department: "IT" });
    const owen = testPerson("Owen", { department: "IT" }); // owns Chat (SCIM)
    const ada = testPerson("Ada", { managerId: owen.id });
    const bob = testPerson("Bob", { managerId: owen.id });
    const cy = testPerson("Cy", { managerId: owen.id });
    const admin = () => actorOf(root, ["employee", "admin"]);
    const now = new Date(Date.now() + 60_000); // the decisions' clock (injected)
    const scimUser = new Map<string, string>();
    let chatId = "";
    let dirId = "";
    let campaignId = "";
    const orphanItem = async (userName: string) => {
      const [r] = await t.db.select({ item: orphanReviewItems }).from(orphanReviewItems).innerJoin(accounts, eq(accounts.id, orphanReviewItems.accountId)).where(and(eq(orphanReviewItems.campaignId, campaignId), eq(accounts.username, userName)));
      return r!.item;
    };

    beforeAll(async () => {
      [t, scim, ldap] = await Promise.all([driver.open(), startScimApp({ token: TOKEN }), startLdap()]);
      await t.db.insert(people).values([root, owen, ada, bob, cy]);
      await t.db.insert(portalRoleAssignments).values({ personId: root.id, role: "admin" });
      // SCIM "Chat": accounts of Ada and Bob, and two that match nobody: ghost (in Admins) and backup-bot (in Engineers).
      const sc = new ScimConnector({ baseUrl: scim.baseUrl, token: TOKEN });
      for (const [u, email] of [["ada", ada.email], ["bob", bob.email], ["ghost", "ghost@old-vendor.test"], ["backup-bot", "backup@machines.test"]] as const) {
        scimUser.set(u, (await sc.createAccount({ userName: u, givenName: u, familyName: "X", displayName: u, email })).externalId);
      }
      for (const [g, us] of [["Engineers", ["ada", "bob", "backup-bot"]], ["Admins", ["ada", "ghost"]]] as const) {
        const r = await fetch(`${scim.baseUrl}/Groups`, {
          method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/scim+json" },
          body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: g, members: us.map((u) => ({ value: scimUser.get(u) })) }),
        });
        expect(r.ok).toBe(true);
      }
      // slapd "Directory" (no owner): Ada, Bob, and cyrus (Cy's old account under another email) and jenkins, both in vpn.
      dir = new Client({ url: ldap.url });
      await dir.bind(ldap.bindDn, ldap.bindPassword);
      const dn = (u: string) => `uid=${u},ou=people,${ldap.baseDn}`;
      for (const [u, mail] of [["ada", ada.email], ["bob", bob.email], ["cyrus", "cyrus@legacy.test"], ["jenkins", "ci@machines.test"]] as const) {
        await dir.add(dn(u), { objectClass: ["top", "person", "organizationalPerson", "inetOrgPerson"], uid: u, cn: u, sn: "X", mail });
      }
      await dir.add(`cn=vpn,ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn: "vpn", member: [dn("ada"), dn("cyrus"), dn("jenkins")] });

      const ctx = { actor: admin(), db: t.db };
      chatId = (await createSystem({ ctx, input: { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl }, secrets: { token: TOKEN }, owners: [owen.email] } })).id;
      dirId = (await createSystem({ ctx, input: { key: "dir", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: ldap.bindPassword } } })).id;
    }, 90_000);
    afterAll(async () => {
      await worker?.stop();
      await dir?.unbind().catch(() => {});
      await ldap?.stop();
      await scim?.stop();
      await t?.close();
    });

    it("reconcile finds the orphan accounts and adopts the memberships of linked ones", async () => {
      const out = (await reconcileAll(t.db, { keys: ["chat", "dir"] })) as ReconcileReport[];
      for (const r of out) expect(r).not.toHaveProperty("error");
      expect(out.find((r) => r.application === "chat")).toMatchObject({ orphans: 2, linked: 2, plannedOperations: 0 });
      expect(out.find((r) => r.application === "dir")).toMatchObject({ orphans: 2, linked: 2, plannedOperations: 0 });
      const open = await t.db.select().from(driftFindings).where(and(eq(driftFindings.kind, "orphan_account"), eq(driftFindings.status, "open")));
      expect(open).toHaveLength(4);
      expect(await t.db.select().from(operations)).toEqual([]);
    });

    it("the first campaign: the preview's counts per application and reviewer are exactly what launching creates", async () => {
      const ctx = { actor: admin(), db: t.db };
      await expect(previewExistingAccess({ ctx: { ...ctx, actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]) } })).rejects.toBeInstanceOf(ForbiddenError);
      await expect(previewExistingAccess({ ctx, input: { reviewerKind: "everyone" } })).rejects.toBeInstanceOf(ValidationError);
      const preview = await previewExistingAccess({ ctx, input: { reviewerKind: "manager" }, now });
      // Adopted grants: Ada Engineers+Admins (Chat), Bob Engineers (Chat), Ada vpn (Directory) = 4; orphans: 2 + 2.
      expect(preview.totals).toEqual({ items: 4, adopted: 4, orphans: 4 });
      expect(preview.byApplication.map((a) => [a.name, a.items, a.orphans])).toEqual([["Chat", 3, 2], ["Directory", 1, 2]]);
      // Grants go to the managers (Owen); Chat's orphans to its owner Owen, Directory's (no owner) to the admin.
      expect(preview.byReviewer.map((r) => [r.name, r.items, r.orphans]).sort()).toEqual([["Owen Test", 4, 2], ["Root Test", 0, 2]]);

      const due = new Date(now.getTime() + 14 * DAY).toISOString();
      await expect(launchExistingAccess({ ctx, input: { reviewerKind: "manager", dueAt: due, expected: { items: 5, orphans: 4 } }, now })).rejects.toBeInstanceOf(ConflictError);
      expect(await t.db.select().from(reviewCampaigns)).toHaveLength(0);
      const launched = await launchExistingAccess({ ctx, input: { reviewerKind: "manager", dueAt: due, expected: { items: 4, orphans: 4 } }, now });
      await launched.done;
      campaignId = launched.campaignId;
      const [c] = await t.db.select().from(reviewCampaigns).where(eq(reviewCampaigns.id, campaignId));
      expect(c).toMatchObject({ status: "active", scope: { orphanAccounts: true }, reviewerKind: "manager" });

      // Read back: created items grouped exactly as the preview counted them.
      const items = await t.db.select({ i: reviewItems, app: entitlements.applicationId }).from(reviewItems).innerJoin(entitlements, eq(entitlements.id, reviewItems.entitlementId)).where(eq(reviewItems.campaignId, campaignId));
      const orphans = await t.db.select().from(orphanReviewItems).where(eq(orphanReviewItems.campaignId, campaignId));
      expect({ items: items.length, orphans: orphans.length }).toEqual({ items: preview.totals.items, orphans: preview.totals.orphans });
      for (const a of preview.byApplication) {
        expect(items.filter((x) => x.app === a.applicationId).length).toBe(a.items);
        expect(orphans.filter((o) => o.applicationId === a.applicationId).length).toBe(a.orphans);
      }
      for (const r of preview.byReviewer) {
        expect(items.filter((x) => x.i.reviewerId === r.reviewerId).length).toBe(r.items);
        expect(orphans.filter((o) => o.reviewerId === r.reviewerId).length).toBe(r.orphans);
      }
      // The grant items say where the access came from.
      const hist = await grantHistories(t.db, items.map((x) => x.i.grantId!));
      for (const x of items) expect(hist.get(x.i.grantId!)![0]).toMatch(/^Existing access, adopted on \d{4}-\d{2}-\d{2}/);
      // The owner sees the campaign with their grant and orphan items; the orphan items carry their reasons.
      const owenCtx = { actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]), db: t.db };
      const mine = await listCampaigns({ ctx: owenCtx });
      expect(mine.mine).toMatchObject([{ id: campaignId, total: 6, decided: 0, orphans: 2 }]);
      const view = await getReviewerView({ ctx: owenCtx, input: { campaignId } });
      expect(view.orphans.map((o) => o.userName).sort()).toEqual(["backup-bot", "ghost"]);
      expect(view.orphans.find((o) => o.userName === "ghost")!.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/matches no person/), "Member of Admins"]));
    });

    it("only the assigned reviewer or an admin decides; bad input is refused with 4xx errors", async () => {
      const ghost = await orphanItem("ghost");
      const bobCtx = { actor: actorOf(bob, ["employee"]), db: t.db };
      const owenCtx = { actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]), db: t.db };
      await expect(decideOrphan({ ctx: bobCtx, input: { itemId: ghost.id, decision: "disable" }, now })).rejects.toBeInstanceOf(NotFoundError);
      const jenkins = await orphanItem("jenkins"); // Directory's: the admin's, not Owen's
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: jenkins.id, decision: "disable" }, now })).rejects.toBeInstanceOf(NotFoundError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: "not-a-uuid", decision: "disable" }, now })).rejects.toBeInstanceOf(ValidationError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: ghost.id, decision: "delete" }, now })).rejects.toBeInstanceOf(ValidationError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: "00000000-0000-4000-8000-000000000000", decision: "disable" }, now })).rejects.toBeInstanceOf(NotFoundError);
      const backup = await orphanItem("backup-bot");
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "keep", owner: { personEmail: owen.email }, until: new Date(now.getTime() + 400 * DAY).toISOString().slice(0, 10) }, now })).rejects.toBeInstanceOf(ValidationError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "keep", owner: { personEmail: owen.email }, until: "2020-01-01" }, now })).rejects.toBeInstanceOf(ValidationError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "keep", owner: { personEmail: "nobody@example.test" }, until: "2099-01-01" }, now })).rejects.toBeInstanceOf(ValidationError);
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: ghost.id, decision: "link", person: { personEmail: ada.email } }, now })).rejects.toBeInstanceOf(ConflictError); // Ada has a Chat account
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: ghost.id, decision: "link", person: { personEmail: owen.email } }, now })).rejects.toBeInstanceOf(ForbiddenError); // not to oneself
      await expect(orphanPeopleSearch({ ctx: bobCtx, input: { campaignId, q: "cy" } })).rejects.toBeInstanceOf(NotFoundError);
      expect((await orphanPeopleSearch({ ctx: owenCtx, input: { campaignId, q: "cy" } })).map((p) => p.email)).toEqual([cy.email]);
      const untouched = await t.db.select().from(orphanReviewItems).where(eq(orphanReviewItems.campaignId, campaignId));
      expect(untouched.every((o) => o.decision === null)).toBe(true);
      expect(await t.db.select().from(operations)).toEqual([]);
    });

    it("link: the account becomes the person's, its membership an adopted grant; the finding is resolved", async () => {
      const cyrus = await orphanItem("cyrus");
      const r = await decideOrphan({ ctx: { actor: admin(), db: t.db }, input: { itemId: cyrus.id, campaignId, decision: "link", person: { personId: cy.id }, comment: "Cy's account from before the rename" }, now });
      expect(r).toMatchObject({ decision: "link", personId: cy.id, adopted: 1 });
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.id, cyrus.accountId));
      expect(acc).toMatchObject({ personId: cy.id, reconState: "matched" });
      const cyGrants = await t.db.select({ source: grants.source, status: grants.status, ent: entitlements.name }).from(grants).innerJoin(entitlements, eq(entitlements.id, grants.entitlementId)).where(eq(grants.personId, cy.id));
      expect(cyGrants).toEqual([{ source: "adopted", status: "active", ent: "vpn" }]);
      const [f] = await t.db.select().from(driftFindings).where(eq(driftFindings.id, cyrus.findingId!));
      expect(f!.status).toBe("resolved");
      await expect(decideOrphan({ ctx: { actor: admin(), db: t.db }, input: { itemId: cyrus.id, decision: "disable" }, now })).rejects.toBeInstanceOf(ConflictError);
      // The next reconcile agrees: linked, nothing planned, no orphan finding for it.
      const [rep] = (await reconcileAll(t.db, { keys: ["dir"], now })) as ReconcileReport[];
      expect(rep!.plannedOperations).toBe(0);
      expect(rep!.findings.filter((x) => x.kind === "orphan_account").map((x) => x.userName)).toEqual(["jenkins"]);
    });

    it("keep as a service account: owner and expiry stored, the finding accepted until then and open again after", async () => {
      const backup = await orphanItem("backup-bot");
      const owenCtx = { actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]), db: t.db };
      const until = new Date(now.getTime() + 90 * DAY).toISOString().slice(0, 10);
      const r = await decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "keep", owner: { personEmail: owen.email }, until, comment: "nightly backups" }, now });
      expect(r).toMatchObject({ decision: "keep", ownerId: owen.id, until: `${until}T23:59:59.000Z` });
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.id, backup.accountId));
      expect(acc).toMatchObject({ personId: null, status: "active", serviceOwnerId: owen.id });
      expect(acc!.serviceUntil!.toISOString()).toBe(`${until}T23:59:59.000Z`);
      const [f] = await t.db.select().from(driftFindings).where(eq(driftFindings.id, backup.findingId!));
      expect(f).toMatchObject({ status: "accepted", acceptedById: owen.id });
      expect(f!.acceptedUntil!.toISOString()).toBe(`${until}T23:59:59.000Z`);
      // Before the expiry reconcile counts it as an accepted exception; after it, the orphan is an open finding again.
      const [before] = (await reconcileAll(t.db, { keys: ["chat"], now })) as ReconcileReport[];
      expect(before!.findings.find((x) => x.userName === "backup-bot")).toMatchObject({ kind: "orphan_account", status: "accepted" });
      const after = new Date(new Date(`${until}T23:59:59Z`).getTime() + DAY);
      const [later] = (await reconcileAll(t.db, { keys: ["chat"], now: after })) as ReconcileReport[];
      expect(later!.findings.find((x) => x.userName === "backup-bot")).toMatchObject({ kind: "orphan_account", status: "open", id: backup.findingId });
      // Reported, never acted on: nothing planned, the account still active in the system.
      expect(later!.plannedOperations).toBe(0);
      expect(scim.state().users.find((u) => u.userName === "backup-bot")!.active).not.toBe(false);
    });

    it("a decision can be changed while the campaign is open: keep → disable (planned) → keep (the operation cancelled)", async () => {
      const backup = await orphanItem("backup-bot");
      const owenCtx = { actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]), db: t.db };
      const d = await decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "disable", comment: "no owner after all" }, now });
      expect((await t.db.select().from(operations).where(eq(operations.id, d.operationId!)))[0]).toMatchObject({ kind: "disable", status: "pending" });
      expect((await t.db.select().from(accounts).where(eq(accounts.id, backup.accountId)))[0]).toMatchObject({ serviceOwnerId: null, serviceUntil: null });
      expect(await orphanItem("backup-bot")).toMatchObject({ decision: "disable", ownerId: null, keepUntil: null, operationId: d.operationId });

      const until = new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10);
      await decideOrphan({ ctx: owenCtx, input: { itemId: backup.id, decision: "keep", owner: { personEmail: owen.email }, until, comment: "nightly backups after all" }, now });
      const [op] = await t.db.select().from(operations).where(eq(operations.id, d.operationId!));
      expect(op!.status).toBe("cancelled");
      expect((await t.db.select().from(accounts).where(eq(accounts.id, backup.accountId)))[0]).toMatchObject({ status: "active", serviceOwnerId: owen.id });
      expect(await orphanItem("backup-bot")).toMatchObject({ decision: "keep", ownerId: owen.id, operationId: null });
      expect((await t.db.select().from(driftFindings).where(eq(driftFindings.id, backup.findingId!)))[0]!.status).toBe("accepted");
      expect(scim.state().users.find((u) => u.userName === "backup-bot")!.active).not.toBe(false);
      // Each change is audited with what it replaced; the cancelled operation too.
      const changes = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "review.orphan_decision_changed"), eq(auditEvents.targetId, backup.id))).orderBy(auditEvents.seq);
      expect(changes.map((a) => [(a.data as { decision: string }).decision, (a.data as { previous: { decision: string } }).previous.decision])).toEqual([["disable", "keep"], ["keep", "disable"]]);
      expect(await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "provisioning.cancelled"), eq(auditEvents.targetId, backup.accountId)))).toHaveLength(1);
    });

    it("disable: planned in the outbox and executed by the worker through the SCIM connector; reconcile resolves the finding", async () => {
      const ghost = await orphanItem("ghost");
      const owenCtx = { actor: actorOf(owen, ["employee", "app_owner", "manager"], [chatId]), db: t.db };
      const r = await decideOrphan({ ctx: owenCtx, input: { itemId: ghost.id, decision: "disable", comment: "vendor contract ended" }, now });
      expect(r.operationId).toBeTruthy();
      const [op] = await t.db.select().from(operations).where(eq(operations.id, r.operationId!));
      expect(op).toMatchObject({ kind: "disable", personId: null, accountId: ghost.accountId, applicationId: chatId, causeKind: "review", causeId: ghost.id, status: "pending" });
      // Still active in the target until the worker runs it.
      expect(scim.state().users.find((u) => u.userName === "ghost")!.active).not.toBe(false);
      worker = await new ProvisioningWorker(t, fast).start();
      wakeDispatcher();
      await worker.runUntilIdle(30_000);
      const [done] = await t.db.select().from(operations).where(eq(operations.id, r.operationId!));
      expect(done!.status, done!.lastError ?? "").toBe("succeeded");
      expect(scim.state().users.find((u) => u.userName === "ghost")!.active).toBe(false);
      const [acc] = await t.db.select().from(accounts).where(eq(accounts.id, ghost.accountId));
      expect(acc!.status).toBe("disabled");
      const [rep] = (await reconcileAll(t.db, { keys: ["chat"], now })) as ReconcileReport[];
      expect(rep!.findings.find((x) => x.userName === "ghost")).toBeUndefined();
      const [f] = await t.db.select().from(driftFindings).where(eq(driftFindings.id, ghost.findingId!));
      expect(f!.status).toBe("resolved");
      // Nothing else was disabled or revoked: the only operation is this one.
      expect((await t.db.select().from(operations).where(ne(operations.status, "cancelled"))).map((o) => o.id)).toEqual([r.operationId]);
      // Once the disable has run, the decision can no longer be changed.
      await expect(decideOrphan({ ctx: owenCtx, input: { itemId: ghost.id, decision: "keep", owner: { personEmail: owen.email }, until: new Date(now.getTime() + 30 * DAY).toISOString().slice(0, 10) }, now })).rejects.toBeInstanceOf(ConflictError);
      expect((await orphanItem("ghost")).decision).toBe("disable");
    });

    it("decisions are audited and in the evidence; closing applies no default to an undecided orphan", async () => {
      const audit = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "review.orphan_decided"));
      expect(audit.map((a) => (a.data as { decision: string; userName: string }).userName + ":" + (a.data as { decision: string }).decision).sort()).toEqual(["backup-bot:keep", "cyrus:link", "ghost:disable"]);
      const link = audit.find((a) => (a.data as { decision: string }).decision === "link")!;
      expect(link).toMatchObject({ actorId: root.id, targetKind: "orphan_review_item", data: { campaignId, personId: cy.id, asAdmin: false, comment: "Cy's account from before the rename" } });
      const planned = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "provisioning.planned"), eq(auditEvents.targetKind, "account")));
      expect(planned).toHaveLength(2); // ghost's, and backup-bot's that its reviewer then cancelled
      expect(await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "provisioning.succeeded"), eq(auditEvents.targetId, (await orphanItem("ghost")).operationId!)))).toHaveLength(1);

      const ctx = { actor: admin(), db: t.db };
      const csv = await exportEvidence({ ctx, input: { campaignId } });
      expect(csv.rows).toBe(8);
      const line = (u: string) => csv.csv.split("\n").find((l) => l.includes(`account ${u}`))!;
      expect(line("ghost")).toMatch(/,disable,Owen Test,/);
      expect(line("ghost")).toContain(",disable,succeeded,");
      expect(line("backup-bot")).toContain("Kept as a service account owned by Owen Test until");
      expect(line("cyrus")).toContain("Linked to Cy Test");
      const seq = String(audit.find((a) => (a.data as { userName: string }).userName === "cyrus")!.seq);
      expect(line("cyrus").split(",").slice(-2)[0]).toBe(seq);
      expect(line("jenkins")).toMatch(/,review,.*,,,,/); // undecided
      const pdf = await exportEvidencePdf({ ctx, input: { campaignId }, now });
      expect(pdf.pdf.byteLength).toBeGreaterThan(1000);

      // Close after the due date with default "keep": the undecided orphan (jenkins) is neither disabled nor decided.
      const closed = await closeCampaign({ ctx, input: { campaignId }, now: new Date(now.getTime() + 15 * DAY) });
      expect(closed.operationIds).toEqual([]);
      expect((await orphanItem("jenkins")).decision).toBeNull();
      const [jenkins] = await t.db.select().from(accounts).where(eq(accounts.username, "jenkins"));
      expect(jenkins!.status).toBe("active");
      await expect(decideOrphan({ ctx, input: { itemId: (await orphanItem("jenkins")).id, decision: "disable" }, now })).rejects.toBeInstanceOf(ConflictError);
    });
  });
}

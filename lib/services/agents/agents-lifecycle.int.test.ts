/**
 * Agents' lifecycle against REAL targets (an OpenLDAP slapd and a SCIM 2.0 application), on PGlite:
 * the sponsor requests access for an agent → the sponsor's manager approves → the worker provisions it; the
 * agent's access shows in a review campaign, reviewed by its sponsor; the kill switch and the expiry each end the
 * token at once (401) and disable the agent's accounts in both targets (read back); a sponsor who leaves hands the
 * agent to their manager (both notified, audited), and an agent nobody can take over is disabled.
 * HR data comes in through applyHrRecords, like production. slapd is required (CI fails without it).
 */
import { randomBytes } from "node:crypto";
import { Client as LdapClient } from "ldapts";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { agents, applications, approvalSteps, auditEvents, entitlements, grants, notifications, people, reviewItems } from "@/db/schema";
import type { Actor } from "@/lib/auth/can";
import { encryptSecrets } from "@/lib/crypto";
import { parseHrCsv } from "@/lib/domain/hr-import";
import { resetEnvCache } from "@/lib/env";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { applyHrRecords } from "@/lib/services/lifecycle/apply-hr-records";
import { runLifecycleSweep } from "@/lib/services/lifecycle/sweep";
import { createRequest } from "@/lib/services/requests/create-request";
import { decideStep } from "@/lib/services/requests/decide-step";
import { createCampaign, launchCampaign } from "@/lib/services/reviews/create-campaign";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "@/lib/testing/ldap-server";
import { requireOrSkip } from "@/lib/testing/require-server";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { pgliteTestDb, type TestDb } from "@/lib/testing/test-db";
import { createAgent, disableAgent } from "./agents";
import { handleMcpHttp } from "./mcp-http";

process.env.GATEHOUSE_SECRET_KEY ??= "agents-lifecycle-int-test-key";
resetEnvCache();

const describeTargets = requireOrSkip("OpenLDAP slapd", ldapAvailable(), LDAP_INSTALL_HINT);
const TOKEN = "agents-lifecycle-scim-token";
const DAY = 86_400_000;
const hrAdmin: Actor = { personId: "system:test-admin", name: "Admin", email: "a@x", roles: ["employee", "admin"], ownedApplicationIds: [] };
const header = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date\n";
const fast = { concurrency: 4, maxAttempts: 3, backoffMs: () => 100, sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, leaseMs: 10_000, redeliverMs: 3_000, lifecycleSweepMs: 0, reminderIntervalMs: 0 };

describeTargets("agents as governed identities against real LDAP and SCIM targets", () => {
  let t: TestDb;
  let ldap: LdapServer;
  let ldapAdmin: LdapClient;
  let scim: ScimApp;
  let worker: ProvisioningWorker;
  const tag = randomBytes(3).toString("hex");
  const ids: Record<string, string> = {};
  const ents: string[] = [];
  const tokens: Record<string, string> = {};

  const person = async (email: string) => (await t.db.select().from(people).where(eq(people.email, email)))[0]!;
  const actor = async (email: string, roles: Actor["roles"] = ["employee"]): Promise<Actor> => {
    const p = await person(email);
    return { personId: p.id, name: p.displayName, email: p.email, roles, ownedApplicationIds: [] };
  };
  const hr = async (rows: string[]) => {
    const { records, errors } = parseHrCsv(header + rows.join("\n") + "\n");
    expect(errors).toEqual([]);
    const r = await applyHrRecords({ ctx: { db: t.db, actor: hrAdmin }, input: { source: "csv" }, records });
    expect(r.applied).toBe(true);
    return r;
  };
  const row = (id: string, name: string, manager: string, status = "active", end = "") => `${id},${name},Test,${name.toLowerCase()}-${tag}@example.test,Engineering,Engineer,3,Remote,${manager},employee,${status},2024-01-01,${end}`;
  const email = (name: string) => `${name.toLowerCase()}-${tag}@example.test`;
  const settle = async () => {
    wakeDispatcher();
    await worker.runUntilIdle(30_000);
  };
  const ldapIn = async (ou: string, uid: string) => (await ldapAdmin.search(`ou=${ou},${ldap.baseDn}`, { scope: "one", filter: `(uid=${uid})` })).searchEntries.length;
  const scimUser = (name: string) => scim.state().users.find((u) => String(u.userName).toLowerCase() === name);
  const mcp = (token: string, at?: Date) =>
    handleMcpHttp(
      new Request("http://gatehouse.test/api/mcp", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } }),
      }),
      { db: t.db, clock: at ? () => at : undefined },
    );

  /** The sponsor asks for Directory + Chat for the agent; the sponsor's manager approves; the worker provisions. */
  const provision = async (agentName: string, sponsorEmail: string, approverEmail: string) => {
    const [a] = await t.db.select().from(agents).where(eq(agents.name, agentName));
    const r = await createRequest({ ctx: { db: t.db, actor: await actor(sponsorEmail) }, input: { beneficiaryId: a!.personId, items: ents.map((entitlementId) => ({ entitlementId })), justification: "reads HR events" } });
    expect(r.items.every((i) => i.route !== "auto")).toBe(true);
    const approver = await person(approverEmail);
    const steps = await t.db.select().from(approvalSteps).where(and(inArray(approvalSteps.itemId, r.items.map((i) => i.itemId)), eq(approvalSteps.status, "pending")));
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps.map((s) => s.approverId))).toEqual(new Set([approver.id]));
    for (const s of steps) await decideStep({ ctx: { db: t.db, actor: await actor(approverEmail, ["employee", "manager"]) }, input: { stepId: s.id, decision: "approve" } });
    await settle();
    expect(await ldapIn("people", agentName)).toBe(1);
    expect(scimUser(agentName)?.active).toBe(true);
    return a!;
  };

  beforeAll(async () => {
    [t, ldap, scim] = await Promise.all([pgliteTestDb(), startLdap(), startScimApp({ token: TOKEN })]);
    ldapAdmin = new LdapClient({ url: ldap.url });
    await ldapAdmin.bind(ldap.bindDn, ldap.bindPassword);
    await ldapAdmin.add(`cn=bots,ou=groups,${ldap.baseDn}`, { objectClass: ["top", "groupOfNames"], cn: "bots", member: [`cn=gatehouse-placeholder,${ldap.baseDn}`] });
    const g = await fetch(`${scim.baseUrl}/Groups`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/scim+json" },
      body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: "bots", members: [] }),
    });
    const scimGroup = String(((await g.json()) as { id: string }).id);
    const apps = await t.db
      .insert(applications)
      .values([
        { key: "directory", name: "Directory", connectorKind: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ bindPassword: ldap.bindPassword }) },
        { key: "chat", name: "Chat", connectorKind: "scim", config: { baseUrl: scim.baseUrl, timeoutMs: 5000 }, secretsEncrypted: encryptSecrets({ token: TOKEN }) },
      ])
      .returning();
    for (const e of await t.db
      .insert(entitlements)
      .values([
        { applicationId: apps.find((a) => a.key === "directory")!.id, externalId: "bots", name: "Bots", sensitivity: "low" },
        { applicationId: apps.find((a) => a.key === "chat")!.id, externalId: scimGroup, name: "Bots", sensitivity: "low" },
      ])
      .returning())
      ents.push(e.id);
    // Vera manages Sid; Lone has no manager.
    await hr([row("V1", "Vera", ""), row("S1", "Sid", "V1"), row("L1", "Lone", "")]);
    for (const n of ["Vera", "Sid", "Lone"]) ids[n] = (await person(email(n))).id;
    worker = await new ProvisioningWorker(t, fast).start();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await ldapAdmin?.unbind().catch(() => {});
    await scim?.stop();
    await ldap?.stop();
    await t?.close();
  });

  it("the sponsor requests the agent's access, the sponsor's manager approves, accounts exist in LDAP and SCIM; its access is reviewed by its sponsor", async () => {
    const a = await createAgent({ ctx: { db: t.db, actor: hrAdmin }, input: { name: "hr-listener", sponsorEmail: email("Sid"), scopes: ["read", "request"], purpose: "files joiner requests" } });
    tokens["hr-listener"] = a.token;
    expect((await mcp(a.token)).status).toBe(200);
    await provision("hr-listener", email("Sid"), email("Vera"));
    // A manager review campaign: the agent's items go to its sponsor.
    const vera = await actor(email("Vera"), ["employee", "manager", "admin"]);
    const c = await createCampaign({ ctx: { db: t.db, actor: vera }, input: { name: "Bots review", scope: { entitlementIds: ents }, reviewerKind: "app_owner", dueAt: new Date(Date.now() + 14 * DAY).toISOString() } });
    await (await launchCampaign({ ctx: { db: t.db, actor: vera }, input: { campaignId: c.id } })).done;
    const items = await t.db.select().from(reviewItems).where(and(eq(reviewItems.campaignId, c.id), eq(reviewItems.personId, a.personId)));
    expect(items).toHaveLength(2);
    expect(items.every((i) => i.reviewerId === ids.Sid)).toBe(true);
  });

  it("kill switch: the token is refused at the next call, tokens and grants revoked, accounts disabled in LDAP and SCIM within seconds", async () => {
    const [a] = await t.db.select().from(agents).where(eq(agents.name, "hr-listener"));
    const started = Date.now();
    const k = await disableAgent({ ctx: { db: t.db, actor: await actor(email("Sid")) }, input: { agent: "hr-listener", reason: "misbehaving" } });
    expect(k).toMatchObject({ tokensRevoked: 1, grantsRevoked: 2 });
    expect((await mcp(tokens["hr-listener"]!)).status).toBe(401);
    await settle();
    expect(await ldapIn("people", "hr-listener")).toBe(0);
    expect(await ldapIn("disabled", "hr-listener")).toBe(1);
    expect(scimUser("hr-listener")?.active).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
    const gs = await t.db.select().from(grants).where(eq(grants.personId, a!.personId));
    expect(gs.every((g) => g.status === "revoked")).toBe(true);
    const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "agent.disabled"), eq(auditEvents.targetId, a!.id)));
    expect(ev).toMatchObject({ actorId: ids.Sid, data: expect.objectContaining({ reason: "misbehaving", sponsorId: ids.Sid }) });
  });

  it("expiry: past it the token is refused at once; the sweep disables the agent and its accounts", async () => {
    const now = new Date();
    const a = await createAgent({ ctx: { db: t.db, actor: hrAdmin }, input: { name: "cert-assistant", sponsorEmail: email("Sid"), expires: new Date(now.getTime() + 2 * DAY).toISOString() } });
    await provision("cert-assistant", email("Sid"), email("Vera"));
    const later = new Date(now.getTime() + 3 * DAY);
    expect((await mcp(a.token)).status).toBe(200);
    expect((await mcp(a.token, later)).status).toBe(401);
    const swept = await runLifecycleSweep(t.db, later);
    expect(swept.agents?.disabled.map((d) => d.name)).toEqual(["cert-assistant"]);
    await settle();
    expect(await ldapIn("disabled", "cert-assistant")).toBe(1);
    expect(scimUser("cert-assistant")?.active).toBe(false);
    const [row] = await t.db.select().from(agents).where(eq(agents.id, a.id));
    expect(row).toMatchObject({ status: "disabled" });
    expect((await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "agent.expired"), eq(auditEvents.targetId, a.id)))).length).toBe(1);
  });

  it("a sponsor who leaves hands the agent to their manager (both notified, audited); an agent nobody can take over is disabled", async () => {
    const helper = await createAgent({ ctx: { db: t.db, actor: hrAdmin }, input: { name: "helper", sponsorEmail: email("Sid") } });
    const solo = await createAgent({ ctx: { db: t.db, actor: hrAdmin }, input: { name: "solo", sponsorEmail: email("Lone") } });
    const today = new Date().toISOString().slice(0, 10);
    await hr([row("S1", "Sid", "V1", "terminated", today), row("L1", "Lone", "", "terminated", today)]);
    const [h] = await t.db.select().from(agents).where(eq(agents.id, helper.id));
    expect(h).toMatchObject({ status: "active", sponsorId: ids.Vera });
    const [hp] = await t.db.select().from(people).where(eq(people.id, helper.personId));
    expect(hp!.managerId).toBe(ids.Vera);
    const notes = await t.db.select().from(notifications).where(inArray(notifications.kind, ["agent.sponsor", "agent.sponsor_moved"]));
    expect(notes.some((n) => n.personId === ids.Vera && n.title.includes("helper"))).toBe(true);
    expect(notes.some((n) => n.personId === ids.Sid && n.title.includes("helper"))).toBe(true);
    const [ev] = await t.db.select().from(auditEvents).where(and(eq(auditEvents.action, "agent.sponsor_succeeded"), eq(auditEvents.targetId, helper.id)));
    expect(ev!.data).toMatchObject({ from: ids.Sid, to: ids.Vera });
    expect((await mcp(helper.token)).status).toBe(200);
    const [s] = await t.db.select().from(agents).where(eq(agents.id, solo.id));
    expect(s!.status).toBe("disabled");
    expect(s!.disabledReason).toMatch(/left/);
    expect((await mcp(solo.token)).status).toBe(401);
  });
});

/**
 * Demo applications as real SCIM 2.0 services: the same handler the Next route uses (serveDemoScim), mounted on a
 * plain node:http server at /api/demo-apps/<key>/scim/v2, driven over HTTP by the ordinary SCIM connector.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { accountEntitlements, accounts, applications, entitlements, grants, operations, people } from "@/db/schema";
import { ScimConnector } from "@/lib/connectors/scim";
import { resetEnvCache } from "@/lib/env";
import { wakeDispatcher } from "@/lib/jobs/wake";
import { ProvisioningWorker } from "@/lib/jobs/worker";
import { testDrivers, type TestDb } from "@/lib/testing/test-db";
import { demoAppBaseUrl, demoAppToken } from "./connector-for";
import { serveDemoScim, syncDemoTargetsFromPortal } from "./demo-scim";
import { planPeople } from "./plan";

process.env.GATEHOUSE_SECRET_KEY ??= "provisioning-int-test-key";
resetEnvCache();

async function serve(t: TestDb): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const m = /^\/api\/demo-apps\/([^/]+)\/scim\/v2\/?(.*)$/.exec(url.pathname);
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const hasBody = !["GET", "DELETE", "HEAD"].includes(req.method ?? "GET");
      const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
      const path = m[2]!.split("/").filter(Boolean).map(decodeURIComponent);
      const resp = await serveDemoScim(t.db, decodeURIComponent(m[1]!), path, request);
      res.writeHead(resp.status, Object.fromEntries(resp.headers));
      res.end(Buffer.from(await resp.arrayBuffer()));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((r) => server.close(() => r())) };
}

for (const driver of testDrivers()) {
  describe(`demo applications (SCIM over HTTP) on ${driver.label}`, () => {
    let t: TestDb;
    let srv: Awaited<ReturnType<typeof serve>>;
    let conn: ScimConnector;
    let base: string;
    const token = () => demoAppToken("wiki");

    beforeAll(async () => {
      t = await driver.open();
      srv = await serve(t);
      base = demoAppBaseUrl("wiki", srv.origin);
      conn = new ScimConnector({ baseUrl: base, token: token(), pageSize: 2 });
    });
    afterAll(async () => {
      await srv?.close();
      await t?.close();
    });

    it("401 without a valid token, ServiceProviderConfig with one, 404 for unknown users", async () => {
      expect((await fetch(`${base}/Users`)).status).toBe(401);
      expect((await fetch(`${base}/Users`, { headers: { Authorization: `Bearer ${demoAppToken("other")}` } })).status).toBe(401);
      const auth = { Authorization: `Bearer ${token()}` };
      const spc = await fetch(`${base}/ServiceProviderConfig`, { headers: auth });
      expect(spc.status).toBe(200);
      expect(((await spc.json()) as { patch: { supported: boolean } }).patch.supported).toBe(true);
      const nf = await fetch(`${base}/Users/nope`, { headers: auth });
      expect(nf.status).toBe(404);
      expect(((await nf.json()) as { schemas: string[] }).schemas[0]).toMatch(/Error/);
      expect((await fetch(`${base}/Users?filter=${encodeURIComponent("userName co \"x\"")}`, { headers: auth })).status).toBe(400);
    });

    it("the SCIM connector's whole contract works against it (create, 409 link, filter, disable, groups, paging, delete)", async () => {
      const auth = { Authorization: `Bearer ${token()}`, "Content-Type": "application/scim+json" };
      const mk = await fetch(`${base}/Groups`, { method: "POST", headers: auth, body: JSON.stringify({ displayName: "Editors" }) });
      expect(mk.status).toBe(201);
      const gid = ((await mk.json()) as { id: string }).id;
      const spec = { userName: "Grace", givenName: "Grace", familyName: "Hopper", displayName: "Grace Hopper", email: "grace@x.test", department: "Eng" };
      const a = await conn.createAccount(spec);
      expect(a.linked).toBe(false);
      const dup = await fetch(`${base}/Users`, { method: "POST", headers: auth, body: JSON.stringify({ userName: "grace" }) });
      expect(dup.status).toBe(409);
      const again = await conn.createAccount({ ...spec, userName: "grace" });
      expect(again).toMatchObject({ externalId: a.externalId, linked: true });
      for (const n of ["u1", "u2", "u3", "u4"]) await conn.createAccount({ ...spec, userName: n, email: `${n}@x.test` });
      await conn.grant({ userName: "grace" }, gid);
      await conn.grant({ userName: "grace" }, gid); // idempotent
      await conn.grant({ userName: "u3" }, gid);
      await conn.disableAccount({ externalId: a.externalId, userName: "grace" });
      let list = await conn.listAccounts(); // pages of 2
      expect(list).toHaveLength(5);
      const g = list.find((x) => x.userName === "Grace")!;
      expect(g).toMatchObject({ active: false, entitlements: [gid], email: "grace@x.test" });
      await conn.revoke({ userName: "grace" }, gid);
      await conn.enableAccount({ userName: "grace" });
      await conn.updateAccount({ userName: "grace" }, { title: "Rear Admiral", department: "Navy" });
      const one = (await (await fetch(`${base}/Users/${encodeURIComponent(a.externalId)}`, { headers: auth })).json()) as Record<string, any>;
      expect(one).toMatchObject({ active: true, title: "Rear Admiral", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Navy" } });
      await conn.deleteAccount({ userName: "u3" });
      await conn.deleteAccount({ userName: "u3" }); // already gone: success
      list = await conn.listAccounts();
      expect(list.map((x) => x.userName).sort()).toEqual(["Grace", "u1", "u2", "u4"]);
      expect(list.every((x) => x.entitlements.length === 0)).toBe(true); // u3's membership went with it
      expect((await conn.listEntitlements()).map((e) => e.name)).toEqual(["Editors"]);
    });

    it("syncDemoTargetsFromPortal loads the demo systems from the portal's actual state; provisioning then runs through them", async () => {
      const p = { id: randomUUID(), employeeId: "D1", givenName: "Lin", familyName: "Ng", displayName: "Lin Ng", email: "lin@x.test", department: "Ops", title: "Analyst", location: "Remote" };
      const q = { ...p, id: randomUUID(), employeeId: "D2", givenName: "Max", displayName: "Max Ng", email: "max@x.test" };
      await t.db.insert(people).values([p, q]);
      const [app] = await t.db.insert(applications).values({ key: "crm", name: "CRM", connectorKind: "demo", config: { baseUrl: demoAppBaseUrl("crm", srv.origin) } }).returning();
      const [e1, e2] = await t.db
        .insert(entitlements)
        .values([
          { applicationId: app!.id, externalId: "sales", name: "Sales" },
          { applicationId: app!.id, externalId: "admin", name: "Admin" },
        ])
        .returning();
      const [acc] = await t.db.insert(accounts).values({ personId: p.id, applicationId: app!.id, username: "lin", externalId: "crm-1001", status: "active" }).returning();
      await t.db.insert(accountEntitlements).values({ accountId: acc!.id, entitlementId: e1!.id });
      await t.db.insert(grants).values({ personId: p.id, entitlementId: e1!.id, source: "role" });

      const r = await syncDemoTargetsFromPortal(t.db);
      expect(r).toMatchObject({ users: 1, groups: 2, members: 1 });
      const crm = new ScimConnector({ baseUrl: demoAppBaseUrl("crm", srv.origin), token: demoAppToken("crm") });
      expect(await crm.listAccounts()).toMatchObject([{ externalId: "crm-1001", userName: "lin", active: true, entitlements: ["sales"] }]);
      expect((await syncDemoTargetsFromPortal(t.db, { onlyEmpty: true })).applications).toBe(0);

      // The portal's own records and the demo system agree: nothing to plan for Lin.
      expect((await t.db.transaction((tx) => planPeople(tx, [p.id], { kind: "test" }))).operationIds).toEqual([]);
      // New access for Max flows through the demo app over HTTP.
      await t.db.transaction(async (tx) => {
        await tx.insert(grants).values({ personId: q.id, entitlementId: e2!.id, source: "request" });
        await planPeople(tx, [q.id], { kind: "request" });
      });
      const w = await new ProvisioningWorker(t, { sweepIntervalMs: 150, pollingIntervalSeconds: 0.5, backoffMs: () => 100 }).start();
      try {
        wakeDispatcher();
        await w.runUntilIdle(30_000);
      } finally {
        await w.stop();
      }
      const ops = await t.db.select().from(operations).where(eq(operations.personId, q.id));
      expect(ops.map((o) => o.status)).toEqual(["succeeded", "succeeded"]);
      const accounts2 = await crm.listAccounts();
      expect(accounts2.find((a) => a.userName === "max")).toMatchObject({ active: true, entitlements: ["admin"] });
      const [maxAcc] = await t.db.select().from(accounts).where(and(eq(accounts.personId, q.id), eq(accounts.applicationId, app!.id)));
      expect(maxAcc!.externalId).toBe(accounts2.find((a) => a.userName === "max")!.externalId);
      const rows = await t.db.execute(sql`select count(*)::int as n from demo_apps.members where app_key = 'crm'`);
      const n = (Array.isArray(rows) ? rows : (rows as { rows: Array<{ n: number }> }).rows)[0] as { n: number };
      expect(n.n).toBe(2);
    });
  });
}

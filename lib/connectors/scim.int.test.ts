import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { ConnectorError } from "@/lib/domain/connector";
import { ScimConnector } from "@/lib/connectors/scim";
import { createConnector } from "@/lib/connectors/index";
import { startScimApp, type ScimApp } from "@/lib/testing/scim-server";
import { requireOrSkip } from "@/lib/testing/require-server";

const describeScim = requireOrSkip("the SCIM test app (scimmy, scimmy-routers, express)", true, "run npm install");
const TOKEN = "tok-" + Math.random().toString(36).slice(2);

const spec = (userName: string) => ({
  userName,
  givenName: "Ada",
  familyName: "Lovelace",
  displayName: "Ada Lovelace",
  email: `${userName}@example.test`,
  personId: "p-" + userName,
  employeeNumber: "E1",
  department: "Engineering",
  title: "Engineer",
});

async function makeGroup(app: ScimApp, displayName: string): Promise<string> {
  const r = await fetch(`${app.baseUrl}/Groups`, {
    method: "POST",
    headers: { Authorization: `Bearer ${app.token}`, "Content-Type": "application/scim+json" },
    body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName }),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

async function expectRetryable(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  expect((err as ConnectorError).retryable).toBe(true);
  expect((err as ConnectorError).message).not.toContain(TOKEN);
  return err as ConnectorError;
}

describeScim("SCIM connector against the real SCIM app", () => {
  let app: ScimApp;
  let conn: ScimConnector;
  beforeAll(async () => {
    app = await startScimApp({ token: TOKEN });
    conn = createConnector("scim", { baseUrl: app.baseUrl, timeoutMs: 400, pageSize: 2 }, { token: TOKEN }) as ScimConnector;
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(async () => {
    await app.setFault("none");
    app.setQuirks({});
  });

  it("testConnection: ok with the token; a bad token gives a clear message without the token", async () => {
    expect((await conn.testConnection()).ok).toBe(true);
    const bad = createConnector("scim", { baseUrl: app.baseUrl }, { token: "wrong-secret-123" });
    const res = await bad.testConnection();
    expect(res.ok).toBe(false);
    expect(res.message).toMatch(/rejected the bearer token \(HTTP 401\)/);
    expect(res.message).not.toContain("wrong-secret-123");
    const err = await bad.listAccounts().catch((e) => e);
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("wrong-secret-123");
  });

  it("creates an account (read back from the app), and a second create links to it", async () => {
    const a = await conn.createAccount(spec("ada"));
    expect(a.linked).toBe(false);
    const u = app.state().users.find((x) => x.id === a.externalId)!;
    expect(u.userName).toBe("ada");
    expect(u.name).toMatchObject({ givenName: "Ada", familyName: "Lovelace" });
    expect(u.emails[0].value).toBe("ada@example.test");
    expect(u.externalId).toBe("p-ada");
    expect(u.active).toBe(true);
    expect(u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]).toMatchObject({ employeeNumber: "E1", department: "Engineering" });
    expect(a.externalId).not.toMatch(/^[0-9a-f-]{36}$/); // the app's ids are not UUIDs
    const again = await conn.createAccount(spec("ada"));
    expect(again).toEqual({ externalId: a.externalId, userName: "ada", linked: true });
    expect(app.state().users.filter((x) => x.userName === "ada")).toHaveLength(1);
  });

  it("grants and revokes group membership, idempotently; listAccounts inverts group members", async () => {
    const { externalId } = await conn.createAccount(spec("grace"));
    const g1 = await makeGroup(app, "eng");
    const g2 = await makeGroup(app, "ops");
    const ref = { externalId, userName: "grace" };
    await conn.grant(ref, g1);
    await conn.grant(ref, g1);
    await conn.grant({ userName: "grace" }, g2); // by userName only
    const members = (gid: string) => app.state().groups.find((g) => g.id === gid)!.members.map((m: any) => m.value);
    expect(members(g1)).toEqual([externalId]);
    expect(members(g2)).toEqual([externalId]);
    const acct = (await conn.listAccounts()).find((x) => x.userName === "grace")!;
    expect(acct.entitlements).toEqual([g1, g2].sort());
    expect(acct.active).toBe(true);
    await conn.revoke(ref, g1);
    await conn.revoke(ref, g1); // already absent
    await conn.revoke(ref, "grp-does-not-exist");
    expect(members(g1)).toEqual([]);
    expect(members(g2)).toEqual([externalId]);
    const ents = await conn.listEntitlements();
    expect(ents.map((e) => e.name)).toEqual(expect.arrayContaining(["eng", "ops"]));
  });

  it("disables (active=false) and enables, also when PATCH is answered 204; deletes idempotently", async () => {
    const { externalId } = await conn.createAccount(spec("linus"));
    const ref = { externalId, userName: "linus" };
    const user = () => app.state().users.find((x) => x.id === externalId);
    await conn.disableAccount(ref);
    expect(user()!.active).toBe(false);
    expect((await conn.listAccounts()).find((x) => x.externalId === externalId)!.active).toBe(false);
    await conn.disableAccount(ref);
    app.setQuirks({ patchNoContent: true });
    expect(await conn.enableAccount(ref)).toEqual({ credential: "none" });
    expect(user()!.password).toBeUndefined();
    expect(user()!.active).toBe(true);
    await conn.disableAccount({ userName: "linus" });
    expect(user()!.active).toBe(false);
    await conn.updateAccount(ref, { displayName: "Linus T", title: "Kernel" });
    expect(user()).toMatchObject({ displayName: "Linus T", title: "Kernel" });
    const g = await makeGroup(app, "to-leave");
    await conn.grant(ref, g);
    await conn.deleteAccount(ref);
    expect(user()).toBeUndefined();
    expect(app.state().groups.find((x) => x.id === g)!.members).toEqual([]);
    await conn.deleteAccount(ref); // 404 = success
    await conn.deleteAccount({ userName: "linus" });
    await conn.disableAccount({ userName: "nobody" });
    await expect(conn.enableAccount({ userName: "nobody" })).rejects.toMatchObject({ retryable: false });
  });

  it("writes the manager to the enterprise extension (the manager's id in the app) and removes it", async () => {
    const boss = await conn.createAccount(spec("mgr-grace"));
    const { externalId } = await conn.createAccount({ ...spec("rep-alan"), manager: "mgr-grace" });
    const ent = () => app.state().users.find((x) => x.id === externalId)!["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"];
    expect(ent().manager).toMatchObject({ value: boss.externalId });
    const boss2 = await conn.createAccount(spec("mgr-edsger"));
    await conn.updateAccount({ externalId, userName: "rep-alan" }, { manager: "mgr-edsger" });
    expect(ent().manager).toMatchObject({ value: boss2.externalId });
    await conn.updateAccount({ externalId, userName: "rep-alan" }, { manager: "" });
    expect(ent()?.manager).toBeUndefined();
    // A manager without an account in this app is not written (no dangling id).
    const other = await conn.createAccount({ ...spec("rep-barbara"), manager: "nobody-here" });
    expect(app.state().users.find((x) => x.id === other.externalId)!["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]?.manager).toBeUndefined();
  });

  it("falls back to PUT when the server does not implement PATCH", async () => {
    const { externalId } = await conn.createAccount(spec("putter"));
    app.setQuirks({ noPatch: true });
    await conn.disableAccount({ externalId, userName: "putter" });
    const u = app.state().users.find((x) => x.id === externalId)!;
    expect(u).toMatchObject({ active: false, userName: "putter", displayName: "Ada Lovelace" });
    expect(app.requests.slice(-2).map((r) => r.split(" ")[0])).toEqual(["GET", "PUT"]);
    await conn.enableAccount({ externalId, userName: "putter" });
    expect(app.state().users.find((x) => x.id === externalId)!.active).toBe(true);
  });

  it("pages through ≥ 3 pages (pageSize 2) and tolerates extra ListResponse fields", async () => {
    for (let i = 0; i < 5; i++) await conn.createAccount(spec(`page${i}`));
    app.setQuirks({ extraListFields: true });
    const before = app.requests.length;
    const all = await conn.listAccounts();
    const total = app.state().users.length;
    expect(total).toBeGreaterThanOrEqual(7);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((a) => a.externalId)).size).toBe(total);
    const userPages = app.requests.slice(before).filter((r) => r.startsWith("GET /scim/v2/Users?"));
    expect(userPages.length).toBeGreaterThanOrEqual(3);
    expect(userPages[1]).toContain("startIndex=3");
  });

  it("stops paging when the server ignores startIndex", async () => {
    app.setQuirks({ ignoreStartIndex: true });
    const before = app.requests.length;
    const got = await conn.listAccounts();
    expect(got.length).toBe(2); // only the first page can ever be seen, and the loop ends
    const userPages = app.requests.slice(before).filter((r) => r.startsWith("GET /scim/v2/Users?"));
    expect(userPages.length).toBe(2); // first page, then one repeat detected
  });

  it("a 409 on create links to the existing user even when the client had no id", async () => {
    const first = await conn.createAccount(spec("dup"));
    const c2 = new ScimConnector({ baseUrl: app.baseUrl, token: TOKEN });
    const res = await c2.createAccount({ ...spec("DUP") });
    expect(res.linked).toBe(true);
    expect(res.externalId).toBe(first.externalId);
  });

  it("faults: 500, 429, timeout and down are retryable ConnectorErrors", async () => {
    await app.setFault("500");
    const e500 = await expectRetryable(conn.createAccount(spec("f1")));
    expect(e500.status).toBe(500);
    await app.setFault("429");
    expect((await expectRetryable(conn.listAccounts())).status).toBe(429);
    await app.setFault("timeout");
    const t0 = Date.now();
    expect((await expectRetryable(conn.disableAccount({ externalId: "usr-1", userName: "x" }))).message).toMatch(/timed out after 400 ms/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await app.setFault("down");
    expect((await expectRetryable(conn.grant({ externalId: "usr-1", userName: "x" }, "grp-1"))).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+ \((connection refused|connection reset)\)/);
    const test = await conn.testConnection();
    expect(test.ok).toBe(false);
    expect(test.message).toMatch(/Cannot reach the SCIM server/);
    await app.setFault("none");
    expect((await conn.testConnection()).ok).toBe(true);
  });

  it("a non-retryable 4xx carries the server's detail", async () => {
    const err = await conn.grant({ externalId: "usr-999999", userName: "ghost" }, "grp-nope").catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err.retryable).toBe(false);
    expect(err.status).toBe(404);
    expect(err.message).toMatch(/not found/i);
  });
});

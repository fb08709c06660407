/**
 * Journey: a sponsor (the admin persona, who can also read the audit log) registers an AI agent on the Agents page,
 * copies its token (shown once), the agent calls Gatehouse's MCP server over HTTP with it, and the sponsor sees
 * those calls on the Agents page and in the audit log. Then the kill switch: the next call is refused (401).
 */
import { expect, test } from "./fixtures";

test("a sponsor registers an agent, its MCP calls show in the audit log, and the kill switch stops it", async ({ signedIn }) => {
  test.setTimeout(120_000);
  const page = await signedIn("admin");
  const name = `e2e-bot-${Date.now().toString(36)}`;
  await page.goto("/agents");
  await expect(page.getByRole("heading", { level: 1, name: "Agents" })).toBeVisible();
  await page.getByLabel("Agent name").fill(name);
  await page.getByLabel("Purpose").fill("end-to-end test agent");
  await page.getByRole("checkbox", { name: "request" }).check();
  await page.getByRole("button", { name: "Register agent" }).click();
  const tokenBox = page.getByLabel("New agent token");
  await expect(tokenBox).toBeVisible();
  const token = (await tokenBox.textContent())!.trim();
  expect(token).toMatch(/^gha_/);

  // The agent talks MCP (Streamable HTTP, JSON responses) with its token.
  const mcp = (method: string, params: Record<string, unknown>, auth = `Bearer ${token}`) =>
    page.request.post("/api/mcp", {
      headers: { authorization: auth, "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-06-18" },
      data: { jsonrpc: "2.0", id: 1, method, params },
    });
  expect((await mcp("tools/list", {}, "")).status()).toBe(401);
  const init = await mcp("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "e2e", version: "1" } });
  expect(init.status()).toBe(200);
  const who = await mcp("tools/call", { name: "whoami", arguments: {} });
  expect(who.status()).toBe(200);
  expect(JSON.stringify(await who.json())).toContain(name);
  const refused = await mcp("tools/call", { name: "decide_approval", arguments: { stepId: "00000000-0000-4000-8000-000000000000", decision: "approve" } });
  expect(JSON.stringify(await refused.json())).toContain('\\"decide\\" scope');

  // The sponsor sees the calls: on the Agents page, and in the audit log.
  await page.goto("/agents");
  const calls = page.getByRole("table", { name: "Recent agent calls" });
  await expect(calls.getByRole("row").filter({ hasText: name }).filter({ hasText: "whoami" }).first()).toBeVisible();
  await expect(calls.getByRole("row").filter({ hasText: "decide_approval" }).filter({ hasText: "refused" }).first()).toBeVisible();
  await page.goto("/audit");
  await page.getByLabel("Actor").fill(name);
  await page.getByLabel("Action").fill("mcp.");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("row").filter({ hasText: "mcp.call" }).first()).toBeVisible();

  // Kill switch (confirmed): the next call is refused.
  await page.goto("/agents");
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: `Disable ${name}` }).click();
  await expect(page.getByRole("table", { name: "Agents", exact: true }).getByRole("row").filter({ hasText: name })).toContainText("disabled");
  expect((await mcp("tools/call", { name: "whoami", arguments: {} })).status()).toBe(401);
});

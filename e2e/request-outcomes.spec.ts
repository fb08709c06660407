/**
 * Journeys (issue 13, item 4): a denial needs a reason, and the requester's notification names the access and gives
 * that reason; a request still waiting for approval can be withdrawn by its requester (confirmed first), and the
 * approver no longer sees it.
 */
import { expect, Nav, test, tickManagerRouted } from "./fixtures";

async function submit(page: import("@playwright/test").Page, justification: string, skip: string[] = []) {
  await page.goto("/requests/new");
  const picked = await tickManagerRouted(page, skip);
  expect(picked, "an entitlement with a manager route in the catalog").toBeTruthy();
  await page.getByLabel("Justification (required for privileged access)").fill(justification);
  await page.getByRole("button", { name: "Submit request" }).click();
  await expect(page.getByRole("status", { name: "Request submitted" })).toBeVisible({ timeout: 30_000 });
  return picked!;
}

test("a denial needs a reason, which the requester reads with the access named", async ({ signedIn }) => {
  test.setTimeout(150_000);
  const employee = await signedIn("employee");
  await employee.goto("/dashboard");
  const me = (await new Nav(employee).actorName().innerText()).trim();
  const asked = await submit(employee, "For the board report");

  const manager = await signedIn("manager");
  await manager.goto("/approvals");
  const card = manager.getByRole("region", { name: `${asked.label} for ${me}` });
  await expect(card).toBeVisible();
  await card.getByRole("button", { name: "Deny" }).click();
  await expect(card.getByRole("alert")).toHaveText("Give a reason when you deny: the requester sees it.", { timeout: 20_000 });
  await card.getByLabel(/^Comment/).fill("Use the shared finance dashboard instead");
  await card.getByRole("button", { name: "Deny" }).click();
  await expect(manager.getByRole("status").filter({ hasText: /^Denied\.$/ }).first()).toBeVisible({ timeout: 20_000 });

  await employee.goto("/notifications");
  const note = employee.locator("main").getByText(/^Access request denied: /).filter({ hasText: asked.entitlement }).first();
  await expect(note).toBeVisible({ timeout: 20_000 });
  await expect(employee.locator("main")).toContainText("Reason: Use the shared finance dashboard instead");
  await employee.goto("/requests");
  const deniedItem = employee.getByTestId("request-item").filter({ hasText: asked.entitlement }).first();
  await expect(deniedItem).toContainText(/denied/i);
  await expect(deniedItem).toContainText("Use the shared finance dashboard instead");
});

test("the requester withdraws a request still waiting for approval; the approver no longer sees it", async ({ signedIn }) => {
  test.setTimeout(150_000);
  const employee = await signedIn("employee");
  await employee.goto("/dashboard");
  const me = (await new Nav(employee).actorName().innerText()).trim();
  const asked = await submit(employee, "Trying the new planning tool");

  await employee.goto("/requests");
  const item = employee.getByTestId("request-item").filter({ hasText: asked.entitlement }).first();
  await expect(item).toContainText("pending");
  // Withdraw acts on the request (the card holding the item), after a confirmation.
  const request = employee.locator("section").filter({ has: employee.getByTestId("request-item").filter({ hasText: asked.entitlement }) }).first();
  employee.once("dialog", (d) => void d.accept());
  await request.getByRole("button", { name: "Withdraw" }).click();
  // The list refreshes: the item is cancelled and offers no withdrawal any more (also after a reload).
  await expect(item).toContainText(/cancel/i, { timeout: 20_000 });
  await employee.reload();
  const after = employee.getByTestId("request-item").filter({ hasText: asked.entitlement }).first();
  await expect(after).toContainText(/cancel/i);
  await expect(employee.locator("section").filter({ has: after }).first().getByRole("button", { name: "Withdraw" })).toHaveCount(0);

  const manager = await signedIn("manager");
  await manager.goto("/approvals");
  await expect(manager.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(manager.getByRole("region", { name: `${asked.label} for ${me}` })).toHaveCount(0);
});

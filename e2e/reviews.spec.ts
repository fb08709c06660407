/**
 * Journey: an admin creates and launches a manager review from the Reviews page; the manager persona opens it,
 * bulk-approves the no-action items through the confirm dialog (which states N), and revokes one item with a
 * comment; the item then shows its revocation. (Seeded organisation: 400 people, seed 7.)
 */
import { expect, Nav, test } from "./fixtures";

test("admin launches a review → manager bulk-approves the obvious items → revokes one with a comment", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const name = `E2E manager review ${Date.now()}`;
  const admin = await signedIn("admin");
  await admin.goto("/dashboard");
  await new Nav(admin).link("Reviews").click();
  await expect(admin.getByRole("heading", { level: 1, name: "Access reviews" })).toBeVisible();
  const form = admin.getByRole("form", { name: "New campaign" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("If nobody decides by the due date").selectOption("keep");
  await form.getByRole("button", { name: "Create and launch" }).click();
  await expect(form.getByRole("status")).toContainText(`Launched "${name}"`, { timeout: 30_000 });
  const row = admin.getByRole("row").filter({ hasText: name }).first();
  await expect(row).toContainText("active", { timeout: 60_000 });

  const manager = await signedIn("manager");
  await manager.goto("/reviews");
  await manager.getByRole("link", { name }).click();
  await expect(manager.getByRole("heading", { level: 1, name })).toBeVisible();

  const bulk = manager.getByRole("button", { name: /^Approve all \d+ no-action items$/ });
  await expect(bulk).toBeVisible();
  const n = Number(((await bulk.innerText()).match(/\d+/) ?? ["0"])[0]);
  await bulk.click();
  const dialog = manager.getByRole("dialog", { name: `Approve ${n} no-action items?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: `Approve ${n} items` }).click();
  await expect(manager.getByRole("status").filter({ hasText: `Approved ${n} no-action items.` })).toBeVisible({ timeout: 20_000 });

  // Revoke one remaining item, with a comment.
  await manager.getByLabel("Filter by recommendation").selectOption("open");
  // An item of an application with an API (the demo SCIM applications), not one fulfilled by hand.
  const item = manager
    .getByRole("listitem")
    .filter({ has: manager.getByRole("button", { name: "Revoke" }) })
    .filter({ hasNotText: /QuickBooks|Carta|BambooHR|DocuSign/ })
    .first();
  await expect(item).toBeVisible();
  await item.getByRole("textbox").fill("No longer needed in this team");
  await item.getByRole("button", { name: "Revoke" }).click();
  await expect(manager.getByRole("status").filter({ hasText: "Revoked" })).toBeVisible({ timeout: 20_000 });
  // Closed loop: the portal's worker removed it from the demo application, and the item shows the receipt.
  await manager.getByLabel("Filter by recommendation").selectOption({ label: "All items" });
  await expect(manager.getByText(/^Revoked in .+ at /).first()).toBeVisible({ timeout: 90_000 });
});

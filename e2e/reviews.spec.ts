/**
 * Journey: an admin creates and launches a manager review from the Reviews page; the manager persona opens it
 * (one page of undecided items at a time, counts for the whole campaign), pages to a later page and keeps an item
 * there (the campaign's counts follow), bulk-approves the no-action items of every page through the confirm dialog
 * (which states N), revokes one item with a comment (r asks to confirm, Esc cancels; the button then "Confirm
 * revoke"), finds it again by searching the decided items, sees the receipt, and undoes the revoke while the
 * campaign is open. The table shows at least 8 items at 1366×768 and how each access was given. (Seeded
 * organisation: 400 people, seed 7.)
 */
import { readPdf } from "../lib/testing/read-pdf";
import { expect, Nav, test, waitForHydration } from "./fixtures";

test("admin launches a review → manager bulk-approves the obvious items → revokes one with a comment", async ({ signedIn }) => {
  test.setTimeout(420_000); // a long journey (paging, bulk, revoke with receipt, evidence PDF) on a busy 2-core machine
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

  // One page at a time (undecided first); the counts are the campaign's. Ten a page, then a later page, and a
  // decision there: the item leaves the undecided view and every count moves by one.
  const show = manager.getByLabel("Show items");
  await expect(show).toHaveValue("open");
  await waitForHydration(show); // changed before hydration, a select would not navigate
  // A view change is a navigation: wait until its URL is in place before reading the new view.
  const showOnly = async (status: "open" | "decided" | "all") => {
    await show.selectOption(status);
    await expect(manager).toHaveURL(new RegExp(`[?&]status=${status}(&|$)`));
  };
  const countIn = async (value: string) => Number(((await show.locator(`option[value=${value}]`).innerText()).match(/\(([\d,]+)\)/) ?? ["", "0"])[1]!.replace(/,/g, ""));
  const openBefore = await countIn("open");
  expect(await countIn("decided")).toBe(0);
  expect(openBefore).toBeGreaterThan(10);
  const table = manager.getByRole("table", { name: "Review items" });
  const rows = table.locator("tbody tr[aria-label]");
  await manager.getByLabel("Items per page").selectOption("10");
  await expect(manager).toHaveURL(/size=10/);
  await expect(rows).toHaveCount(10);
  const onFirstPage = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
  await manager.getByRole("navigation", { name: "Pages of review items" }).getByRole("link", { name: "Next page" }).click();
  await expect(manager).toHaveURL(/page=2/);
  await expect(manager.getByTestId("board-range")).toContainText(`Showing 11–${Math.min(20, openBefore)} of ${openBefore} matching items`);
  const later = rows.filter({ has: manager.getByRole("button", { name: "Keep", exact: true }) }).first();
  const laterName = (await later.getAttribute("aria-label"))!;
  expect(onFirstPage).not.toContain(laterName);
  await manager.getByLabel(/^Comment for the next decision/).fill("Checked on a later page");
  await later.getByRole("button", { name: "Keep", exact: true }).click();
  await expect(manager.getByRole("status").filter({ hasText: /^Kept\.$/ })).toBeVisible({ timeout: 20_000 });
  await expect(table.locator(`tr[aria-label="${laterName}"]`)).toHaveCount(0);
  await expect(show.locator("option[value=open]")).toHaveText(`Undecided (${openBefore - 1})`);
  await expect(show.locator("option[value=decided]")).toHaveText("Decided (1)");
  await expect(manager.getByRole("progressbar", { name: "Decisions made" })).toHaveAttribute("aria-valuenow", "1");
  await showOnly("decided");
  await expect(table.locator(`tr[aria-label="${laterName}"]`)).toContainText("Kept: Checked on a later page");
  await showOnly("open");
  await manager.getByLabel("Items per page").selectOption("50");
  await expect(manager).toHaveURL(/\?status=open$/);

  const bulk = manager.getByRole("button", { name: /^Approve all \d+ no-action items$/ });
  await expect(bulk).toBeVisible();
  const n = Number(((await bulk.innerText()).match(/\d+/) ?? ["0"])[0]);
  await bulk.click();
  const dialog = manager.getByRole("dialog", { name: `Approve ${n} no-action items?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: `Approve ${n} items` }).click();
  await expect(manager.getByRole("status").filter({ hasText: `Approved ${n} no-action items.` })).toBeVisible({ timeout: 20_000 });

  // Revoke one remaining item, with a comment: the table is dense (at least 8 items in a 1366×768 window),
  // each item says how the access came to be, and a revoke always asks to confirm.
  await manager.setViewportSize({ width: 1366, height: 768 });
  await showOnly("all");
  await expect(rows.first()).toBeVisible();
  if ((await rows.count()) >= 8) {
    const inView = await rows.evaluateAll((els) => els.filter((e) => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }).length);
    expect(inView).toBeGreaterThanOrEqual(8);
  }
  await expect(table.getByTestId("item-history").first()).toContainText(/Given by|Requested by|Granted|Imported|Kept by/);

  await showOnly("open");
  // An item of an application with an API (the demo SCIM applications), not one fulfilled by hand.
  const candidate = rows.filter({ has: manager.getByRole("button", { name: "Revoke", exact: true }) }).filter({ hasNotText: /QuickBooks|Carta|BambooHR|DocuSign/ }).first();
  await expect(candidate).toBeVisible();
  const itemName = (await candidate.getAttribute("aria-label"))!;
  const item = table.locator(`tr[aria-label="${itemName}"]`); // the same row once its buttons change
  await manager.getByLabel(/^Comment for the next decision/).fill("No longer needed in this team");
  // The keyboard: r asks to confirm, Esc cancels, nothing is decided.
  await item.focus();
  await manager.keyboard.press("r");
  const confirmBar = item.getByRole("group", { name: "Confirm revoke" });
  await expect(confirmBar).toBeVisible();
  await manager.keyboard.press("Escape");
  await expect(confirmBar).toHaveCount(0);
  await expect(item.getByRole("button", { name: "Revoke" })).toBeVisible();
  // The button, then the confirmation.
  await item.getByRole("button", { name: "Revoke" }).click();
  await item.getByRole("button", { name: "Confirm revoke" }).click();
  await expect(manager.getByRole("status").filter({ hasText: "Revoked" })).toBeVisible({ timeout: 20_000 });
  // Closed loop: the portal's worker removed it from the demo application, and the item shows the receipt. The
  // item is found again among the decided items by searching for the person (whatever page it would be on).
  await showOnly("decided");
  await manager.getByLabel("Search by person, email, application or access").fill(itemName.split(" for ").pop()!);
  await manager.getByRole("search", { name: "Search review items" }).getByRole("button", { name: "Search" }).click();
  await expect(manager).toHaveURL(/status=decided&q=/);
  const revoked = table.locator(`tr[aria-label="${itemName}"]`);
  await expect(revoked.getByText(/^Revoked in .+ at /)).toBeVisible({ timeout: 90_000 });
  // Changed mind while the campaign is open: the access is given back.
  await manager.getByLabel(/^Comment for the next decision/).fill("Still needed for the migration");
  await revoked.getByRole("button", { name: "Undo revoke" }).click();
  await expect(manager.getByRole("status").filter({ hasText: "Changed to keep: the access is being restored." })).toBeVisible({ timeout: 20_000 });
  await expect(revoked).toContainText("Kept: Still needed for the migration");

  // The evidence PDF (admins and auditors) opens with the counts, exceptions and revocations, fonts embedded.
  const campaignId = new URL(manager.url()).pathname.split("/").pop();
  const res = await admin.request.get(`/api/v1/reviews/${campaignId}/evidence.pdf`);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/pdf");
  const pdf = await readPdf(new Uint8Array(await res.body()));
  expect(pdf.title).toBe(`Access review evidence: ${name}`);
  expect(pdf.pages[0]).toContain("Summary");
  expect(pdf.pages[0]).toContain("Exceptions: access kept although removal was recommended");
  expect(pdf.text).toContain(itemName.split(" for ").pop()!);
});

/**
 * Journeys (issue 13 items 4 and 6): the manager persona starts a review of their team from the Reviews page, sees
 * the scope preview (they review every item), launches it, and the campaign holds exactly the previewed number of
 * items; they decide an item on the usual board. A forged request naming someone outside their team is refused and
 * writes nothing. The admin's new-campaign form shows the preview per application and reviewer before launching,
 * and the launched campaign holds the same count. (Seeded organisation: 400 people, seed 7.)
 */
import type { Locator } from "@playwright/test";
import { expect, Nav, test, waitForHydration } from "./fixtures";

const countIn = (text: string) => Number((text.match(/\((\d+) items\)/) ?? [])[1]);

/**
 * Launch what the preview shows and return its count. The demo organisation is live (the worker reconciles the
 * demo applications in the background), so the scope may change between a preview and its launch: the server then
 * refuses with "changed since the preview", the form counts again, and we launch the new count, as a person would.
 */
async function launchAsPreviewed(form: Locator, launch: Locator, check: (total: number) => Promise<void>): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    await expect(launch).toBeEnabled({ timeout: 60_000 });
    const total = countIn(await launch.innerText());
    await check(total);
    await launch.click();
    const done = form.getByRole("status").filter({ hasText: /^Launched "/ });
    const refused = form.getByRole("alert").filter({ hasText: /changed since the preview/ });
    await expect(done.or(refused)).toBeVisible({ timeout: 30_000 });
    if (await done.isVisible()) return total;
    expect(attempt, "the scope kept changing between preview and launch").toBeLessThan(3);
  }
}

test("a manager previews, launches and decides a review of their team; a forged scope is refused", async ({ signedIn, personaNames, baseURL }) => {
  test.setTimeout(240_000);
  const admin = await signedIn("admin");
  await admin.goto("/dashboard");
  const outsider = await new Nav(admin).myId();

  const manager = await signedIn("manager");
  await manager.goto("/people");
  await manager.getByRole("link", { name: "Review my team's access" }).click();
  await expect(manager.getByRole("heading", { level: 1, name: "Access reviews" })).toBeVisible();
  const panel = manager.getByRole("region", { name: "Review my team" });
  const form = panel.getByRole("form", { name: "Team review" });
  const name = `E2E team review ${Date.now()}`;
  await waitForHydration(form.getByRole("button", { name: "Preview" }));
  await form.getByLabel("Name (optional)").fill(name);
  await form.getByRole("button", { name: "Preview" }).click();

  // The preview: the manager reviews every item; per application the counts add up to the launch's.
  const preview = form.getByRole("group", { name: "Scope preview" });
  const launch = form.getByRole("button", { name: /^Launch team review \(\d+ items\)$/ });
  await expect(launch).toBeEnabled({ timeout: 60_000 });
  const checkPreview = async (total: number) => {
    expect(total).toBeGreaterThan(0);
    const reviewers = preview.getByRole("table", { name: "Items per reviewer" }).locator("tbody").getByRole("row");
    await expect(reviewers).toHaveCount(1);
    expect((await reviewers.first().getByRole("cell").allInnerTexts()).map((c) => c.trim())).toEqual([personaNames.manager, String(total)]);
    const perApp = await preview.getByRole("table", { name: "Items per application" }).locator("tbody").getByRole("row").evaluateAll((rows) => rows.map((r) => Number(r.children[1]?.textContent)));
    expect(perApp.reduce((s, n) => s + n, 0)).toBe(total);
  };
  await checkPreview(countIn(await launch.innerText()));

  // Forged: the same endpoint with someone outside the team is refused (403), and nothing is written.
  const before = await panel.getByRole("table", { name: "Team reviews you started" }).locator("tbody tr").count().catch(() => 0);
  const forged = await manager.request.post("/api/v1/reviews/team", {
    headers: { Origin: baseURL! }, data: { personIds: [outsider], dueAt: "2099-01-01" },
  });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error).toMatch(/only review people who report to you/);
  const sneaky = await manager.request.post("/api/v1/reviews/team", { headers: { Origin: baseURL! }, data: { managerId: outsider, dueAt: "2099-01-01" } });
  expect(sneaky.status()).toBe(400);

  // The form kept its values through the preview; launching creates exactly the previewed items.
  await expect(form.getByLabel("Name (optional)")).toHaveValue(name);
  const total = await launchAsPreviewed(form, launch, checkPreview);
  await expect(form.getByRole("status")).toContainText(`Launched "${name}"`);
  const table = panel.getByRole("table", { name: "Team reviews you started" });
  await expect(table.locator("tbody tr")).toHaveCount(before + 1, { timeout: 30_000 });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("active", { timeout: 90_000 });
  await expect(row.getByRole("progressbar", { name: `Decisions in ${name}` })).toHaveAttribute("aria-valuemax", String(total));

  // The manager decides an item on the usual board.
  // The board is paged on the server: every item of the campaign, up to 100 on this page, the total in the filter.
  const href = (await row.getByRole("link", { name }).getAttribute("href"))!;
  await manager.goto(`${href}?status=all&rec=all&size=100`);
  await expect(manager.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(manager.getByLabel("Show items").locator("option", { hasText: /^All items/ })).toHaveText(`All items (${total.toLocaleString("en-US")})`);
  const items = manager.getByRole("table", { name: "Review items" }).locator("tbody tr[aria-label]");
  await expect(items).toHaveCount(Math.min(total, 100));
  const item = items.filter({ has: manager.getByRole("button", { name: "Keep", exact: true }) }).first();
  const itemName = (await item.getAttribute("aria-label"))!;
  await manager.getByLabel(/^Comment for the next decision/).fill("Still needed in the team");
  await item.getByRole("button", { name: "Keep", exact: true }).click();
  await expect(manager.getByRole("status").filter({ hasText: "Kept." })).toBeVisible({ timeout: 20_000 });
  await expect(manager.locator(`tr[aria-label="${itemName}"]`)).toContainText("Kept: Still needed in the team");
});

test("the admin's new-campaign form previews the scope per application and reviewer and launches that count", async ({ signedIn }) => {
  test.setTimeout(240_000);
  const admin = await signedIn("admin");
  await admin.goto("/reviews");
  const form = admin.getByRole("form", { name: "New campaign" });
  const name = `E2E previewed campaign ${Date.now()}`;
  await waitForHydration(form.getByLabel("Name"));
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Reviewers").selectOption("app_owner");
  const appName = "GitHub";
  await form.getByLabel(/^Applications/).selectOption({ label: appName });

  const launch = form.getByRole("button", { name: /^Create and launch \(\d+ items\)$/ });
  const preview = form.getByRole("group", { name: "Scope preview" });
  const checkPreview = async (total: number) => {
    const appRows = preview.getByRole("table", { name: "Items per application" }).locator("tbody").getByRole("row");
    await expect(appRows).toHaveCount(1);
    const cells = (await appRows.first().getByRole("cell").allInnerTexts()).map((c) => c.trim());
    expect(cells[0]).toBe(appName);
    expect(cells.slice(1).reduce((s, c) => s + Number(c), 0)).toBe(total);
    const perReviewer = await preview.getByRole("table", { name: "Items per reviewer" }).locator("tbody").getByRole("row")
      .evaluateAll((rows) => rows.map((r) => [...r.children].slice(1).reduce((s, c) => s + Number(c.textContent), 0)));
    expect(perReviewer.reduce((s, n) => s + n, 0)).toBe(total);
  };
  await expect(launch).toBeEnabled({ timeout: 60_000 });
  await checkPreview(countIn(await launch.innerText()));

  // Changing the scope counts again: no launch until the new count is shown.
  await form.getByLabel("Privileged access only").check();
  await expect(launch).toBeVisible({ timeout: 60_000 });
  await form.getByLabel("Privileged access only").uncheck();

  const total = await launchAsPreviewed(form, launch, checkPreview);
  await expect(form.getByRole("status")).toContainText(`Launched "${name}"`);
  await expect(form.getByLabel("Name")).toHaveValue(name);
  const row = admin.getByRole("region", { name: "All campaigns" }).getByRole("row").filter({ hasText: name }).first();
  await expect(row).toContainText("active", { timeout: 120_000 });
  await expect(row.getByRole("progressbar", { name: `Decisions in ${name}` })).toHaveAttribute("aria-valuemax", String(total));
});

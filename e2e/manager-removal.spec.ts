/**
 * Journey (issue 13, item 4): a manager removes a direct report's access that is not birthright, with a reason. The
 * grant leaves the report's active access at once and an operation is planned; birthright rows offer no removal to a
 * manager (the birthright rule decides those).
 */
import { expect, PeoplePage, PersonPage, test } from "./fixtures";

test("a manager removes a direct report's non-birthright access with a reason; birthright rows offer no removal", async ({ signedIn, personaNames }) => {
  test.setTimeout(120_000);
  const page = await signedIn("manager");
  await page.goto("/people");
  const people = new PeoplePage(page);
  const rows = people.table().locator("tbody").getByRole("row");
  await expect(rows.first()).toBeVisible();
  const direct = rows.filter({ has: page.getByRole("cell", { name: personaNames.manager, exact: true }) });
  const hrefs = await Promise.all((await direct.all()).map(async (r) => r.getByRole("link").first().getAttribute("href")));
  expect(hrefs.length).toBeGreaterThan(0);

  // The first direct report who holds something a manager may remove.
  let label: string | null = null;
  for (const href of hrefs.slice(0, 10)) {
    await page.goto(href!);
    const forms = page.locator('form[aria-label^="Remove "]');
    if ((await forms.count()) > 0) {
      label = (await forms.first().getAttribute("aria-label"))!.replace(/^Remove /, "");
      break;
    }
  }
  expect(label, "a direct report with removable access").not.toBeNull();
  const person = new PersonPage(page);
  const table = person.grantsTable();

  // Birthright rows have no Remove control for a manager.
  const birthrightRows = table.locator("tbody").getByRole("row").filter({ hasText: "Birthright rule" });
  for (const r of await birthrightRows.all()) await expect(r.getByText("Remove", { exact: true })).toHaveCount(0);

  const activeBefore = Number(((await page.getByRole("heading", { name: /^Access \(\d+ active entitlements\)$/ }).innerText()).match(/\((\d+)/) ?? [])[1]);
  const details = page.locator("details").filter({ has: page.locator(`form[aria-label="Remove ${label}"]`) }).first();
  await details.locator("summary").click();
  const form = details.locator("form");
  await form.getByLabel("Reason").fill("Moved to another project; no longer needed");
  await form.getByRole("button", { name: "Remove access" }).click();
  // The row leaves the table; the page says what was removed (read back by grant id) and what was planned.
  await expect(page.getByRole("status").filter({ hasText: new RegExp(`^Removed ${label!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; \\d+ operations? planned\\.$`) })).toBeVisible({ timeout: 30_000 });

  // Read back: one active entitlement fewer, and the removed one no longer offered for removal.
  await page.reload();
  await expect(page.getByRole("heading", { name: `Access (${activeBefore - 1} active entitlements)` })).toBeVisible();
  await expect(page.locator(`form[aria-label="Remove ${label}"]`)).toHaveCount(0);
});

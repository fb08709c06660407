/** Journey: anyone signed in browses the application catalogue and opens an application. */
import { expect, Nav, test } from "./fixtures";
import { readmeScreenshot } from "./screenshots";

test("an admin browses applications and opens one", async ({ signedIn }) => {
  const page = await signedIn("admin");
  await page.goto("/dashboard");
  await new Nav(page).link("Applications").click();
  await expect(page.getByRole("heading", { level: 1, name: "Applications" })).toBeVisible();
  const table = page.getByRole("table", { name: "Applications" });
  await expect(table).toBeVisible();
  const first = table.locator("tbody").getByRole("link").first();
  await expect(first).toBeVisible();

  // The catalogue counts each application's entitlements and active accounts (the seed has both).
  const headers = (await table.getByRole("columnheader").allInnerTexts()).map((h) => h.trim());
  const entCol = headers.indexOf("Entitlements");
  const accCol = headers.indexOf("Active accounts");
  expect(entCol).toBeGreaterThan(0);
  expect(accCol).toBeGreaterThan(0);
  const rows = await table.locator("tbody").getByRole("row").all();
  const num = async (row: (typeof rows)[number], col: number) => Number((await row.getByRole("cell").nth(col).innerText()).replace(/[^0-9]/g, ""));
  let entitlements = 0;
  let accounts = 0;
  for (const row of rows) {
    entitlements += await num(row, entCol);
    accounts += await num(row, accCol);
  }
  expect(entitlements, "entitlements across the catalogue").toBeGreaterThan(0);
  expect(accounts, "active accounts across the catalogue").toBeGreaterThan(0);
  await readmeScreenshot(page, "applications");

  const name = (await first.innerText()).trim();
  await first.click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
});

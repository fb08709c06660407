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

test("an admin imports a usage file on an application's page: bad rows are named and nothing is saved; a good file is", async ({ signedIn }) => {
  const page = await signedIn("admin");
  await page.goto("/applications");
  await page.getByRole("table", { name: "Applications" }).locator("tbody").getByRole("link").first().click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f-]{36}$/);
  const accounts = page.getByRole("table", { name: /^Accounts in / });
  await expect(accounts).toBeVisible();
  const username = (await accounts.locator("tbody tr").first().getByRole("cell").first().innerText()).trim();
  const form = page.getByRole("form", { name: "Import usage" });
  const file = form.getByLabel("Usage file (CSV: account,last_used)");

  await file.setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(`account,last_used\n${username},2026-01-01\nsomeone,not a date\n`) });
  await form.getByRole("button", { name: "Import usage" }).click();
  await expect(form.getByRole("alert")).toContainText("nothing was imported", { timeout: 60_000 });
  await expect(form.getByRole("alert")).toContainText('Row 3, column last_used: "not a date" is not a date');

  // A sign-in a minute ago is newer than anything the system recorded before.
  const recent = new Date(Date.now() - 60_000).toISOString();
  await file.setInputFiles({ name: "usage.csv", mimeType: "text/csv", buffer: Buffer.from(`account,last_used\n${username},${recent}\nnobody-${Date.now()},2026-01-01\n`) });
  await form.getByRole("button", { name: "Import usage" }).click();
  // The import re-renders the page (its accounts' last sign-ins): give a loaded machine time.
  await expect(form.getByRole("status")).toContainText("1 accounts got a newer last sign-in", { timeout: 60_000 });
  await expect(form.getByRole("status")).toContainText("1 unknown account(s) (skipped)");
});

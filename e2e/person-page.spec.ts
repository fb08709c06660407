/**
 * Journey: a person sees their own access and why they have it; a manager looks at a
 * direct report's access from their people list.
 */
import { accessDenied, expect, Nav, PeoplePage, PersonPage, test } from "./fixtures";
import { readmeScreenshot } from "./screenshots";

test("an employee opens My access and sees each grant with where it came from", async ({ signedIn }) => {
  const page = await signedIn("employee");
  await page.goto("/dashboard");
  const nav = new Nav(page);
  const me = (await nav.actorName().innerText()).trim();
  await nav.link("My access").click();

  const person = new PersonPage(page);
  await expect(person.heading()).toHaveText(me);
  await expect(page.getByRole("heading", { name: /^Access \(\d+ active entitlements\)$/ })).toBeVisible();
  await expect(person.grantsTable()).toBeVisible();
  await expect(person.grantsTable().getByRole("columnheader", { name: "Where it came from" })).toBeVisible();

  const sources = await person.sources();
  expect(sources.length).toBeGreaterThan(0);
  expect(sources.some((s) => /^(Birthright rule|Role template)\b/.test(s)), sources.join(" | ")).toBe(true);
  for (const s of sources) expect(s).toMatch(/^(Birthright rule|Role template|Access request|Review decision|Added manually|Imported)\b/);
  // Every grant names its application, and those applications are ones the person has accounts in.
  const apps = await person.applications();
  expect(apps.every((a) => a.length > 0)).toBe(true);
  const accounts = page.getByRole("region", { name: /^Accounts \(\d+\)$/ });
  await expect(accounts.getByRole("link").first()).toBeVisible();
  const accountApps = new Set((await accounts.getByRole("link").allInnerTexts()).map((t) => t.trim()));
  expect(apps.some((a) => accountApps.has(a)), `${apps.join(", ")} vs ${[...accountApps].join(", ")}`).toBe(true);
  await expect(page.getByRole("region", { name: "HR record" })).toBeVisible();
  await readmeScreenshot(page, "person", { fullPage: true });
});

test("a manager opens a direct report's page from their people list", async ({ signedIn, personaNames }) => {
  const managerName = personaNames.manager;

  const page = await signedIn("manager");
  await page.goto("/dashboard");
  await new Nav(page).link("People").click();
  await expect(page.getByText("People in your reporting line.")).toBeVisible();

  // A row whose Manager column names the manager persona is a direct report.
  const people = new PeoplePage(page);
  const rows = people.table().locator("tbody").getByRole("row");
  await expect(rows.first()).toBeVisible();
  const direct = rows.filter({ has: page.getByRole("cell", { name: managerName, exact: true }) }).first();
  await expect(direct).toBeVisible();
  const link = direct.getByRole("link").first();
  const reportName = (await link.innerText()).trim();
  await link.click();

  const person = new PersonPage(page);
  await expect(person.heading()).toHaveText(reportName);
  expect(await person.hrValue("Manager")).toBe(managerName);
  await expect(accessDenied(page)).toHaveCount(0);
  await expect(page.getByRole("heading", { name: /^Access \(\d+ active entitlements\)$/ })).toBeVisible();
});

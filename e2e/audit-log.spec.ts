/**
 * Journey: an auditor reads the audit log in the portal, finds an admin's change by searching, and
 * verifies the hash chain from the page. An admin grants a portal role on Admin → Portal roles (the
 * last-admin rule is covered by lib/services/people/portal-roles.int.test.ts).
 */
import { expect, PeoplePage, test } from "./fixtures";

test("an admin grants the auditor role; an auditor finds it in the audit log and verifies the chain", async ({ signedIn, personaNames }) => {
  test.setTimeout(120_000);
  const admin = await signedIn("admin");
  await admin.goto("/admin/portal-roles");
  await expect(admin.getByRole("heading", { level: 1, name: "Portal roles" })).toBeVisible();
  // Someone who is not a persona becomes an auditor (personas keep their roles for the other journeys).
  await admin.goto("/people");
  const people = new PeoplePage(admin);
  const personas = new Set(Object.values(personaNames));
  const links = people.personLinks();
  await expect(links.first()).toBeVisible();
  let name = "";
  for (let i = 0; i < (await links.count()) && !name; i++) {
    const n = (await links.nth(i).textContent())!.trim();
    if (!personas.has(n)) name = n;
  }
  await links.filter({ hasText: name }).first().click();
  const email = (await admin.locator("dt", { hasText: "Email" }).locator("xpath=following-sibling::dd[1]").textContent())!.trim();
  expect(email).toContain("@");
  await admin.goto("/admin/portal-roles");
  await admin.getByLabel("Work email").fill(email);
  await admin.getByLabel("Role", { exact: true }).selectOption("auditor");
  await admin.getByRole("button", { name: "Grant role" }).click();
  await expect(admin.getByRole("status")).toContainText(`${name} is now auditor`);
  await expect(admin.getByRole("row").filter({ hasText: email })).toContainText(/auditor/i);

  const auditor = await signedIn("auditor");
  await auditor.goto("/dashboard");
  await auditor.getByRole("link", { name: "Audit log" }).click();
  await expect(auditor.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await auditor.getByLabel("Action").fill("portal_role.");
  await auditor.getByLabel("Person").fill(email);
  await auditor.getByRole("button", { name: "Search" }).click();
  const row = auditor.getByRole("row").filter({ hasText: "portal_role.granted" }).first();
  await expect(row).toContainText(personaNames.admin);
  await expect(row).toContainText(name);
  await auditor.getByRole("button", { name: "Verify chain" }).click();
  await expect(auditor.getByRole("status")).toContainText(/The chain holds: [\d,]+ events verified/);

  // The admin takes the role back (confirmed), and the row is gone.
  await admin.goto("/admin/portal-roles");
  admin.once("dialog", (d) => void d.accept());
  await admin.getByRole("button", { name: `Remove auditor role from ${name}` }).click();
  await expect(admin.getByRole("row").filter({ hasText: email })).toHaveCount(0);
});

import { expect, test } from "./fixtures";

// The analysis a new user tries first: upload who-has-what, read the five-part report, turn roles into drafts.
const csv = [
  "Employee_Name,Department,Job_Title,Slack,GitHub,Jira,Salesforce,NetSuite",
  "Ada Byron,Engineering,Software Engineer,Yes,Yes,Yes,No,No",
  "Alan Turing,Engineering,Software Engineer,Yes,Yes,Yes,No,No",
  "Grace Hopper,Engineering,Software Engineer,Yes,Yes,No,No,No",
  "Edsger Dijkstra,Engineering,Software Engineer,Yes,Yes,Yes,No,Yes",
  "Mary Seller,Sales,Account Executive,Yes,No,No,Yes,No",
  "Sam Closer,Sales,Account Executive,Yes,No,No,Yes,No",
  "Fay Counter,Finance,Accountant,Yes,No,No,No,Yes",
].join("\n");

test("an admin uploads a who-has-what CSV and gets the five-part report, then drafts templates", async ({ signedIn }) => {
  const page = await signedIn("admin");
  await page.goto("/analytics/access-report");
  await page.getByLabel("Who-has-what CSV").setInputFiles({ name: "access.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.getByText(/roles\s+reproduce every assignment exactly/)).toBeVisible({ timeout: 30_000 });
  for (const h of [/1–2\. Roles/, /3\. Applications with inconsistent access/, /4\. Suggested permission levels/, /5\. People whose access does not match/]) {
    await expect(page.getByRole("heading", { name: h })).toBeVisible();
  }
  // Edsger holds NetSuite unlike his peers: he is listed as not matching his role.
  await expect(page.getByRole("region", { name: /5\./ }).or(page.locator("section", { hasText: "5. People whose access" }))).toContainText("Edsger Dijkstra");
  // Roles are named from their members' titles, with the share (issue 13, item 8), not "Role 1".
  await expect(page.getByRole("row", { name: "Software Engineer", exact: true })).toContainText(/\d of \d members/);
  await expect(page.getByText(/^Role \d+$/)).toHaveCount(0);
  await page.getByRole("checkbox", { name: "Choose Software Engineer", exact: true }).check();
  await page.getByRole("button", { name: "Create draft role templates from the chosen roles" }).click();
  const status = page.getByRole("status").filter({ hasText: "draft role template(s) created" });
  await expect(status).toBeVisible();
  // The file names applications only: an application with several entitlements is not guessed (no lowest
  // level); Slack's single entitlement is drafted as such; each is shown.
  await expect(status.getByRole("list", { name: "Not drafted for Software Engineer" })).toContainText("GitHub: the file names only the application");
});

test("a bad file gets a message naming the row and column", async ({ signedIn }) => {
  const page = await signedIn("admin");
  await page.goto("/analytics/access-report");
  const bad = "Employee_Name,Department,Job_Title,Slack\nAda,Eng,Engineer,Maybe\n";
  await page.getByLabel("Who-has-what CSV").setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from(bad) });
  await page.getByRole("button", { name: "Analyse" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "cannot be analysed" })).toContainText(/row 2, column "Slack"/);
});

test("an admin mines roles on the live organisation and publishes one through the blast-radius preview", async ({ signedIn }) => {
  test.setTimeout(120_000);
  const page = await signedIn("admin");
  await page.goto("/analytics/roles");
  await page.getByRole("button", { name: "Mine roles now" }).click();
  const first = page.getByRole("checkbox", { name: /^Choose / }).first();
  await expect(first).toBeVisible({ timeout: 90_000 });
  await first.check();
  await page.getByRole("button", { name: /Create draft templates \(1\)/ }).click();
  await expect(page.getByText("preview and publish")).toBeVisible({ timeout: 30_000 });
  await page.locator("li", { hasText: "preview and publish" }).first().getByRole("link").click();
  await expect(page).toHaveURL(/\/admin\/roles\/[0-9a-f-]{36}/);
  const publish = page.getByRole("form", { name: "Publish template" });
  await publish.getByRole("button", { name: "Preview publishing" }).click();
  await expect(publish.getByRole("status", { name: "Blast radius" })).toContainText("If applied");
  await publish.getByRole("button", { name: "Publish", exact: true }).click();
  // Published: the draft notice and the publish form are gone, the status badge says so.
  await expect(page.getByText("A draft gives nothing to anyone")).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Publish template" })).toHaveCount(0);
  await expect(page.locator("p", { hasText: "origin" }).first()).toContainText("published");
});

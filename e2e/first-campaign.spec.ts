/**
 * Journey (issue 10, items 7 and 11): after onboarding, an admin syncs GitHub (reconciliation finds the account that
 * matches no person), presses "Review all existing access" on the Reviews page, reads the scope preview (items per
 * application and reviewer) and launches it; the campaign holds exactly the previewed number of items. The owner
 * the orphan account went to signs in through company SSO, opens the campaign and disables the orphan account
 * (confirm dialog): a disable operation is planned in the outbox and shown on the item, and the evidence CSV records
 * the decision with the operation and its audit event. (Seeded organisation: 400 people, seed 7; AWS, GitHub and
 * Salesforce each hold an orphan account.)
 */
import { expect, Nav, PeoplePage, PersonPage, SignInPage, test } from "./fixtures";

test("admin launches 'Review all existing access' → the application owner disables an orphan account", async ({ signedIn, browser, baseURL, personaNames }) => {
  test.setTimeout(300_000);
  const admin = await signedIn("admin");

  // Reconcile GitHub now (the worker also does on its schedule): its orphan account is an open finding.
  await admin.goto("/applications?q=GitHub"); // the list is paged: search finds it on any page
  await admin.getByRole("link", { name: "GitHub", exact: true }).first().click();
  await admin.getByRole("button", { name: "Sync now" }).click();
  await expect(admin.getByRole("status").filter({ hasText: /^Synced: \d+ accounts/ })).toBeVisible({ timeout: 90_000 });

  // The preview: per application and per reviewer, orphan accounts included.
  await admin.goto("/reviews");
  const panel = admin.getByRole("region", { name: "First campaign: review all existing access" });
  await panel.getByRole("button", { name: "Review all existing access" }).click();
  const preview = panel.getByLabel("Scope preview");
  await expect(preview).toBeVisible({ timeout: 60_000 });
  const github = preview.getByRole("table", { name: "Items per application" }).getByRole("row").filter({ hasText: /^GitHub/ });
  const githubCells = await github.getByRole("cell").allInnerTexts();
  expect(Number(githubCells[1])).toBeGreaterThan(0); // access items
  expect(Number(githubCells[3])).toBeGreaterThanOrEqual(1); // orphan accounts
  const reviewerRows = preview.getByRole("table", { name: "Items per reviewer" }).locator("tbody").getByRole("row");
  const perReviewer = await Promise.all((await reviewerRows.all()).map(async (r) => (await r.getByRole("cell").allInnerTexts()).map((c) => c.trim())));
  const withOrphans = perReviewer.filter((c) => Number(c[2]) > 0);
  expect(withOrphans.length).toBeGreaterThan(0);
  const launchButton = panel.getByRole("button", { name: /^Launch the campaign \(\d+ items\)$/ });
  const total = Number(((await launchButton.innerText()).match(/\((\d+) items\)/) ?? [])[1]);
  expect(total).toBe(perReviewer.reduce((s, c) => s + Number(c[1]) + Number(c[2]), 0));
  await launchButton.click();
  await expect(panel.getByRole("status").filter({ hasText: /^Launched "Review all existing access/ })).toBeVisible({ timeout: 30_000 });
  const name = ((await panel.getByRole("status").filter({ hasText: /^Launched/ }).innerText()).match(/"([^"]+)"/) ?? [])[1]!;
  const row = admin.getByRole("region", { name: "All campaigns" }).getByRole("row").filter({ hasText: name }).first();
  await expect(row).toContainText("active", { timeout: 120_000 });
  // A preview equals the run: the campaign holds exactly the previewed number of items.
  await expect(row.getByRole("progressbar", { name: `Decisions in ${name}` })).toHaveAttribute("aria-valuemax", String(total));

  // The reviewer of an orphan account (the application's owner): their email from their person page.
  const [reviewerName] = withOrphans[0]!;
  let reviewer = admin;
  if (reviewerName !== personaNames.admin) {
    await admin.goto("/people");
    const people = new PeoplePage(admin);
    await people.search(reviewerName!);
    await people.personLinks().filter({ hasText: reviewerName! }).first().click();
    const email = await new PersonPage(admin).hrValue("Email");
    const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 900 } });
    reviewer = await context.newPage();
    await new SignInPage(reviewer).ssoAs(email);
    await expect(new Nav(reviewer).actorName()).toHaveText(reviewerName!);
  }
  await reviewer.goto("/reviews");
  await reviewer.getByRole("region", { name: "My reviews" }).getByRole("link", { name }).click();
  await expect(reviewer.getByRole("heading", { level: 1, name })).toBeVisible();
  const orphans = reviewer.getByRole("region", { name: /^Accounts that match no person/ });
  await expect(orphans).toBeVisible();
  const item = orphans.getByRole("listitem").filter({ hasText: "matches no person" }).first();
  const label = (await item.getAttribute("aria-label"))!;
  const userName = label.replace(/^.* account /, "");
  await expect(item).toContainText(/matches no person \(no HR record with its email\)/);
  await item.getByRole("button", { name: "Disable" }).click();
  const dialog = reviewer.getByRole("dialog", { name: new RegExp(`^Disable ${userName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} in `) });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Disable account" }).click();
  const outcome = orphans.getByRole("listitem", { name: label }).getByTestId("orphan-outcome");
  // The disable is an operation in the outbox (the worker runs it through the connector; its status is shown and
  // polled here; execution itself is checked against a real SCIM server in lib/services/reviews/orphans.int.test.ts).
  await expect(outcome).toContainText(/Disable planned \(operation (pending|queued|running|failed|succeeded)\)/, { timeout: 60_000 });
  await expect(orphans.getByRole("heading")).toContainText(/\(1 of \d+ decided\)/);
  await expect(item.getByRole("button", { name: "Disable" })).toHaveCount(0);

  // The evidence records the decision with its operation and audit event.
  const campaignId = new URL(reviewer.url()).pathname.split("/").pop()!;
  const csv = await (await admin.request.get(`/api/v1/reviews/${campaignId}/evidence.csv`)).text();
  const line = csv.split("\n").find((l) => l.includes(`(no person) account ${userName}`))!;
  expect(line).toMatch(/,disable,[^,]+,\d{4}-\d{2}-\d{2}T/); // decision, decided by, decided at
  expect(line).toMatch(/,[0-9a-f-]{36},disable,(pending|queued|running|failed|succeeded),/); // the operation
  expect(line).toMatch(/,\d+,[0-9a-f]{64}\s*$/);
});

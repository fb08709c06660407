import { DEPARTMENTS } from "../db/seed/catalog";
import { expect, test } from "./fixtures";

// Issue 13, item 8: an admin mines "approximate" roles on the live organisation, reads role names taken from job
// titles (with the share of members), the exceptions no role covers, and drafts a role that has exactly the
// mined entitlements (not some other level of each application).
const titles = new Set(DEPARTMENTS.flatMap((d) => [d.head, d.director, d.manager, d.intern, ...d.ics.map((t) => t.title), ...Object.values(d.teamTitles ?? {}).flat().map((t) => t.title)]));

test("approximate role mining: names from titles, exceptions listed, a draft with exactly the mined entitlements", async ({ signedIn }) => {
  test.setTimeout(300_000);
  const page = await signedIn("admin");
  await page.goto("/analytics/roles");
  await page.getByRole("radio", { name: /Approximate/ }).check();
  await expect(page.getByLabel("Coverage target (%)")).toHaveValue("95");
  await page.getByRole("button", { name: "Mine roles now" }).click();

  // The summary: coverage at or above the target, the number of roles and of exceptions.
  const summary = page.getByRole("status", { name: "Mining summary" });
  await expect(summary).toContainText(/approximate roles cover/, { timeout: 180_000 });
  const m = (await summary.innerText()).match(/(\d+) approximate roles cover ([\d.]+)% of (\d+) assignments \(target 95%\); (\d+) exceptions listed/);
  expect(m, await summary.innerText()).not.toBeNull();
  const [roles, share, assignments, exceptions] = [Number(m![1]), Number(m![2]), Number(m![3]), Number(m![4])];
  expect(share).toBeGreaterThanOrEqual(95);
  expect(exceptions).toBeGreaterThan(0);
  expect(exceptions).toBeLessThanOrEqual(Math.floor(assignments * 0.05));

  // Role names come from the members' job titles, each with its share; no "Role 1" / "R1" names, no duplicates.
  const boxes = page.getByRole("checkbox", { name: /^Choose / });
  await expect(boxes).toHaveCount(roles);
  const names = (await boxes.evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""))).map((l) => l.replace(/^Choose /, ""));
  expect(new Set(names).size).toBe(names.length);
  for (const n of names) expect(n).not.toMatch(/^(R\d+|Role \d+|Mined role)/);
  expect(names.filter((n) => titles.has(n)).length).toBeGreaterThan(0);
  const titled = names.find((n) => titles.has(n))!;
  const row = page.getByRole("row", { name: titled, exact: true });
  await expect(row).toContainText(/\d+ of \d+ members/);
  await expect(row).toContainText(`have the title ${titled}`);

  // The exceptions: every one is counted, the first ones are listed with the person and the entitlement.
  await expect(page.getByRole("heading", { name: `Exceptions (${exceptions})` })).toBeVisible();
  const excTable = page.getByRole("table", { name: "Exceptions" });
  await expect(excTable.getByRole("row")).toHaveCount(Math.min(50, exceptions) + 1);
  await expect(excTable.getByRole("row").nth(1).getByRole("link")).toHaveAttribute("href", /\/people\/[0-9a-f-]{36}/);

  // Draft the titled role: the draft lists, and the template holds, exactly the role's entitlements.
  const more = row.getByRole("button", { name: /^Show all/ });
  if (await more.count()) await more.click();
  const mined = (await row.locator("td").nth(3).locator("li").allInnerTexts()).map((t) => t.replace(/\s*\((read|edit|admin)\)$/, "")).sort();
  expect(mined.length).toBeGreaterThan(0);
  await page.getByRole("checkbox", { name: `Choose ${titled}`, exact: true }).check();
  await page.getByRole("button", { name: "Create draft templates (1)" }).click();
  const drafted = page.getByRole("status", { name: "Drafts created" });
  await expect(drafted).toContainText("exactly the mined entitlements", { timeout: 30_000 });
  const included = (await drafted.getByRole("list", { name: `Included in ${titled}` }).getByRole("listitem").allInnerTexts()).map((t) => t.replace(/\s*\((read|edit|admin)\)$/, "")).sort();
  expect(included).toEqual(mined);
  await drafted.getByRole("link", { name: titled }).click();
  await expect(page).toHaveURL(/\/admin\/roles\/[0-9a-f-]{36}/);
  await expect(page.getByRole("heading", { level: 1, name: titled })).toBeVisible();
  const held = (await page.getByRole("region", { name: "Entitlements" }).locator("li div.font-medium").allInnerTexts()).map((t) => t.replace(/\s*\((low|medium|high|critical)\)$/, "")).sort();
  expect(held).toEqual(mined);
});

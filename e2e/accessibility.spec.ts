/**
 * Accessibility: axe-core (WCAG 2.1 A and AA rules) over every page each demo persona can open, the detail pages
 * linked from them (a person, an application, a review board, a role, a system, a held run), the sign-in page and
 * the refusal page. Serious and critical violations fail the test, listed as "page  rule (impact)  target: summary".
 * One browser context per persona, pages in turn.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, personas, test, waitForHydration } from "./fixtures";
import { expectedStatus, portalPages } from "./pages";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Links to detail pages worth checking: the first of each kind found on the pages visited. */
const detailKinds: Record<string, RegExp> = {
  person: /^\/people\/[0-9a-f-]{36}$/,
  application: /^\/applications\/[0-9a-f-]{36}$/,
  review: /^\/reviews\/[0-9a-f-]{36}$/,
  role: /^\/admin\/roles\/[0-9a-f-]{36}$/,
  system: /^\/admin\/systems\/[0-9a-f-]{36}$/,
  heldRun: /^\/admin\/held-runs\/[0-9a-f-]{36}$/,
};

type Found = { page: string; rule: string; impact: string; target: string; summary: string };

/** Open a page, let it settle, and return axe's serious and critical violations on it. */
async function audit(page: Page, path: string, status: number): Promise<Found[]> {
  const t0 = Date.now();
  const res = await page.goto(path);
  expect(res?.status(), path).toBe(status);
  await expect(page.locator("h1").first(), path).toBeVisible();
  // Client components fetch after hydration (charts, live counts); give them a moment, not forever (some poll).
  await page.waitForLoadState("networkidle", { timeout: 3_000 }).catch(() => {});
  const t1 = Date.now();
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  if (process.env.E2E_A11Y_TIMES) console.log(`[a11y] ${path}: load ${t1 - t0} ms, axe ${Date.now() - t1} ms`);
  const out: Found[] = [];
  for (const v of results.violations) {
    if (v.impact !== "serious" && v.impact !== "critical") continue;
    for (const node of v.nodes) {
      const summary = (node.failureSummary ?? v.help).split("\n").slice(1).join(" ").trim() || v.help;
      out.push({ page: path, rule: v.id, impact: v.impact, target: node.target.join(" "), summary });
    }
  }
  return out;
}

function report(found: Found[]): string {
  return found.map((f) => `${f.page}  ${f.rule} (${f.impact})  ${f.target}: ${f.summary}`).join("\n");
}

async function detailLinks(page: Page, seen: Map<string, string>) {
  const hrefs = await page.locator("main a[href^='/']").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  for (const href of hrefs) {
    const path = href.split(/[?#]/)[0];
    for (const [kind, re] of Object.entries(detailKinds)) if (!seen.has(kind) && re.test(path)) seen.set(kind, path);
  }
}

// The demo organisation has no review campaign and no access request: make one of each, so that a review board,
// a pending request (My requests) and an approval card (Approvals) are checked too.
test("detail pages to check: the admin launches a small review, an employee asks for access", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const admin = await signedIn("admin");
  await admin.goto("/reviews");
  const form = admin.getByRole("form", { name: "New campaign" });
  const name = `Accessibility check ${Date.now()}`;
  await form.getByLabel("Name").fill(name);
  await form.getByLabel(/^Applications/).selectOption({ index: 0 });
  await form.getByRole("button", { name: "Create and launch" }).click();
  await expect(form.getByRole("status")).toContainText(`Launched "${name}"`, { timeout: 60_000 });

  const employee = await signedIn("employee");
  await employee.goto("/requests/new");
  const catalog = employee.getByRole("table", { name: "Requestable access" });
  const box = catalog.locator("tbody input[type=checkbox]:not([disabled])").first();
  await waitForHydration(box); // a tick before hydration is reset by it
  await box.check();
  await employee.getByLabel("Justification (required for privileged access)").fill("Accessibility check");
  await employee.getByRole("button", { name: "Submit request" }).click();
  await expect(employee.getByRole("status", { name: "Request submitted" })).toBeVisible({ timeout: 30_000 });
});

test("the sign-in page has no serious accessibility violations", async ({ page }) => {
  const found = await audit(page, "/signin", 200);
  expect(found, `axe-core violations:\n${report(found)}`).toEqual([]);
});

for (const persona of personas) {
  test(`${persona}: every page has no serious or critical accessibility violations`, async ({ signedIn }) => {
    test.setTimeout(Number(process.env.E2E_A11Y_TIMEOUT ?? 240_000));
    const page = await signedIn(persona);
    const found: Found[] = [];
    const details = new Map<string, string>();
    const opened: string[] = [];
    for (const path of portalPages) {
      if (expectedStatus(persona, path) !== 200) continue;
      found.push(...(await audit(page, path, 200)));
      opened.push(path);
      await detailLinks(page, details);
    }
    for (const path of details.values()) {
      found.push(...(await audit(page, path, 200)));
      opened.push(path);
    }
    // The refusal page, and the notices of ignored parameters.
    if (persona === "employee") found.push(...(await audit(page, "/admin/roles", 403)));
    if (persona === "admin") found.push(...(await audit(page, "/operations?status=bogus", 200)));
    console.log(`[a11y] ${persona}: ${opened.length} pages (${[...details.keys()].join(", ")} detail pages)`);
    expect(found, `axe-core violations for ${persona}:\n${report(found)}`).toEqual([]);
  });
}


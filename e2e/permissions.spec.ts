/**
 * Journey: the server refuses what a persona may not see, whatever the links show.
 * Checked on the rendered page AND on the raw HTML (which also carries the React payload),
 * and with a cookie-less HTTP client, so a hidden link alone cannot pass these tests.
 */
import type { Page } from "@playwright/test";
import { accessDenied, expect, Nav, PeoplePage, SignInPage, test, UUID_RE } from "./fixtures";
import { readmeScreenshot } from "./screenshots";

const RANDOM_UUID = "3f2b8c1e-9d4a-4e6b-8a7c-1b2c3d4e5f60";

/** An admin searches the directory for a person and reads the id from the result's link. */
async function findPersonId(page: Page, name: string): Promise<string> {
  await page.goto("/people");
  const people = new PeoplePage(page);
  await people.search(name);
  const link = people.personLinks().filter({ hasText: name }).first();
  await expect(link).toBeVisible();
  const id = (await link.getAttribute("href"))?.match(UUID_RE)?.[0];
  if (!id) throw new Error(`no person link for ${name}`);
  return id;
}

test.describe("permissions are enforced by the server", () => {
  let managerName = "";
  let adminName = "";

  test.beforeEach(({ personaNames }) => {
    managerName = personaNames.manager;
    adminName = personaNames.admin;
  });

  test("an admin lists everyone and finds the manager persona", async ({ signedIn }) => {
    const page = await signedIn("admin");
    await page.goto("/dashboard");
    await new Nav(page).link("People").click();
    await expect(page.getByRole("heading", { level: 1, name: "People" })).toBeVisible();
    await expect(page.getByText("Everyone in the organisation.")).toBeVisible();
    const people = new PeoplePage(page);
    await expect(people.personLinks().first()).toBeVisible();
    await readmeScreenshot(page, "people");
    expect(await findPersonId(page, managerName)).toMatch(UUID_RE);
  });

  test("an employee is refused the people directory", async ({ signedIn }) => {
    const page = await signedIn("employee");
    await page.goto("/dashboard");
    const myId = await new Nav(page).myId();
    // No link to it...
    await expect(new Nav(page).link("People")).toHaveCount(0);
    // ...and the server refuses when the address is typed.
    const res = await page.goto("/people");
    expect(res?.status()).toBe(403);
    await expect(accessDenied(page)).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    const html = (await res!.text()) as string;
    expect(html).toContain("Access denied");
    expect(html).not.toContain(adminName);
    expect(html).not.toContain(managerName);
    // The page may link to nobody but the employee themselves (nav "My access").
    const ids = new Set([...html.matchAll(new RegExp(`/people/(${UUID_RE.source})`, "g"))].map((m) => m[1]));
    expect([...ids].filter((id) => id !== myId)).toEqual([]);
  });

  test("an employee is refused another person's page", async ({ signedIn }) => {
    const managerId = await findPersonId(await signedIn("admin"), managerName);
    const page = await signedIn("employee");
    const res = await page.goto(`/people/${managerId}`);
    expect(res?.status()).toBe(403);
    await expect(accessDenied(page)).toBeVisible();
    await expect(page.getByTestId("grants-table")).toHaveCount(0);
    const html = await res!.text();
    expect(html).not.toContain(managerName);
    // The same request made directly, with the employee's cookies: same refusal, no data.
    const direct = await page.request.get(`/people/${managerId}`, { maxRedirects: 0 });
    expect(direct.status()).toBe(403);
    const body = await direct.text();
    expect(body).toContain("Access denied");
    expect(body).not.toContain(managerName);
    expect(body).not.toContain("grants-table");
  });

  test("an employee gets the same refusal for an id that does not exist (no probing)", async ({ signedIn }) => {
    const page = await signedIn("employee");
    const res = await page.goto(`/people/${RANDOM_UUID}`);
    expect(res?.status()).toBe(403);
    await expect(accessDenied(page)).toBeVisible();
  });

  test("an admin gets 404 for an unknown person id", async ({ signedIn }) => {
    const page = await signedIn("admin");
    const res = await page.goto(`/people/${RANDOM_UUID}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
  });

  for (const persona of ["employee", "admin"] as const) {
    test(`a malformed person id is 404 for the ${persona}`, async ({ signedIn }) => {
      const page = await signedIn(persona);
      const res = await page.goto("/people/not-a-uuid");
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("heading", { level: 1, name: "Not found" })).toBeVisible();
    });
  }

  test("signed out, the dashboard redirects to the sign-in page", async ({ page }) => {
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/signin(\?|$)/);
    await expect(new SignInPage(page).personaButton("employee")).toBeVisible();
    await expect(page.getByTestId("actor-name")).toHaveCount(0);
  });

  test("without cookies the server answers every portal page with a redirect, never data", async ({ playwright, baseURL, signedIn }) => {
    const managerId = await findPersonId(await signedIn("admin"), managerName);
    const request = await playwright.request.newContext({ baseURL });
    try {
      for (const path of ["/dashboard", "/people", `/people/${managerId}`, "/applications"]) {
        const res = await request.get(path, { maxRedirects: 0 });
        expect(res.status(), path).toBeGreaterThanOrEqual(300);
        expect(res.status(), path).toBeLessThan(400);
        expect(res.headers()["location"], path).toMatch(/\/signin/);
        const body = await res.text();
        expect(body, path).not.toContain(managerName);
        expect(body, path).not.toContain("grants-table");
      }
      // next-auth's session endpoint: no session.
      const session = await request.get("/api/auth/session");
      expect(await session.json()).toEqual({});
    } finally {
      await request.dispose();
    }
  });
});

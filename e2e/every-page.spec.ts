import { expect, test, type Persona } from "./fixtures";

// Every page of the portal, for every persona: it renders (no error page, no uncaught browser error) or the
// server refuses it with 403. A new page that crashes, or leaks to a persona who should not see it, fails here.
const pages = [
  "/dashboard", "/people", "/applications", "/requests/new", "/requests", "/approvals", "/reviews", "/tasks", "/notifications",
  "/lifecycle", "/operations", "/incidents", "/analytics/access-report", "/analytics/roles", "/analytics/findings",
  "/admin/roles", "/admin/systems", "/admin/systems/new", "/admin/hr-import", "/admin/scim-tokens", "/admin/risk", "/admin/routing",
  "/admin/outbox", "/requests/insights",
];
const readers = ["/lifecycle", "/operations", "/incidents", "/analytics/access-report", "/analytics/roles", "/analytics/findings", "/admin/risk", "/admin/routing", "/requests/insights"];
const adminsOnly = ["/admin/roles", "/admin/systems", "/admin/systems/new", "/admin/hr-import", "/admin/scim-tokens", "/admin/outbox"];

function expected(persona: Persona, path: string): 200 | 403 {
  if (persona === "admin") return 200;
  if (adminsOnly.includes(path)) return 403;
  if (readers.includes(path)) return persona === "auditor" ? 200 : 403;
  if (path === "/people") return persona === "employee" || persona === "app_owner" ? 403 : 200;
  return 200;
}

test("the admin opens every page in the browser without an error", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const page = await signedIn("admin");
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  for (const path of pages) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.getByRole("heading", { name: "Something went wrong" }), path).toHaveCount(0);
    await expect(page.locator("h1").first(), path).toBeVisible();
  }
  expect(errors).toEqual([]);
});

for (const persona of ["employee", "manager", "app_owner", "auditor"] as Persona[]) {
  test(`${persona}: every page renders or is refused with 403 by the server`, async ({ signedIn }) => {
    test.setTimeout(120_000);
    const page = await signedIn(persona);
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const path of pages) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      got[path] = res.status();
      want[path] = expected(persona, path);
      if (res.status() === 200) expect(await res.text(), path).not.toContain("Something went wrong");
    }
    expect(got).toEqual(want);
  });
}

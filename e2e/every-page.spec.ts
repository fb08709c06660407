import { expect, test, type Persona } from "./fixtures";
import { expectedStatus as expected, pages } from "./pages";

// Every page of the portal, for every persona: it renders (no error page, no uncaught browser error) or the
// server refuses it with 403. A new page that crashes, or leaks to a persona who should not see it, fails here.
// The pages and who may open them are listed in ./pages.ts.

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

test("bad parameters are named on the page, and the page still shows its content", async ({ signedIn }) => {
  const page = await signedIn("admin");
  await page.goto("/operations?status=bogus");
  await expect(page.getByRole("note", { name: "Ignored parameters" })).toContainText('Unknown status "bogus"');
  await page.goto("/people?pageSize=1000&page=0");
  await expect(page.getByRole("note", { name: "Ignored parameters" })).toContainText("at most 100");
  await expect(page.getByRole("heading", { name: "People" })).toBeVisible();
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

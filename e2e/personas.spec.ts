/**
 * Journey: each demo persona signs in from the sign-in page and lands on their dashboard.
 * Admins and auditors also see the organisation's figures with charts; employees do not.
 */
import { expect, Nav, personaLabel, personas, SignInPage, test, type Persona } from "./fixtures";
import { readmeScreenshot } from "./screenshots";

const seesOrganisation: Record<Persona, boolean> = { employee: false, manager: false, app_owner: false, admin: true, auditor: true };

test.describe("demo personas sign in", () => {
  for (const persona of personas) {
    test(`${personaLabel[persona]} signs in and lands on the dashboard`, async ({ page }) => {
      const signin = new SignInPage(page);
      await signin.goto();
      const name = await signin.personaName(persona);
      await signin.signInAs(persona);

      await expect(page).toHaveURL(/\/dashboard$/);
      await expect(new Nav(page).actorName()).toHaveText(name);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome, ${name.split(" ")[0]}`);

      const org = page.getByRole("region", { name: "Organisation" });
      if (seesOrganisation[persona]) {
        await expect(org).toBeVisible();
        // Two charts, each an accessible figure with a drawn SVG.
        const charts = org.getByRole("img", { name: /^(Active accounts per application|Joiners and leavers)/ });
        await expect(charts).toHaveCount(2);
        // Each draws an SVG with bars (Recharts renders them in the browser, after measuring).
        for (const chart of await charts.all()) {
          await expect(chart.locator("svg.recharts-surface").first()).toBeVisible();
          await expect(chart.locator("svg .recharts-bar-rectangle").first()).toBeVisible();
        }
        if (persona === "admin") await readmeScreenshot(page, "dashboard", { fullPage: true });
      } else {
        await expect(page.getByRole("heading", { name: "Organisation" })).toHaveCount(0);
        await expect(org).toHaveCount(0);
      }
    });
  }

  test("the sign-in page offers every persona and the company SSO", async ({ page }) => {
    const signin = new SignInPage(page);
    await signin.goto();
    for (const p of personas) await expect(signin.personaButton(p)).toHaveCount(1);
    await expect(signin.ssoButton()).toBeVisible();
  });
});

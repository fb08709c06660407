/**
 * Journey: single sign-on through the company IdP (a real OpenID Provider on 127.0.0.1:3199,
 * started by scripts/e2e-server.mjs): authorization code + PKCE + state, the IdP's email claim
 * matched to a person in the portal.
 */
import { expect, Nav, PersonPage, SignInPage, test } from "./fixtures";

const IDP_ORIGIN = `http://127.0.0.1:${process.env.E2E_OIDC_PORT ?? 3199}`;
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

test.describe("sign-in with Company SSO", () => {
  let employeeEmail = "";
  let employeeName = "";

  test.beforeEach(async ({ signedIn }) => {
    if (employeeEmail) return;
    // The employee persona's email, as the portal shows it on their own page.
    const page = await signedIn("employee");
    await page.goto("/dashboard");
    const nav = new Nav(page);
    employeeName = (await nav.actorName().innerText()).trim();
    await nav.link("My access").click();
    employeeEmail = await new PersonPage(page).hrValue("Email");
    expect(employeeEmail).toContain("@");
  });

  async function signInAtIdp(page: import("@playwright/test").Page, login: string) {
    const signin = new SignInPage(page);
    await signin.goto();
    await signin.startSso();
    await page.waitForURL(new RegExp(`^${escapeRe(IDP_ORIGIN)}/interaction/`));
    await page.getByLabel("Login").fill(login);
    await page.getByLabel("Password").fill("any-password-works");
    await page.getByRole("button", { name: "Sign in" }).click();
    // The test IdP implies consent for the portal; answer a consent prompt anyway if one appears.
    const allow = page.getByRole("button", { name: "Allow" });
    if (await allow.isVisible().catch(() => false)) await allow.click();
  }

  test("the employee signs in at the IdP and lands on their dashboard", async ({ page }) => {
    await signInAtIdp(page, employeeEmail);
    await page.waitForURL(/127\.0\.0\.1:\d+\/dashboard$/);
    expect(new URL(page.url()).origin).not.toBe(IDP_ORIGIN);
    await expect(new Nav(page).actorName()).toHaveText(employeeName);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Welcome, ${employeeName.split(" ")[0]}`);
    // The session is the server's: a direct request with these cookies reaches the person's page.
    const session = await page.request.get("/api/auth/session");
    expect(((await session.json()) as { user?: { email?: string } }).user?.email).toBe(employeeEmail);
  });

  test("an email that belongs to nobody is refused with a clear message", async ({ page }) => {
    await signInAtIdp(page, "nobody@example.com");
    await page.waitForURL(/\/signin\?/);
    await expect(page.getByRole("main").getByRole("alert")).toContainText("not linked to an active person");
    await expect(page.getByTestId("actor-name")).toHaveCount(0);
    const session = await page.request.get("/api/auth/session");
    expect(await session.json()).toEqual({});
  });

  test("the IdP login form refuses an empty login", async ({ page }) => {
    const signin = new SignInPage(page);
    await signin.goto();
    await signin.startSso();
    await page.waitForURL(new RegExp(`^${escapeRe(IDP_ORIGIN)}/interaction/`));
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Enter a login.");
  });
});

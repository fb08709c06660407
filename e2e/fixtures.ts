/**
 * Fixtures and page objects for the end-to-end suite.
 *
 *  - `signedIn(persona)`: a page in a fresh browser context that is signed in as a demo persona.
 *    Each persona signs in once per run, by clicking its button on the sign-in page like a user;
 *    the resulting cookies are saved in .tmp/e2e-auth/<persona>.json and reused by later tests.
 *  - Page objects: SignInPage, Nav, PersonPage, PeoplePage.
 *  - Without Chromium (laptop) every test is skipped with a message; in CI the config fails first.
 */
import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type Browser, type Locator, type Page } from "@playwright/test";
import { authDir, chromiumAvailable, chromiumPath } from "./support";

export type Persona = "employee" | "manager" | "app_owner" | "admin" | "auditor";
export const personas: Persona[] = ["employee", "manager", "app_owner", "admin", "auditor"];

/** The label the sign-in page gives each persona (its button's name is "<label> <name> · <title>, <department>"). */
export const personaLabel: Record<Persona, string> = {
  employee: "Employee",
  manager: "Manager",
  app_owner: "Application owner",
  admin: "Admin",
  auditor: "Auditor",
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
export const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

// ---------------------------------------------------------------- page objects

/**
 * Wait until React has hydrated an element (its props are attached to the DOM node). The
 * sign-in buttons are client components: clicked before hydration they do nothing, which on a
 * busy 2-core machine showed up as "stayed on /signin". Polls, so a node replaced during
 * hydration is found again through the locator.
 */
export async function waitForHydration(locator: Locator) {
  await expect
    .poll(() => locator.evaluate((el) => Object.keys(el).some((k) => k.startsWith("__reactProps$"))), {
      message: "client component never hydrated",
      timeout: 15_000,
    })
    .toBe(true);
}

export class SignInPage {
  constructor(readonly page: Page) {}
  async goto(query = "") {
    await this.page.goto(`/signin${query}`);
    await expect(this.page.getByRole("heading", { level: 1, name: "Gatehouse" })).toBeVisible();
  }
  personaButton(p: Persona): Locator {
    return this.page.getByRole("button", { name: new RegExp(`^${escapeRe(personaLabel[p])} `) });
  }
  /** The persona's display name, as its button shows it. */
  async personaName(p: Persona): Promise<string> {
    const name = (await this.personaButton(p).getByTestId("persona-name").innerText()).trim();
    if (!name) throw new Error(`No persona button for ${p}`);
    return name;
  }
  ssoButton(name = "Company SSO"): Locator {
    return this.page.getByRole("button", { name: `Sign in with ${name}` });
  }
  /** Click a persona's button once the page is interactive. */
  async signInAs(p: Persona) {
    const button = this.personaButton(p);
    await waitForHydration(button);
    await button.click();
  }
  /** Start SSO once the page is interactive. */
  async startSso(name = "Company SSO") {
    const button = this.ssoButton(name);
    await waitForHydration(button);
    await button.click();
  }
  alert(): Locator {
    return this.page.getByRole("main").getByRole("alert");
  }
  /** Sign in through the test IdP (scripts/servers/oidc-idp.ts accepts any login and password) as `login` (an email). */
  async ssoAs(login: string) {
    await this.goto();
    await this.startSso();
    await this.page.waitForURL(/\/interaction\//);
    await this.page.getByLabel("Login").fill(login);
    await this.page.getByLabel("Password").fill("any-password-works");
    await this.page.getByRole("button", { name: "Sign in" }).click();
    const allow = this.page.getByRole("button", { name: "Allow" });
    if (await allow.isVisible().catch(() => false)) await allow.click();
    await this.page.waitForURL("**/dashboard");
  }
}

/** The server's refusal view ("Access denied"), wherever the app renders it (403 page or inline). */
export function accessDenied(page: Page): Locator {
  return page.getByRole("alert").filter({ has: page.getByRole("heading", { name: "Access denied" }) });
}

export class Nav {
  constructor(readonly page: Page) {}
  actorName(): Locator {
    return this.page.getByTestId("actor-name");
  }
  main(): Locator {
    return this.page.getByRole("navigation", { name: "Main" });
  }
  link(name: string): Locator {
    return this.main().getByRole("link", { name, exact: true });
  }
  /** The signed-in person's id, from the "My access" link (/people/<id>). */
  async myId(): Promise<string> {
    const href = await this.link("My access").getAttribute("href");
    const id = href?.match(UUID_RE)?.[0];
    if (!id) throw new Error(`"My access" link has no person id: ${href}`);
    return id;
  }
}

export class PersonPage {
  constructor(readonly page: Page) {}
  heading(): Locator {
    return this.page.getByRole("heading", { level: 1 });
  }
  grantsTable(): Locator {
    return this.page.getByTestId("grants-table");
  }
  /** Cells of the "Where it came from" column, as text. */
  async sources(): Promise<string[]> {
    const table = this.grantsTable();
    const headers = await table.getByRole("columnheader").allInnerTexts();
    const col = headers.findIndex((h) => h.trim() === "Where it came from");
    if (col < 0) throw new Error(`No "Where it came from" column in ${headers.join(" | ")}`);
    const rows = table.locator("tbody").getByRole("row");
    const out: string[] = [];
    for (const row of await rows.all()) out.push((await row.getByRole("cell").nth(col).innerText()).trim());
    return out;
  }
  async applications(): Promise<string[]> {
    const rows = this.grantsTable().locator("tbody").getByRole("row");
    return (await rows.all().then((rs) => Promise.all(rs.map((r) => r.getByRole("cell").first().innerText())))).map((s) => s.trim());
  }
  /** A value from the "HR record" card (a definition list). */
  async hrValue(term: string): Promise<string> {
    const card = this.page.getByRole("region", { name: "HR record" });
    const dt = card.locator("dt", { hasText: new RegExp(`^${escapeRe(term)}$`) });
    return (await dt.locator("xpath=following-sibling::dd[1]").innerText()).trim();
  }
}

export class PeoplePage {
  constructor(readonly page: Page) {}
  table(): Locator {
    return this.page.getByRole("table", { name: /^People, \d+ results$/ });
  }
  personLinks(): Locator {
    return this.table().locator("tbody").getByRole("link");
  }
  async search(q: string) {
    await this.page.getByRole("search").getByLabel("Search").fill(q);
    await this.page.getByRole("search").getByRole("button", { name: "Search" }).click();
  }
}

// ---------------------------------------------------------------- sign-in states

/** Sign in as a persona by clicking its button, and save the cookies for reuse in this run. */
async function persistPersonaState(browser: Browser, baseURL: string, persona: Persona): Promise<string> {
  const file = path.join(authDir, `${persona}.json`);
  if (fs.existsSync(file)) return file;
  const context = await browser.newContext({ baseURL });
  try {
    const page = await context.newPage();
    const signin = new SignInPage(page);
    await signin.goto();
    const name = await signin.personaName(persona);
    await signin.signInAs(persona);
    await page.waitForURL("**/dashboard");
    await expect(new Nav(page).actorName()).toHaveText(name);
    fs.mkdirSync(authDir, { recursive: true });
    await context.storageState({ path: file });
    return file;
  } finally {
    await context.close();
  }
}

type TestFixtures = {
  /** A new page, in its own context, signed in as the persona. */
  signedIn: (persona: Persona) => Promise<Page>;
  /** Each persona's display name, as the public sign-in page lists it (read once per worker). */
  personaNames: Record<Persona, string>;
  skipWithoutChromium: void;
};

let personaNamesCache: Record<Persona, string> | null = null;
type WorkerFixtures = { personaState: (persona: Persona) => Promise<string> };

/**
 * On the catalog (/requests/new), tick the first requestable entitlement whose expected route is the manager, page by
 * page, skipping the labels in `skip`. Returns its checkbox label and entitlement name, or null if none is left.
 */
export async function tickManagerRouted(page: Page, skip: string[] = []): Promise<{ label: string; entitlement: string } | null> {
  for (let p = 1; p <= 15; p++) {
    if (p > 1) await page.goto(`/requests/new?page=${p}`);
    const catalog = page.getByRole("table", { name: "Requestable access" });
    await expect(catalog).toBeVisible();
    const rows = catalog.locator("tbody tr").filter({ has: page.getByTestId("expected-route").getByText("Manager approval", { exact: true }) });
    for (const row of await rows.all()) {
      const box = row.getByRole("checkbox");
      if (await box.isDisabled()) continue;
      const label = ((await box.getAttribute("aria-label")) ?? "").replace(/^Select /, "");
      if (skip.includes(label)) continue;
      // A tick made before React hydrates the form is reset by hydration (the box is controlled): wait for it.
      await waitForHydration(box);
      await box.check();
      return { label, entitlement: (await box.getAttribute("data-entitlement")) ?? "" };
    }
  }
  return null;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  skipWithoutChromium: [
    async ({}, use, testInfo) => {
      testInfo.skip(!chromiumAvailable(), `Chromium not found at ${chromiumPath()} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      await use();
    },
    { auto: true },
  ],
  personaState: [
    async ({ browser }, use, workerInfo) => {
      const baseURL = workerInfo.project.use.baseURL!;
      await use((persona) => persistPersonaState(browser, baseURL, persona));
    },
    { scope: "worker" },
  ],
  // Both depend on skipWithoutChromium so that, without a browser, the skip happens before any launch.
  personaNames: async ({ skipWithoutChromium, browser, baseURL }, use) => {
    void skipWithoutChromium;
    if (!personaNamesCache) {
      const context = await browser.newContext({ baseURL });
      const signin = new SignInPage(await context.newPage());
      await signin.goto();
      const names = {} as Record<Persona, string>;
      for (const p of personas) names[p] = await signin.personaName(p);
      await context.close();
      personaNamesCache = names;
    }
    await use(personaNamesCache);
  },
  signedIn: async ({ skipWithoutChromium, browser, personaState, baseURL }, use) => {
    void skipWithoutChromium;
    const contexts: Awaited<ReturnType<Browser["newContext"]>>[] = [];
    await use(async (persona) => {
      const context = await browser.newContext({ baseURL, storageState: await personaState(persona), viewport: { width: 1366, height: 900 } });
      contexts.push(context);
      return context.newPage();
    });
    for (const c of contexts) await c.close();
  },
});

export { expect };

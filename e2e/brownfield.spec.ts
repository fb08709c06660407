/**
 * Journey (issue 10, "Done when"): Gatehouse in front of a company that already exists, from a FRESH instance with no
 * demo data. This spec starts its own second portal: `next start` on the suite's build (.next-e2e, made by
 * scripts/e2e-server.mjs) with an empty embedded data dir and no seed, its own test OpenID Provider, and a real slapd
 * pre-loaded with a generated organisation's accounts, groups and memberships (lib/testing/brownfield-org.ts: ~300
 * people; leavers with live accounts, orphan accounts, movers who kept their old groups, peer outliers).
 *
 * Before the portal starts (the embedded database admits one process): `gatehouse hr import` of the HR export of six
 * weeks ago and `gatehouse apply -f` of the systems file (the directory, reconcilePolicy report). The first admin comes
 * from GATEHOUSE_BOOTSTRAP_ADMINS at their first SSO sign-in. Then, in the browser: upload today's HR file (the movers
 * move), Sync now on the directory, "Review all existing access" reviewed by the application owner; the campaign
 * holds every membership of the directory plus one item per orphan account, and flagged items show their reasons.
 * Without slapd or Chromium it is skipped on a laptop and FAILS in CI (CI=true).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, SignInPage, test } from "./fixtures";
import { chromiumAvailable, chromiumPath, isCI } from "./support";
import { generateBrownfieldOrg, type BrownfieldOrg } from "../lib/testing/brownfield-org";
import { loadLdap } from "../lib/testing/brownfield-load";
import { freePort } from "../lib/testing/free-port";
import { LDAP_INSTALL_HINT, ldapAvailable, startLdap, type LdapServer } from "../lib/testing/ldap-server";

const root = process.cwd();
const distDir = process.env.E2E_NEXT_DIST ?? ".next-e2e";
const node = process.execPath;
const tsxCli = path.join(root, "node_modules/tsx/dist/cli.mjs");
const nextBin = path.join(root, "node_modules/next/dist/bin/next");

test.describe.configure({ mode: "serial" });

test.describe("a fresh instance in front of an existing organisation", () => {
  let tmp = "";
  let ldap: LdapServer | undefined;
  let org: BrownfieldOrg;
  let origin = "";
  const children: ChildProcess[] = [];
  const output: string[] = [];

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    if (!chromiumAvailable()) test.skip(true, `Chromium not found at ${chromiumPath()}`);
    if (!ldapAvailable()) {
      if (isCI()) throw new Error(`OpenLDAP slapd is required in CI but is missing: ${LDAP_INSTALL_HINT}`);
      test.skip(true, LDAP_INSTALL_HINT);
    }
    if (!fs.existsSync(path.join(root, distDir, "BUILD_ID"))) throw new Error(`No build in ${distDir}: the suite's web server (scripts/e2e-server.mjs) builds it first.`);

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "gh-brownfield-e2e-"));
    const dataDir = path.join(tmp, "data");
    fs.mkdirSync(dataDir);
    org = generateBrownfieldOrg({ seed: 42, now: new Date() });
    ldap = await startLdap({ baseDn: "dc=acme,dc=test" });
    await loadLdap(org, ldap);

    const secretKey = randomBytes(24).toString("base64url");
    const env: Record<string, string | undefined> = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", GATEHOUSE_DATA_DIR: dataDir, GATEHOUSE_NEXT_DIST: distDir, GATEHOUSE_SECRET_KEY: secretKey };
    delete env.DATABASE_URL;
    delete env.GATEHOUSE_MODE;
    const cli = (args: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync(node, [tsxCli, "lib/cli/main.ts", ...args], { cwd: root, env: { ...env, ...extra } as NodeJS.ProcessEnv, encoding: "utf8", timeout: 120_000 });
      if (r.status !== 0) throw new Error(`gatehouse ${args.join(" ")} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    // The documented first steps, by CLI: people from HR (six weeks old), then the systems file.
    fs.writeFileSync(path.join(tmp, "hr-before.csv"), org.hrBefore);
    cli(["hr", "import", path.join(tmp, "hr-before.csv"), "--as-of", new Date(Date.now() - 45 * 86_400_000).toISOString().slice(0, 10)]);
    const systems = { systems: [{ key: "dir", name: "Corporate directory", connector: "ldap", config: { url: ldap.url, bindDn: ldap.bindDn, baseDn: ldap.baseDn }, secrets: { bindPassword: "env:BF_LDAP_PASSWORD" }, owners: [org.admin] }] };
    fs.writeFileSync(path.join(tmp, "systems.json"), JSON.stringify(systems, null, 2));
    expect(cli(["apply", "-f", path.join(tmp, "systems.json"), "--dry-run"], { BF_LDAP_PASSWORD: ldap.bindPassword })).toMatch(/create\s+dir/);
    cli(["apply", "-f", path.join(tmp, "systems.json")], { BF_LDAP_PASSWORD: ldap.bindPassword });

    // The test IdP and the portal, on free ports; the first admin from GATEHOUSE_BOOTSTRAP_ADMINS.
    const [port, oidcPort] = [await freePort(), await freePort()];
    origin = `http://127.0.0.1:${port}`;
    const clientSecret = randomBytes(24).toString("base64url");
    const track = (name: string, c: ChildProcess) => {
      children.push(c);
      for (const s of [c.stdout, c.stderr]) s?.on("data", (b: Buffer) => output.push(`[${name}] ${b.toString()}`));
      return c;
    };
    const idpEnv: Record<string, string | undefined> = { ...env, OIDC_CLIENT_SECRET: clientSecret };
    delete idpEnv.NODE_ENV;
    const idp = track("idp", spawn(node, ["--import", "tsx", "scripts/servers/oidc-idp.ts", "--port", String(oidcPort), "--client-id", "gatehouse-brownfield", "--redirect-uri", `${origin}/api/auth/callback/oidc`], { cwd: root, env: idpEnv as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] }));
    await expect.poll(() => output.join("").includes("OIDC IdP listening:") || idp.exitCode !== null, { timeout: 30_000 }).toBe(true);
    expect(idp.exitCode, output.join("")).toBeNull();
    const portal = track(
      "portal",
      spawn(node, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: root,
        env: {
          ...env, NEXTAUTH_URL: origin, NEXTAUTH_SECRET: randomBytes(32).toString("base64url"), OIDC_ISSUER: `http://127.0.0.1:${oidcPort}`,
          OIDC_CLIENT_ID: "gatehouse-brownfield", OIDC_CLIENT_SECRET: clientSecret, OIDC_NAME: "Company SSO", GATEHOUSE_BOOTSTRAP_ADMINS: org.admin,
        } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    await expect
      .poll(async () => (portal.exitCode !== null ? "exited" : await fetch(`${origin}/api/health`).then((r) => r.status, () => 0)), { timeout: 90_000, message: "the second portal did not start" })
      .toBe(200);
  });

  test.afterAll(async () => {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await ldap?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("HR upload, Sync now, 'Review all existing access': every membership is an item, flagged ones say why", async ({ browser }) => {
    test.setTimeout(180_000);
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    // The first admin signs in through company SSO (no demo personas on this instance).
    const signin = new SignInPage(page);
    await signin.goto();
    await expect(page.getByRole("button", { name: /^(Employee|Admin) / })).toHaveCount(0);
    await signin.ssoAs(org.admin);

    // Today's HR file: the movers move (recorded with their previous department).
    await page.goto("/admin/hr-import");
    await page.getByLabel("HR file (CSV)").setInputFiles({ name: "hr-today.csv", mimeType: "text/csv", buffer: Buffer.from(org.hrNow) });
    await page.getByRole("button", { name: "Preview changes" }).click();
    const dry = page.getByRole("region", { name: "Dry run" });
    await expect(dry.getByRole("heading", { name: "Dry run of hr-today.csv: nothing has changed yet" })).toBeVisible({ timeout: 60_000 });
    const movers = org.planted.filter((p) => p.kind === "mover").map((p) => p.email);
    await expect(dry.getByRole("table", { name: "Detected lifecycle events" }).getByRole("row", { name: /^Mover / })).toHaveCount(new Set(movers).size);
    await dry.getByRole("button", { name: "Apply these changes" }).click();
    await expect(page.getByRole("region", { name: "Import result" }).getByRole("heading", { name: "Applied hr-today.csv" })).toBeVisible({ timeout: 60_000 });

    // The first reconcile, from the application page: discovery, linking, adoption.
    await page.goto("/applications");
    await page.getByRole("link", { name: "Corporate directory", exact: true }).first().click();
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^Synced: \d+ accounts/ })).toBeVisible({ timeout: 90_000 });

    // The first campaign, reviewed by the application's owner (the admin): every membership + the orphan accounts.
    await page.goto("/reviews");
    const panel = page.getByRole("region", { name: "First campaign: review all existing access" });
    await panel.getByLabel("Grants reviewed by").selectOption("app_owner");
    await panel.getByRole("button", { name: "Review all existing access" }).click();
    await expect(panel.getByLabel("Scope preview")).toBeVisible({ timeout: 60_000 });
    const orphans = org.planted.filter((p) => p.kind === "orphan" && p.system === "dir").length;
    const expected = org.memberships.dir + orphans;
    const launch = panel.getByRole("button", { name: /^Launch the campaign \(\d+ items\)$/ });
    await expect(launch).toHaveText(`Launch the campaign (${expected} items)`);
    await launch.click();
    const launched = panel.getByRole("status").filter({ hasText: /^Launched "Review all existing access/ });
    await expect(launched).toBeVisible({ timeout: 30_000 });
    const name = ((await launched.innerText()).match(/"([^"]+)"/) ?? [])[1]!;
    const row = page.getByRole("region", { name: "All campaigns" }).getByRole("row").filter({ hasText: name }).first();
    await expect(row).toContainText("active", { timeout: 120_000 });
    await expect(row.getByRole("progressbar", { name: `Decisions in ${name}` })).toHaveAttribute("aria-valuemax", String(expected));

    // The owner's board: flagged items carry their reasons (leavers first), orphan accounts are items of their own.
    await page.getByRole("region", { name: "My reviews" }).getByRole("link", { name }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    await expect(page.getByRole("region", { name: /^Accounts that match no person/ }).getByRole("listitem", { name: / account / }).filter({ hasText: "matches no person" })).toHaveCount(orphans);
    const items = page.getByRole("table", { name: "Review items" });
    await page.getByLabel("Filter by recommendation").selectOption("remove");
    await expect(items.getByText(/removal recommended: person left on \d{4}-\d{2}-\d{2}/).first()).toBeVisible({ timeout: 30_000 });
    await page.getByLabel("Filter by recommendation").selectOption("review");
    await expect(items.getByText(/review recommended: moved from \w+/).first()).toBeVisible();
    if (org.planted.some((p) => p.kind === "outlier" && p.system === "dir")) await expect(items.getByText(/rare among peers: only \d+% of \d+ peers have it/).first()).toBeVisible();
    // Nothing was taken away (nor planned at all) before a decision: the provisioning queue is empty.
    const ops = await page.request.get("/api/v1/operations/summary");
    expect(ops.status()).toBe(200);
    const counts = ((await ops.json()) as { counts: Record<string, number> }).counts;
    expect(Object.values(counts).reduce((a, b) => a + b, 0), JSON.stringify(counts)).toBe(0);
    await context.close();
  });
});

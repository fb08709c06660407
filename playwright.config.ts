/**
 * End-to-end suite: a real production build (`next build` + `next start`) on a fresh embedded
 * database seeded with the demo organisation, plus a real OpenID Provider for SSO, driven in
 * Debian's Chromium. See scripts/e2e-server.mjs for what the web server command does.
 *
 *   npx playwright test                  (build when stale, seed, run)
 *   E2E_BUILD=1 npx playwright test      (force a fresh build)
 *   E2E_SCREENSHOTS=1 npx playwright test (also write the README screenshots to public/screenshots)
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

/**
 * Ports are inputs: unless E2E_PORT / E2E_OIDC_PORT are given, ask the kernel for free ones. The
 * config is evaluated again in each worker process; they inherit the environment set here, so all
 * processes agree on one port.
 */
function freePortSync(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}
if (!process.env.E2E_PORT) process.env.E2E_PORT = String(freePortSync());
if (!process.env.E2E_OIDC_PORT) process.env.E2E_OIDC_PORT = String(freePortSync());

const CI = !!process.env.CI && process.env.CI !== "0" && process.env.CI.toLowerCase() !== "false";
const port = Number(process.env.E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = fs.existsSync(chromiumPath);

if (!haveChromium && CI) {
  throw new Error(
    `Chromium is required in CI but ${chromiumPath} does not exist. Install Debian's Chromium (apt-get install -y chromium) ` +
      `or point CHROMIUM_PATH at a Chromium binary. Never run "npx playwright install" here.`,
  );
}

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  outputDir: ".tmp/e2e-artifacts",
  reporter: [["list"], ["json", { outputFile: ".tmp/e2e-results.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1366, height: 900 },
        launchOptions: {
          executablePath: chromiumPath,
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        },
      },
    },
  ],
  // Without Chromium (on a laptop) every test is skipped by e2e/fixtures.ts: do not build and seed for nothing.
  webServer: haveChromium
    ? {
        command: "node scripts/e2e-server.mjs",
        url: `${baseURL}/api/health`,
        timeout: 600_000, // seeding and start-up; npm test builds before Playwright starts
        reuseExistingServer: !CI,
        stdout: "pipe",
        stderr: "pipe",
        gracefulShutdown: { signal: "SIGTERM", timeout: 8_000 },
      }
    : undefined,
});

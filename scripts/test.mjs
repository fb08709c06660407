// `npm test`: set up what is missing, then run every suite (unit, integration, e2e) and
// end with one line "N passed, N failed" summing them all. Exit code non-zero on any failure.
// In CI (CI=true) a suite whose server or browser is missing fails instead of skipping
// (the suites themselves enforce that; see lib/testing/require-server.ts and e2e/).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureDependencies, root } from "./setup-lib.mjs";

ensureDependencies();
const tmp = path.join(root, ".tmp");
fs.mkdirSync(tmp, { recursive: true });

const only = process.argv.slice(2);
const want = (s) => only.length === 0 || only.includes(s);
const results = [];

// Suites whose behaviour depends on dates (lifecycle, reviews, requests, the queue, reporting
// queries): `npm test` runs them a second time with JavaScript's clock a year ahead of the
// database's (lib/testing/clock-shift.ts), so no test can pass only on the day it was written.
// (The provisioning worker is left out: it and pg-boss rely on the portal's and the database's
// clocks agreeing, as NTP keeps them in production.)
const DATE_SENSITIVE = ["lib/services/lifecycle", "lib/services/reviews", "lib/services/requests", "lib/services/people", "lib/services/audit", "db/queries"];

function vitest(project, { label = project, shiftDays = 0, paths = [] } = {}) {
  const out = path.join(tmp, `vitest-${label}.json`);
  fs.rmSync(out, { force: true });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  if (shiftDays) env.GATEHOUSE_TEST_CLOCK_SHIFT_DAYS = String(shiftDays);
  const r = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--project", project, ...paths, "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
    { cwd: root, stdio: "inherit", env },
  );
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const j = JSON.parse(fs.readFileSync(out, "utf8"));
    passed = j.numPassedTests;
    // A file that failed to load has no test results: count it as one failure.
    const broken = (j.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).length === 0).length;
    failed = j.numFailedTests + broken;
    skipped = j.numPendingTests + (j.numTodoTests ?? 0);
  } catch {
    failed = 1; // the runner died before reporting
  }
  if (r.status !== 0 && failed === 0) failed = 1;
  results.push({ suite: label, passed, failed, skipped });
}

function e2e() {
  const out = path.join(tmp, "e2e-results.json");
  fs.rmSync(out, { force: true });
  // Build first, outside Playwright's web-server start-up timeout (a busy 2-core machine can need > 4 min).
  const b = spawnSync(process.execPath, [path.join(root, "scripts/e2e-server.mjs"), "--build-only"], { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (b.status !== 0) {
    results.push({ suite: "e2e", passed: 0, failed: 1, skipped: 0 });
    return;
  }
  const r = spawnSync(process.execPath, [path.join(root, "node_modules/@playwright/test/cli.js"), "test"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_JSON_OUTPUT_NAME: out },
  });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const s = JSON.parse(fs.readFileSync(out, "utf8")).stats;
    passed = s.expected + (s.flaky ?? 0);
    failed = s.unexpected;
    skipped = s.skipped;
  } catch {
    failed = 1;
  }
  if (r.status !== 0 && failed === 0) failed = 1;
  results.push({ suite: "e2e", passed, failed, skipped });
}

if (want("unit")) vitest("unit");
if (want("int")) vitest("int");
if (want("int") || want("clock")) {
  console.log("\n== date-sensitive integration suites with the clock moved 365 days ahead");
  vitest("int", { label: "int+365d", shiftDays: 365, paths: DATE_SENSITIVE });
}
if (want("e2e")) {
  if (fs.existsSync(path.join(root, "playwright.config.ts"))) e2e();
  else results.push({ suite: "e2e", passed: 0, failed: process.env.CI ? 1 : 0, skipped: 0 });
}

console.log("\nSuite        passed  failed  skipped");
for (const r of results) console.log(`${r.suite.padEnd(12)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`);
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
if (process.env.CI && skipped > 0) console.log(`(${skipped} skipped in CI: every skip must be a test that does not apply, never a missing server)`);
fs.writeFileSync(path.join(tmp, "summary.txt"), `${passed} passed, ${failed} failed\n`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

/**
 * Runs once before the suite: checks the browser, and clears the persona sign-in states of
 * an earlier run (each run has a fresh database and auth secret, so old cookies are void).
 */
import fs from "node:fs";
import path from "node:path";
import { authDir, chromiumAvailable, chromiumPath, isCI } from "./support";

export default function globalSetup() {
  if (!chromiumAvailable()) {
    const msg = `Chromium not found at ${chromiumPath()}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`;
    if (isCI()) throw new Error(`${msg} The end-to-end suite cannot be skipped in CI.`);
    console.warn(`\n[e2e] SKIPPING the end-to-end suite. ${msg}\n`);
  }
  fs.rmSync(authDir, { recursive: true, force: true });
  fs.mkdirSync(authDir, { recursive: true });
  fs.mkdirSync(path.resolve(".tmp"), { recursive: true });
}

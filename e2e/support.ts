/** Small helpers shared by the config's global setup and the fixtures (no test APIs here). */
import fs from "node:fs";
import path from "node:path";

export const isCI = () => {
  const v = process.env.CI;
  return !!v && v !== "0" && v.toLowerCase() !== "false";
};
export const chromiumPath = () => process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = () => fs.existsSync(chromiumPath());

/** Where persona sign-in states (cookies) are kept for the current run. */
export const authDir = path.resolve(".tmp/e2e-auth");

/** README screenshots are taken only when asked for. */
export const screenshotsWanted = () => process.env.E2E_SCREENSHOTS === "1";
export const screenshotsDir = path.resolve("public/screenshots");

/** README screenshots: written to public/screenshots only when E2E_SCREENSHOTS=1. */
import path from "node:path";
import type { Page } from "@playwright/test";
import { screenshotsDir, screenshotsWanted } from "./support";

export async function readmeScreenshot(page: Page, name: "dashboard" | "people" | "person" | "applications", opts: { fullPage?: boolean } = {}) {
  if (!screenshotsWanted()) return;
  // Charts animate in; let them settle so the picture shows bars, not a half-drawn frame.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1200);
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: opts.fullPage ?? false, animations: "disabled" });
}

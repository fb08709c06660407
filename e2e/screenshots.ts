/** README screenshots: written to public/screenshots only when E2E_SCREENSHOTS=1. */
import path from "node:path";
import type { Page } from "@playwright/test";
import { screenshotsDir, screenshotsWanted } from "./support";

/** Bars' drawn sizes, to tell when Recharts' grow-in animation (~1.5 s, delayed) has finished. */
const barSignature = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".recharts-bar-rectangle path")]
      .map((p) => {
        const b = (p as SVGGraphicsElement).getBBox();
        return `${Math.round(b.width)}x${Math.round(b.height)}`;
      })
      .join(","),
  );

export async function readmeScreenshot(page: Page, name: "dashboard" | "people" | "person" | "applications", opts: { fullPage?: boolean } = {}) {
  if (!screenshotsWanted()) return;
  await page.waitForLoadState("networkidle");
  // Wait until the charts (if any) stop moving: the same non-empty signature twice, 400 ms apart.
  let last = "";
  for (let i = 0; i < 25; i++) {
    await page.waitForTimeout(400);
    const sig = await barSignature(page);
    if (sig === last && !/(^|,)0x|x0(,|$)/.test(sig)) break;
    last = sig;
  }
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`), fullPage: opts.fullPage ?? false, animations: "disabled" });
}

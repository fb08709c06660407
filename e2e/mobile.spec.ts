/**
 * On a phone (390×844): the navigation collapses behind a "Menu" button (aria-expanded, aria-controls; Esc closes
 * and returns focus to the button), and a wide table scrolls inside its container while the page itself does not
 * scroll sideways.
 */
import { expect, test, waitForHydration } from "./fixtures";

test("on a phone the navigation opens from the Menu button and a wide table scrolls inside its container", async ({ signedIn }) => {
  test.setTimeout(90_000);
  const page = await signedIn("admin");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/people");
  const menu = page.getByRole("button", { name: "Menu" });
  const main = page.getByRole("navigation", { name: "Main" });
  const admin = page.getByRole("navigation", { name: "Administration" });
  await waitForHydration(menu);

  // Closed: no links take the screen.
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(main).toBeHidden();
  await expect(admin).toBeHidden();
  const panelId = await menu.getAttribute("aria-controls");
  expect(panelId).toBeTruthy();
  const panel = page.locator(`[id="${panelId}"]`);
  await expect(panel).toBeHidden();

  // Open: both navigations are shown in the panel the button controls.
  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(main.getByRole("link", { name: "People", exact: true })).toBeVisible();
  await expect(admin.getByRole("link", { name: "Operations", exact: true })).toBeVisible();

  // Esc closes it and focus goes back to the button.
  await main.getByRole("link", { name: "Dashboard", exact: true }).focus();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(main).toBeHidden();
  await expect(menu).toBeFocused();

  // The people table is wider than the phone: its container scrolls, the page does not.
  const table = page.getByRole("table", { name: /^People, \d+ results$/ });
  await expect(table).toBeVisible();
  const box = table.locator("xpath=..");
  const size = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, overflowX: getComputedStyle(el).overflowX }));
  expect(size.overflowX).toBe("auto");
  expect(size.scroll).toBeGreaterThan(size.client);
  const scrolled = await box.evaluate((el) => { el.scrollLeft = 80; return el.scrollLeft; });
  expect(scrolled).toBeGreaterThan(0);
  const doc = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(doc.scroll, "the page itself scrolls sideways").toBeLessThanOrEqual(doc.client);
});

test("on a desktop the navigation is always shown and the Menu button is hidden", async ({ signedIn }) => {
  const page = await signedIn("manager");
  await page.goto("/dashboard");
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
});

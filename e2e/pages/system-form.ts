/** Page object for a connected system's form (/admin/systems/new and /admin/systems/<id>). */
import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "../fixtures";

export class SystemFormPage {
  constructor(readonly page: Page) {}
  async gotoNew() {
    await this.page.goto("/admin/systems/new");
    await expect(this.page.getByRole("heading", { level: 1, name: "Add a connected system" })).toBeVisible();
    await waitForHydration(this.testButton());
  }
  async open(name: string) {
    await this.page.goto("/admin/systems");
    await this.page.getByRole("table", { name: "Connected systems" }).getByRole("link", { name, exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    await waitForHydration(this.testButton());
  }
  /** A text field by its label (secret fields are text boxes too). */
  field(label: string): Locator {
    return this.page.getByRole("main").getByRole("textbox", { name: label, exact: true });
  }
  select(label: string): Locator {
    return this.page.getByRole("main").getByRole("combobox", { name: label, exact: true });
  }
  connector(): Locator {
    return this.select("Connector");
  }
  testButton(): Locator {
    return this.page.getByRole("button", { name: "Test connection" });
  }
  saveButton(): Locator {
    return this.page.getByRole("button", { name: "Save", exact: true });
  }
  testResult(): Locator {
    return this.page.getByRole("status", { name: "Connection test result" });
  }
  saveAlert(): Locator {
    return this.page.getByRole("main").getByRole("alert").filter({ hasNotText: /^$/ });
  }
}

/**
 * Page objects for the role administration pages: the list of role templates (/admin/roles) and one template's
 * editor (/admin/roles/<id>), whose every change is a form with a Preview button, a blast radius and an apply button.
 */
import { expect, type Locator, type Page } from "@playwright/test";
import { waitForHydration } from "../fixtures";

export class RolesListPage {
  constructor(readonly page: Page) {}
  /** The list, or (the list is paged) the templates whose name contains `name`. */
  async goto(name?: string) {
    await this.page.goto(name ? `/admin/roles?q=${encodeURIComponent(name)}` : "/admin/roles");
    await expect(this.page.getByRole("heading", { level: 1, name: "Roles and birthright rules" })).toBeVisible();
  }
  row(name: string): Locator {
    return this.page.getByRole("table", { name: "Role templates" }).getByRole("row").filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }
  /** The "People given it" figure of a template. */
  async peopleGivenIt(name: string): Promise<number> {
    const headers = await this.page.getByRole("table", { name: "Role templates" }).getByRole("columnheader").allInnerTexts();
    const col = headers.findIndex((h) => h.trim() === "People given it");
    return Number((await this.row(name).getByRole("cell").nth(col).innerText()).trim());
  }
  async open(name: string): Promise<RoleEditorPage> {
    await this.row(name).getByRole("link", { name, exact: true }).click();
    await expect(this.page.getByRole("heading", { level: 1, name })).toBeVisible();
    return new RoleEditorPage(this.page);
  }
}

/** One change form of the editor (its accessible name is the form's label, e.g. "Add an entitlement"). */
export class ChangeFormPart {
  constructor(readonly page: Page, readonly form: Locator) {}
  async preview(label: string | RegExp = /^Preview/) {
    const b = this.form.getByRole("button", { name: label });
    await waitForHydration(b);
    await b.click();
  }
  blastRadius(): Locator {
    return this.form.getByRole("status", { name: "Blast radius" });
  }
  alert(): Locator {
    return this.form.getByRole("alert");
  }
  applyButton(name: string): Locator {
    return this.form.getByRole("button", { name, exact: true });
  }
}

export class RoleEditorPage {
  constructor(readonly page: Page) {}
  form(label: string): ChangeFormPart {
    return new ChangeFormPart(this.page, this.page.getByRole("form", { name: label, exact: true }));
  }
  addForm(): ChangeFormPart {
    return this.form("Add an entitlement");
  }
  picker(): Locator {
    return this.addForm().form.getByLabel("Add an entitlement");
  }
  /** The names listed in the Entitlements card ("Application · Entitlement"). */
  entitlementsCard(): Locator {
    return this.page.getByRole("region", { name: "Entitlements" });
  }
  /** The first "Remove <entitlement>" form. */
  firstRemoveForm(): ChangeFormPart {
    return new ChangeFormPart(this.page, this.page.getByRole("form", { name: /^Remove / }).first());
  }
  conditionsForm(): ChangeFormPart {
    return new ChangeFormPart(this.page, this.page.getByRole("form", { name: /^Edit conditions of / }).first());
  }
}

/**
 * Journeys of an admin editing a role template ("Solutions engineering": a template given through the template
 * itself, source "role", as well as by its rule):
 *  - "People given it" and the removal preview count the people holding the template, and the preview's figures are
 *    what applying would create (the dry run's "scheduled for removal");
 *  - preview adding an entitlement, press Add: the entitlement previewed is the one applied, and the picker keeps it
 *    across the preview (React 19 resets uncontrolled fields after a form action);
 *  - a condition naming an unknown attribute ("departmnt") is refused with the closest known name, and the typed
 *    conditions stay in the box.
 */
import { expect, test, waitForHydration } from "./fixtures";
import { RoleEditorPage, RolesListPage } from "./pages/role-editor";

const TEMPLATE = "Solutions engineering";

test("the removal preview counts the people given the template itself, as applying would", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const page = await signedIn("admin");
  const list = new RolesListPage(page);
  await list.goto(TEMPLATE);
  const holders = await list.peopleGivenIt(TEMPLATE);
  expect(holders, "People given it counts the template's holders (rule-backed and template-backed grants)").toBeGreaterThan(0);
  const editor = await list.open(TEMPLATE);
  const remove = editor.firstRemoveForm();
  await remove.preview("Preview removal");
  const radius = remove.blastRadius();
  await expect(radius).toBeVisible({ timeout: 90_000 });
  const summary = (await radius.locator("p").first().innerText()).trim();
  const m = /−(\d+) lose /.exec(summary);
  expect(m, `the preview names people losing access: "${summary}"`).not.toBeNull();
  const lose = Number(m![1]);
  expect(lose).toBeGreaterThan(0);
  expect(lose).toBeLessThanOrEqual(holders);
  // The preview is the run rolled back: the removals it would schedule are the people it says lose access.
  await expect(radius).toContainText(`${lose} scheduled for removal after the overlap`);
});

test("preview adding an entitlement, then Add: the previewed entitlement is applied and the picker keeps it", async ({ signedIn }) => {
  test.setTimeout(240_000);
  const page = await signedIn("admin");
  const list = new RolesListPage(page);
  await list.goto(TEMPLATE);
  const editor: RoleEditorPage = await list.open(TEMPLATE);
  const add = editor.addForm();
  const picker = editor.picker();
  // Not the first option: a reset picker would fall back to it.
  const options = await picker.locator("option").allInnerTexts();
  const wanted = "Salesforce · Sales Operations";
  expect(options).toContain(wanted);
  expect(options[0]).not.toBe(wanted);
  await waitForHydration(picker); // picked before hydration, the choice would never reach the form's state
  await picker.selectOption({ label: wanted });
  await add.preview("Preview adding");
  await expect(add.blastRadius()).toContainText(/If applied: \+\d+ gain Salesforce Sales Operations/, { timeout: 90_000 });
  await expect(picker.locator("option:checked")).toHaveText(wanted);

  await add.applyButton("Add to template").click();
  await expect(add.blastRadius()).toContainText(/Applied: \+\d+ gain Salesforce Sales Operations/, { timeout: 90_000 });
  await expect(add.alert()).toHaveCount(0);
  // Read back: the template now holds it.
  await page.reload();
  await expect(editor.entitlementsCard()).toContainText("Salesforce · Sales Operations");
});

test("a condition naming an unknown attribute is refused with the closest name; the typed text stays", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const page = await signedIn("admin");
  const list = new RolesListPage(page);
  await list.goto(TEMPLATE);
  const editor = await list.open(TEMPLATE);
  const form = editor.conditionsForm();
  const box = form.form.getByLabel("Conditions");
  await waitForHydration(box);
  const original = await box.inputValue();
  expect(original).toMatch(/^department = Sales/m);
  const typo = original.replace(/^department =/m, "departmnt =");
  await box.fill(typo);
  await form.preview("Preview");
  await expect(form.alert()).toContainText('Unknown attribute "departmnt" in condition 1: did you mean "department"?', { timeout: 60_000 });
  await expect(form.alert()).toContainText("Known attributes: department, title, level");
  await expect(box).toHaveValue(typo);
  await expect(form.blastRadius()).toHaveCount(0);
  // Nothing was saved: the stored rule still reads "department".
  await page.reload();
  await expect(editor.conditionsForm().form.getByLabel("Conditions")).toHaveValue(original);
});

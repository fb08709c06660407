/**
 * Journeys of an admin on the connected systems form:
 *  - a new SCIM system typed in field by field (no JSON): "Test connection" and a refused save keep every field,
 *    the token included (React 19 resets uncontrolled fields after a form action);
 *  - the demo Slack application shows its own connector and its connection test reaches the portal's SCIM service.
 */
import { expect, test } from "./fixtures";
import { SystemFormPage } from "./pages/system-form";

test("the new-system form keeps every field after Test connection and after a refused save", async ({ signedIn, baseURL }) => {
  test.setTimeout(180_000);
  const page = await signedIn("admin");
  const form = new SystemFormPage(page);
  await form.gotoNew();
  const values = {
    Key: "slack", // taken by the demo Slack: the save is refused
    Name: "Chat (e2e)",
    Description: "Typed, tested, refused, still here",
    "Base URL": `${baseURL}/api/demo-apps/slack/scim/v2`,
    "Page size (users and groups per request)": "50",
    "Bearer token": "not-the-right-token",
  };
  await expect(form.connector()).toHaveValue("scim");
  for (const [label, v] of Object.entries(values)) await form.field(label).fill(v);
  await form.select("Criticality").selectOption("high");
  const expectKept = async () => {
    for (const [label, v] of Object.entries(values)) await expect(form.field(label), label).toHaveValue(v);
    await expect(form.select("Criticality")).toHaveValue("high");
  };

  await form.testButton().click();
  await expect(form.testResult()).toContainText("Connection failed", { timeout: 60_000 });
  await expectKept();

  await form.saveButton().click();
  await expect(form.saveAlert()).toContainText('A system with the key "slack" already exists.', { timeout: 60_000 });
  await expectKept();
});

test("the demo Slack application shows its own connector and its connection test works", async ({ signedIn }) => {
  test.setTimeout(180_000);
  const page = await signedIn("admin");
  const form = new SystemFormPage(page);
  await form.open("Slack");
  await expect(form.connector()).toHaveValue("demo");
  await expect(form.connector().locator("option:checked")).toHaveText("Demo application (SCIM 2.0 served by the portal)");
  await form.testButton().click();
  await expect(form.testResult()).toContainText("Connection OK", { timeout: 60_000 });
  await expect(form.connector()).toHaveValue("demo");
});

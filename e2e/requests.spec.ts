/**
 * Journey: an employee requests access their manager must approve; the manager approves it from the
 * Approvals inbox; the access then appears on the employee's person page, with "Access request" as its source.
 * The catalog shows the route each entitlement would take before anyone asks, so the spec picks one whose
 * route is "Manager approval" (seeded organisation: 400 people, seed 7).
 */
import { expect, Nav, PersonPage, test, tickManagerRouted, waitForHydration } from "./fixtures";

test("employee requests access → manager approves from the inbox → the access is on the employee's page", async ({ signedIn }) => {
  test.setTimeout(150_000);
  const employee = await signedIn("employee");
  await employee.goto("/dashboard");
  const nav = new Nav(employee);
  const me = (await nav.actorName().innerText()).trim();
  const myId = await nav.myId();
  await nav.link("Request access").click();
  await expect(employee.getByRole("heading", { level: 1, name: "Request access" })).toBeVisible();

  // Find, page by page, an entitlement whose expected route is the manager.
  const picked = await tickManagerRouted(employee);
  expect(picked, "no entitlement with a manager route in the catalog").toBeTruthy();
  const chosen = picked!.label;
  const entName = picked!.entitlement;
  await employee.getByLabel("Justification (required for privileged access)").fill("Needed for the Q3 customer pilot");
  await employee.getByRole("button", { name: "Submit request" }).click();
  const outcome = employee.getByRole("status", { name: "Request submitted" });
  await expect(outcome).toBeVisible({ timeout: 20_000 });
  await expect(outcome).toContainText(chosen);
  await expect(outcome).toContainText("Manager approval");

  // My requests: pending, waiting for the manager.
  await employee.goto("/requests");
  const item = employee.getByTestId("request-item").filter({ hasText: entName }).first();
  await expect(item).toContainText("pending");
  await expect(item).toContainText("Waiting for");

  // The manager decides from the inbox, with the context on the card.
  const manager = await signedIn("manager");
  await manager.goto("/dashboard");
  await new Nav(manager).link("Approvals").click();
  const card = manager.getByRole("region", { name: `${chosen} for ${me}` });
  await expect(card).toBeVisible();
  await expect(card).toContainText("Needed for the Q3 customer pilot");
  await expect(card).toContainText(/risk \d+(\.\d)?\/10/);
  await expect(card).toContainText(/hold it \(\d+%\)/);
  await card.getByLabel(/^Comment/).fill("Approved for the pilot");
  await card.getByRole("button", { name: "Approve" }).click();
  await expect(manager.getByRole("region", { name: `${chosen} for ${me}` }).getByRole("status")).toHaveText(/Approved; provisioning has started\./, { timeout: 20_000 });

  // The access is on the employee's page, from an access request.
  await employee.goto(`/people/${myId}`);
  const person = new PersonPage(employee);
  await expect(person.grantsTable()).toBeVisible();
  const granted = person.grantsTable().locator("tbody tr").filter({ hasText: "Access request" }).filter({ hasText: "Needed for the Q3 customer pilot" });
  await expect(granted).toHaveCount(1);
  await expect(granted).toContainText(entName);

  // And My requests shows it approved, then (polling) provisioned by the embedded worker within a minute.
  await employee.goto("/requests");
  const done = employee.getByTestId("request-item").filter({ hasText: entName }).first();
  await expect(done).toContainText("approved");
  await expect(done.getByTestId("provisioning")).toHaveText("Provisioned", { timeout: 60_000 });
});


test("plain language: the employee describes what they need, answers the question if asked, confirms the draft", async ({ signedIn }) => {
  test.setTimeout(90_000);
  const employee = await signedIn("employee");
  await employee.goto("/requests/new");
  // A read-only entitlement the employee lacks, taken from the catalog (the last one, so not the one above).
  const box = employee
    .getByRole("table", { name: "Requestable access" })
    .locator('tbody input[type="checkbox"][data-level="read"]:not([disabled])')
    .last();
  const app = (await box.getAttribute("data-app"))!;
  const entName = (await box.getAttribute("data-entitlement"))!;
  await employee.getByRole("textbox", { name: "Describe what you need" }).fill(`I need ${app} read-only for 2 weeks because of the customer pilot`);
  await employee.getByRole("button", { name: "Draft my request" }).click();
  const question = employee.getByRole("group").filter({ has: employee.getByRole("button", { name: entName, exact: true }) });
  const confirm = employee.getByRole("form", { name: "Confirm draft" });
  await expect(question.or(confirm).first()).toBeVisible({ timeout: 20_000 });
  if (await question.isVisible()) await question.getByRole("button", { name: entName, exact: true }).click();
  await expect(confirm).toContainText("Nothing is requested until you confirm");
  await expect(confirm).toContainText(entName);
  await expect(confirm).toContainText("14 days");
  await confirm.getByRole("button", { name: "Confirm and submit" }).click();
  const outcome = employee.getByRole("status", { name: "Request submitted" });
  await expect(outcome).toContainText(entName, { timeout: 20_000 });
  await expect(outcome).toContainText("for 14 days");
  // The next sentence gets its own draft: the request just filed does not hide it, and the answer given to the
  // first sentence's question is not carried over (it is asked again, and answered again).
  await employee.getByRole("textbox", { name: "Describe what you need" }).fill(`I need ${app} read-only for 3 days`);
  await employee.getByRole("button", { name: "Draft my request" }).click();
  await expect(question.or(confirm).first()).toBeVisible({ timeout: 20_000 });
  if (await question.isVisible()) await question.getByRole("button", { name: entName, exact: true }).click();
  await expect(confirm).toContainText("3 days", { timeout: 20_000 });
  await employee.goto("/requests");
  const item = employee.getByTestId("request-item").filter({ hasText: entName }).first();
  await expect(item).toBeVisible();
  await expect(employee.getByText("from plain language").first()).toBeVisible();
});

test("the catalog keeps what is ticked across pages and searches, groups by application, and takes a duration per item", async ({ signedIn }) => {
  test.setTimeout(90_000);
  const employee = await signedIn("employee");
  const pickFree = async () => {
    const box = employee.getByRole("table", { name: "Requestable access" }).getByRole("checkbox", { checked: false, disabled: false }).first();
    const label = ((await box.getAttribute("aria-label")) ?? "").replace(/^Select /, "");
    const app = (await box.getAttribute("data-app")) ?? "";
    const ent = (await box.getAttribute("data-entitlement")) ?? "";
    await waitForHydration(box);
    await box.check();
    return { label, app, ent };
  };
  await employee.goto("/requests/new");
  const first = await pickFree();
  // The catalog is grouped: the first pick's application heads its group.
  await expect(employee.getByRole("table", { name: "Requestable access" }).locator("tbody th").filter({ hasText: first.app }).first()).toContainText(/\(\d+\)/);
  await employee.goto("/requests/new?page=2");
  const second = await pickFree();
  const selected = employee.getByRole("region", { name: "Selected access" });
  await expect(selected.getByRole("heading", { name: "Selected (2)" })).toBeVisible();
  // A search (a new page load) keeps both, and the first is still ticked where it is listed.
  await employee.getByLabel("Search the catalog").fill(first.ent);
  await employee.getByRole("button", { name: "Search" }).click();
  await expect(employee).toHaveURL(/q=/);
  await expect(selected.getByRole("heading", { name: "Selected (2)" })).toBeVisible();
  await expect(employee.getByRole("checkbox", { name: `Select ${first.label}` }).first()).toBeChecked();
  await selected.getByLabel(`Days for ${second.label}`).fill("7");
  await employee.getByLabel("Justification (required for privileged access)").fill("Catalog journey: two picks from two pages");
  await employee.getByRole("button", { name: "Submit request" }).click();
  const outcome = employee.getByRole("status", { name: "Request submitted" });
  await expect(outcome).toBeVisible({ timeout: 20_000 });
  await expect(outcome.getByRole("listitem").filter({ hasText: second.label })).toContainText("for 7 days");
  await expect(outcome.getByRole("listitem").filter({ hasText: first.label })).toBeVisible();
  await expect(selected.getByRole("heading", { name: "Selected (0)" })).toBeVisible();
});

test("an application page offers Request access, which opens the catalog on that application", async ({ signedIn }) => {
  const employee = await signedIn("employee");
  await employee.goto("/requests/new");
  const app = (await employee.getByRole("table", { name: "Requestable access" }).getByRole("checkbox").first().getAttribute("data-app")) ?? "";
  const admin = await signedIn("admin");
  await admin.goto(`/applications?q=${encodeURIComponent(app)}`); // the list is paged: search finds it on any page
  await admin.getByRole("link", { name: app, exact: true }).first().click();
  await admin.getByRole("main").getByRole("link", { name: "Request access" }).click();
  await expect(admin).toHaveURL(/\/requests\/new\?q=/);
  await expect(admin.getByRole("table", { name: "Requestable access" }).locator("tbody th").filter({ hasText: app }).first()).toBeVisible();
});

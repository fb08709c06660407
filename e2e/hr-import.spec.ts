/**
 * Journey: an admin uploads an HR file with a joiner, a mover and a leaver, reads the dry run (nothing changed
 * yet), applies it, and the person pages show the result: the joiner exists with access, the mover has the new
 * title, the leaver is terminated. People already in the demo organisation are read from their pages (the
 * personas are left alone: other journeys sign in as them).
 */
import type { Page } from "@playwright/test";
import { expect, Nav, PeoplePage, PersonPage, test } from "./fixtures";

const HEADER = "employee_id,first_name,last_name,email,department,title,level,location,manager_id,employment_type,status,start_date,end_date,cost_center";
const blank = (s: string) => (s === "—" ? "" : s);

type Hr = { id: string; name: string; employeeId: string; email: string; title: string; level: string; department: string; location: string; type: string; status: string; start: string; cost: string; manager: string };

async function readPerson(page: Page, href: string): Promise<Hr> {
  await page.goto(href);
  const person = new PersonPage(page);
  const name = (await person.heading().innerText()).trim();
  const sub = (await person.heading().locator("xpath=following-sibling::p[1]").innerText()).trim();
  const m = /^(.*) \(level (\d+)\) · (.*) · (.*) · (.+?) (employee|contractor|intern)$/.exec(sub);
  if (!m) throw new Error(`Unexpected person subtitle: ${sub}`);
  return {
    id: href.split("/").pop()!, name, title: m[1], level: m[2], department: m[3], location: m[4], status: m[5].trim(), type: m[6],
    employeeId: await person.hrValue("Employee id"), email: await person.hrValue("Email"), start: blank(await person.hrValue("Start date")),
    cost: blank(await person.hrValue("Cost centre")), manager: await person.hrValue("Manager"),
  };
}

const row = (p: Hr, over: Partial<Hr> & { end?: string } = {}) => {
  const x = { ...p, ...over };
  const [first, ...rest] = x.name.split(" ");
  return [x.employeeId, first, rest.join(" "), x.email, x.department, x.title, x.level, x.location, "", x.type, x.status, x.start, over.end ?? "", x.cost].join(",");
};

test("an admin previews an HR file with a joiner, a mover and a leaver, applies it, and the person pages follow", async ({ signedIn, personaNames }) => {
  test.setTimeout(120_000);
  const page = await signedIn("admin");
  await page.goto("/people?page=2");
  const protectedNames = new Set(Object.values(personaNames));
  const hrefs = (await new PeoplePage(page).personLinks().evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""))).filter((h) => /^\/people\/[0-9a-f-]{36}$/.test(h));
  const chosen: Hr[] = [];
  for (const href of hrefs) {
    if (chosen.length === 2) break;
    const p = await readPerson(page, href);
    // Active, not a persona, not reporting to one, and with no comma anywhere in the row we write back.
    if (p.status !== "active" || protectedNames.has(p.name) || protectedNames.has(p.manager)) continue;
    if (Object.values(p).some((v) => v.includes(","))) continue;
    chosen.push(p);
  }
  expect(chosen, "two active non-persona people on page 2 of People").toHaveLength(2);
  const [mover, leaver] = chosen;
  const suffix = Date.now().toString(36);
  const joinerId = `E2EJ${suffix}`.toUpperCase();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const newTitle = `${mover.title} Lead`;
  const csv = [
    HEADER,
    [joinerId, "Jo", `Newhire${suffix}`, `jo.newhire.${suffix}@example.test`, mover.department, "Analyst", "2", mover.location, "", "employee", "active", "2020-01-01", "", ""].join(","),
    row(mover, { title: newTitle }),
    row(leaver, { status: "terminated", end: yesterday }),
  ].join("\n");

  await page.goto("/admin/hr-import");
  await page.getByLabel("HR file (CSV)").setInputFiles({ name: "hr-e2e.csv", mimeType: "text/csv", buffer: Buffer.from(csv + "\n") });
  await page.getByRole("button", { name: "Preview changes" }).click();

  const dry = page.getByRole("region", { name: "Dry run" });
  await expect(dry.getByRole("heading", { name: "Dry run of hr-e2e.csv: nothing has changed yet" })).toBeVisible({ timeout: 30_000 });
  const events = dry.getByRole("table", { name: "Detected lifecycle events" });
  await expect(events.getByRole("row", { name: new RegExp(`Joiner Jo Newhire${suffix} \\(${joinerId}\\)`) })).toBeVisible();
  await expect(events.getByRole("row", { name: new RegExp(`Mover ${mover.name} \\(${mover.employeeId}\\)`) })).toBeVisible();
  await expect(events.getByRole("row", { name: new RegExp(`Leaver ${leaver.name} \\(${leaver.employeeId}\\)`) })).toBeVisible();
  await expect(dry).toContainText("1 new, 2 changed");

  // Nothing has changed yet: the leaver is still active.
  const check = await page.context().newPage();
  await check.goto(`/people/${leaver.id}`);
  await expect(check.getByRole("heading", { level: 1 }).locator("xpath=following-sibling::p[1]")).toContainText("active");
  await check.close();

  await dry.getByRole("button", { name: "Apply these changes" }).click();
  const done = page.getByRole("region", { name: "Import result" });
  await expect(done.getByRole("heading", { name: "Applied hr-e2e.csv" })).toBeVisible({ timeout: 30_000 });
  await expect(done).toContainText("provisioning operations");

  // The joiner: a new person page with birthright access.
  await done.getByRole("link", { name: `Jo Newhire${suffix}`, exact: true }).click();
  const person = new PersonPage(page);
  await expect(person.heading()).toHaveText(`Jo Newhire${suffix}`);
  expect(await person.hrValue("Employee id")).toBe(joinerId);
  await expect(page.getByRole("heading", { name: /^Access \(\d+ active entitlements\)$/ })).toBeVisible();
  const sources = await person.sources();
  expect(sources.some((s) => s.startsWith("Birthright rule")), sources.join(" | ")).toBe(true);

  // The mover: the new title.
  await page.goto(`/people/${mover.id}`);
  await expect(person.heading().locator("xpath=following-sibling::p[1]")).toContainText(`${newTitle} (level ${mover.level})`);

  // The leaver: terminated, with the end date, and no active access left.
  await page.goto(`/people/${leaver.id}`);
  await expect(person.heading().locator("xpath=following-sibling::p[1]")).toContainText("terminated");
  expect(await person.hrValue("End date")).toBe(yesterday);
  await expect(page.getByRole("heading", { name: /^Access \(0 active entitlements\)$/ })).toBeVisible();
  await expect(new Nav(page).actorName()).toBeVisible();
});

test("a file with a bad row still previews its valid rows, flags unusual values, and shows each person's access", async ({ signedIn }) => {
  const page = await signedIn("admin");
  const suffix = Date.now().toString(36);
  const good = `E2EV${suffix}`.toUpperCase();
  const csv = [
    HEADER,
    [good, "Val", `Idrow${suffix}`, `val.idrow.${suffix}@example.test`, "Engineering", "Analyst", "19", "Remote", "", "employee", "active", "2020-01-01", "", ""].join(","),
    [`E2EB${suffix}`.toUpperCase(), "Bad", "Row", "not-an-email", "Engineering", "Analyst", "2", "Remote", "", "employee", "active", "2020-01-01", "", ""].join(","),
  ].join("\n");
  await page.goto("/admin/hr-import");
  await page.getByLabel("HR file (CSV)").setInputFiles({ name: "hr-bad-row.csv", mimeType: "text/csv", buffer: Buffer.from(csv + "\n") });
  await page.getByRole("button", { name: "Preview changes" }).click();

  const dry = page.getByRole("region", { name: "Dry run" });
  await expect(dry.getByRole("heading", { name: "Dry run of hr-bad-row.csv: nothing has changed yet" })).toBeVisible({ timeout: 30_000 });
  await expect(dry.getByRole("alert").filter({ hasText: "problem(s) in the file" })).toContainText("the preview below covers the valid rows only");
  await expect(dry.getByRole("alert").filter({ hasText: "problem(s) in the file" })).toContainText("row 3");
  const events = dry.getByRole("table", { name: "Detected lifecycle events" });
  await expect(events.getByRole("row", { name: new RegExp(`Joiner Val Idrow${suffix} \\(${good}\\)`) })).toBeVisible();
  await expect(dry.getByRole("status", { name: "Values to check" })).toContainText("level 19 is above every level in Gatehouse");
  const perPerson = dry.getByRole("table", { name: "Access gained and lost per person" });
  const mine = perPerson.getByRole("row", { name: new RegExp(`Val Idrow${suffix}`) });
  await expect(mine).toBeVisible();
  await expect(mine).toContainText("+ ");
  await expect(dry.getByLabel("Apply only the valid rows")).toBeVisible();
});

/**
 * The portal's pages and who may open them: shared by every-page.spec.ts (each renders or is refused with 403)
 * and accessibility.spec.ts (axe-core over every page each persona can open). No test APIs here.
 */
import type { Persona } from "./fixtures";

/** Issue 12: repeated, out-of-range and unknown parameters, NUL characters and lone surrogates in search text. */
export const badParameterPages = [
  "/applications?q=a&q=b", "/people?status=bogus&page=0&pageSize=1000", "/people?q=%00x", "/operations?status=bogus",
  "/analytics/findings?days=99999&kind=nope", "/lifecycle?view=x&page=-3", "/requests/new?beneficiaryId=nope&q=%ED%A0%80",
  // Issue 13: the paged lists (past the last page, out-of-range and non-numeric paging).
  "/applications?page=-1&pageSize=1000", "/admin/roles?page=abc&pageSize=0", "/analytics/findings?kind=drift&page=99999",
];

/** Every list page of the portal (detail pages are found by following links from these). */
export const portalPages = [
  "/dashboard", "/people", "/applications", "/requests/new", "/requests", "/approvals", "/reviews", "/tasks", "/notifications",
  "/lifecycle", "/operations", "/incidents", "/analytics/access-report", "/analytics/roles", "/analytics/findings",
  "/admin/roles", "/admin/systems", "/admin/systems/new", "/admin/hr-import", "/admin/scim-tokens", "/admin/risk", "/admin/routing",
  "/admin/outbox", "/requests/insights", "/admin/portal-roles", "/admin/sod", "/admin/held-runs", "/audit", "/agents", "/settings",
];

export const pages = [
  ...portalPages,
  // Bad parameters are ignored and named, never an error page.
  "/audit?actor=system&from=2026-02-30&page=0",
  ...badParameterPages,
];

const readers = [
  "/audit", "/audit?actor=system&from=2026-02-30&page=0", "/lifecycle", "/operations", "/incidents", "/analytics/access-report", "/analytics/roles", "/analytics/findings", "/admin/risk", "/admin/routing", "/requests/insights",
  "/operations?status=bogus", "/analytics/findings?days=99999&kind=nope", "/lifecycle?view=x&page=-3", "/analytics/findings?kind=drift&page=99999",
];
const adminsOnly = ["/admin/roles", "/admin/roles?page=abc&pageSize=0", "/admin/systems", "/admin/systems/new", "/admin/hr-import", "/admin/scim-tokens", "/admin/outbox", "/admin/portal-roles", "/admin/sod", "/admin/held-runs"];

/** The status the server answers a persona's request for a page with. */
export function expectedStatus(persona: Persona, path: string): 200 | 403 {
  if (persona === "admin") return 200;
  if (adminsOnly.includes(path)) return 403;
  if (readers.includes(path)) return persona === "auditor" ? 200 : 403;
  if (path.split("?")[0] === "/people") return persona === "employee" || persona === "app_owner" ? 403 : 200;
  return 200;
}

/**
 * SCIM User (core + enterprise extension) ↔ Gatehouse person.
 *
 * | SCIM attribute                                   | Gatehouse                                                        |
 * |--------------------------------------------------|------------------------------------------------------------------|
 * | id                                               | people.id (uuid)                                                 |
 * | userName                                         | any string (RFC 7643 §4.1.1), unique case-insensitively; kept as the attribute `scimUserName` when it differs from the person's email |
 * | emails                                           | people.email = the primary email, else the work one, else the first (a valid address); none: the userName when it is an email address; else a placeholder `<id>@no-email.invalid` that is never returned |
 * | externalId                                       | attribute `scimExternalId` (caseExact)                           |
 * | name.givenName / name.familyName                 | given_name / family_name (missing: from displayName, else the userName's local part) |
 * | displayName                                      | display_name is always "given family"; a different SCIM displayName is kept as `scimDisplayName` and returned |
 * | title                                            | title                                                            |
 * | userType                                         | employment_type: Contractor/Contingent/Consultant/Vendor/Temp → contractor, Intern/Trainee/Apprentice → intern, anything else → employee; a value other than Employee/Contractor/Intern is kept as `scimUserType` and returned |
 * | active                                           | false → status terminated (a leaver: the HR pipeline removes all access); true on a leaver → rehire; true otherwise keeps the status (pre-hire, on leave stay) |
 * | addresses[type eq "work"].locality (else primary, else first), or root `x-location` | location ("Unknown" when absent) |
 * | emails, phoneNumbers, ims, photos, addresses, entitlements, roles, x509Certificates, nickName, profileUrl, preferredLanguage, locale, timezone, name.formatted/middleName/honorific* | kept verbatim in the attribute `scimExtra` (JSON) and returned; not interpreted |
 * | password                                         | accepted and discarded (never stored, never returned)            |
 * | groups                                           | read-only: the IdP groups (/Groups) the person is a member of     |
 * | enterprise employeeNumber                        | employee_id, the HR pipeline's key (else externalId, else a generated `scim-<uuid>`, which is not returned as employeeNumber). A new employeeNumber re-keys the same person. |
 * | enterprise department                            | department                                                       |
 * | enterprise costCenter                            | cost_center                                                      |
 * | enterprise organization / division              | attributes `organization` / `division` (birthright rules can use them) |
 * | enterprise manager.value                         | manager_id: the manager's SCIM id (or, tolerated, their employee number); unknown → 400 invalidValue |
 * | meta.created / meta.lastModified / meta.version  | created_at / updated_at / weak ETag of the representation         |
 *
 * Unassigned attributes (RFC 7644 §3.5.2.2 remove, or a PUT without them) that Gatehouse still needs a value
 * for internally (name, displayName, userType, active, emails, employeeNumber) are listed in the attribute
 * `scimUnset` and left out of the SCIM representation; the person keeps a derived value (a display name, a
 * status, the HR key). A value written again clears the mark.
 *
 * Every write becomes one HrRecord for `applyHrRecords` (source "scim"), so joiner/mover/leaver/
 * rehire detection, birthright grants, provisioning plans and audit happen as for any HR source.
 * DELETE = leaver + attribute `scimDeleted` (the row and its history stay; the User is gone from
 * /Users until a POST with the same userName/employeeNumber rehires the person).
 */
import { createHash, randomUUID } from "node:crypto";
import type { ScimPersonRow } from "@/db/queries/scim";
import type { HrRecord } from "@/lib/domain/hr-import";
import { invalidValue } from "@/lib/domain/scim/errors";
import { getKey } from "@/lib/domain/scim/filter";
import { isObject, type ScimObject } from "@/lib/domain/scim/resource";
import { URN } from "@/lib/domain/scim/schema";

/** Person attributes owned by the SCIM mapping (always written, "" = unset). */
export const SCIM_ATTRIBUTE_KEYS = ["scimExternalId", "scimUserName", "scimDisplayName", "scimUserType", "organization", "division", "scimExtra", "scimDeleted", "scimUnset"] as const;

/** SCIM attributes that may be unassigned while the person keeps a derived value (see `scimUnset`). */
export const UNSETTABLE = ["name", "name.givenName", "name.familyName", "name.formatted", "displayName", "userType", "active", "emails", "employeeNumber"] as const;
type Unsettable = (typeof UNSETTABLE)[number];

/** The placeholder email domain of people whose SCIM User has no email address (RFC 2606 .invalid: never delivered). */
export const NO_EMAIL_DOMAIN = "no-email.invalid";
export const isPlaceholderEmail = (email: string) => email.toLowerCase().endsWith(`@${NO_EMAIL_DOMAIN}`);

function unsetOf(row: ScimPersonRow): Set<Unsettable> {
  const raw = row.attributes?.scimUnset;
  return new Set(typeof raw === "string" && raw ? (raw.split(",") as Unsettable[]) : []);
}

const EXTRA_KEYS = ["nickName", "profileUrl", "preferredLanguage", "locale", "timezone", "emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"] as const;
const NAME_EXTRAS = ["formatted", "middleName", "honorificPrefix", "honorificSuffix"] as const;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const meaningful = (s: string | null | undefined) => Boolean(s && s !== "Unknown");
const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

export function userTypeOf(t: ScimPersonRow["employmentType"]): string {
  return t === "contractor" ? "Contractor" : t === "intern" ? "Intern" : "Employee";
}

function employmentTypeOf(userType: string | undefined): HrRecord["employmentType"] | null {
  if (!userType) return null;
  const s = userType.toLowerCase();
  if (/contract|contingent|consultant|vendor|temp/.test(s)) return "contractor";
  if (/intern|trainee|apprentice/.test(s)) return "intern";
  return "employee";
}

/** Weak ETag over the representation (without meta.version). */
export function etagOf(resource: ScimObject): string {
  const { meta, ...rest } = resource;
  const m = isObject(meta) ? { ...meta, version: undefined } : meta;
  return `W/"${createHash("sha256").update(JSON.stringify({ ...rest, meta: m })).digest("hex").slice(0, 20)}"`;
}

function parseExtra(row: ScimPersonRow): ScimObject {
  const raw = row.attributes?.scimExtra;
  if (typeof raw !== "string" || !raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/** Which email is the person's: the primary one, else the work one, else the first. */
function pickEmail(list: ScimObject[]): ScimObject | undefined {
  return list.find((e) => e.primary === true) ?? list.find((e) => String(e.type ?? "").toLowerCase() === "work") ?? list[0];
}

/** Which address carries the person's location: work, else primary, else the first. */
function locationAddress(list: unknown): ScimObject | undefined {
  if (!Array.isArray(list)) return undefined;
  const objs = list.filter(isObject);
  return objs.find((a) => String(a.type ?? "").toLowerCase() === "work") ?? objs.find((a) => a.primary === true) ?? objs[0];
}

/** The full SCIM representation of a person. */
export function toScimUser(row: ScimPersonRow, baseUrl: string, groups?: Array<{ id: string; displayName: string }>): ScimObject {
  const a = row.attributes ?? {};
  const extra = parseExtra(row);
  const unset = unsetOf(row);
  const location = `${baseUrl}/Users/${row.id}`;
  const nameExtra = isObject(extra.name) ? extra.name : {};
  const name: ScimObject = { ...nameExtra };
  if (row.givenName && !unset.has("name.givenName")) name.givenName = row.givenName;
  if (row.familyName && !unset.has("name.familyName")) name.familyName = row.familyName;
  const fullName = [row.givenName, row.familyName].filter(Boolean).join(" ");
  if (!name.formatted && fullName && !unset.has("name.formatted")) name.formatted = fullName;

  let emails = Array.isArray(extra.emails) ? (extra.emails as ScimObject[]).map((e) => ({ ...e })) : [];
  if (!isPlaceholderEmail(row.email) && !unset.has("emails") && !emails.some((e) => String(e.value ?? "").toLowerCase() === row.email.toLowerCase())) {
    // The email changed through another source (an HR file): it replaces the one SCIM had given.
    const picked = pickEmail(emails);
    if (picked) picked.value = row.email;
    else emails = [{ value: row.email, type: "work", primary: true }];
  }
  let addresses = Array.isArray(extra.addresses) ? (extra.addresses as ScimObject[]).map((x) => ({ ...x })) : [];
  const locAddr = locationAddress(addresses);
  if (locAddr && meaningful(row.location)) locAddr.locality = row.location;
  else if (!locAddr && meaningful(row.location)) addresses = [{ type: "work", locality: row.location }];

  const ent: ScimObject = {};
  if (!row.employeeId.startsWith("scim-") && !unset.has("employeeNumber")) ent.employeeNumber = row.employeeId;
  if (row.costCenter) ent.costCenter = row.costCenter;
  if (str(a.organization)) ent.organization = a.organization;
  if (str(a.division)) ent.division = a.division;
  if (row.department) ent.department = row.department;
  const managerName = row.managerDisplayName?.trim();
  if (row.managerId) ent.manager = { value: row.managerId, $ref: `${baseUrl}/Users/${row.managerId}`, ...(managerName ? { displayName: managerName } : {}) };

  const hasEnt = Object.keys(ent).length > 0;
  const user: ScimObject = {
    schemas: hasEnt ? [URN.user, URN.enterprise] : [URN.user],
    id: row.id,
    ...(str(a.scimExternalId) ? { externalId: a.scimExternalId } : {}),
    userName: str(a.scimUserName) ?? row.email,
    ...(unset.has("name") || Object.keys(name).length === 0 ? {} : { name }),
    ...(unset.has("displayName") ? {} : { displayName: str(a.scimDisplayName) ?? row.displayName.trim() }),
    ...(row.title ? { title: row.title } : {}),
    ...(unset.has("userType") ? {} : { userType: str(a.scimUserType) ?? userTypeOf(row.employmentType) }),
    ...(unset.has("active") ? {} : { active: row.status !== "terminated" }),
    ...(emails.length && !unset.has("emails") ? { emails } : {}),
    ...(addresses.length ? { addresses } : {}),
  };
  for (const k of EXTRA_KEYS) if (k !== "emails" && k !== "addresses" && extra[k] !== undefined) user[k] = extra[k];
  if (groups?.length) user.groups = groups.map((g) => ({ value: g.id, $ref: `${baseUrl}/Groups/${g.id}`, display: g.displayName, type: "direct" }));
  if (hasEnt) user[URN.enterprise] = ent;
  user.meta = { resourceType: "User", created: row.createdAt.toISOString(), lastModified: row.updatedAt.toISOString(), location };
  (user.meta as ScimObject).version = etagOf(user);
  return user;
}

export type MappedUser = {
  record: Omit<HrRecord, "employeeId" | "managerEmployeeId"> & { employeeId: string | null };
  employeeNumber: string | null;
  externalId: string | null;
  userName: string;
  managerRef: string | null;
};

/**
 * A canonical SCIM User (already normalised) → the HR record the pipeline applies.
 * `current` is the person as stored (for PUT/PATCH); absent on create. `rawLocation` is a root
 * `x-location` the client may send instead of an address.
 */
export function fromScimUser(user: ScimObject, current: ScimPersonRow | null, opts: { rawLocation?: string; today: string; deleted?: string; created?: boolean }): MappedUser {
  const userName = str(user.userName);
  if (!userName) throw invalidValue('"userName" is required.');
  if (userName.length > 300) throw invalidValue('"userName" is limited to 300 characters.');
  const emails = Array.isArray(user.emails) ? (user.emails as ScimObject[]) : [];
  const picked = str(pickEmail(emails)?.value);
  // The person's email: from emails (RFC 7643 §4.1.1 does not make userName an email), else an email-shaped
  // userName, else the person's current one if it is still a placeholder, else a new placeholder.
  const email = picked && EMAIL.test(picked) ? picked
    : EMAIL.test(userName) ? userName
    : current && isPlaceholderEmail(current.email) ? current.email
    : `${randomUUID()}@${NO_EMAIL_DOMAIN}`;

  const name = isObject(user.name) ? user.name : {};
  const display = str(user.displayName) ?? str(name.formatted);
  let givenName = str(name.givenName);
  let familyName = str(name.familyName);
  if (!givenName && !familyName && display) {
    const parts = display.split(/\s+/);
    givenName = parts[0];
    familyName = parts.slice(1).join(" ");
  }
  givenName ??= isPlaceholderEmail(email) ? userName.split("@")[0] : email.split("@")[0];
  familyName ??= "";
  if (givenName.length > 200 || familyName.length > 200) throw invalidValue("Names are limited to 200 characters.");

  const ent = isObject(user[URN.enterprise]) ? (user[URN.enterprise] as ScimObject) : {};
  const mgr = isObject(ent.manager) ? str(ent.manager.value) : undefined;
  const employeeNumber = str(ent.employeeNumber) ?? null;
  const externalId = str(user.externalId) ?? null;
  const addr = locationAddress(user.addresses);
  // No address: "Unknown", unless the person has some other non-address value already (kept as is).
  const location = str(addr?.locality) ?? str(opts.rawLocation) ?? (current && !meaningful(current.location) ? current.location : "Unknown");
  const userType = str(user.userType);
  const employmentType = employmentTypeOf(userType) ?? current?.employmentType ?? "employee";
  const canonicalUserType = userType && userType === userTypeOf(employmentType) ? "" : (userType ?? "");

  const wasTerminated = !current || current.status === "terminated";
  const status: HrRecord["status"] = user.active === false ? "terminated" : wasTerminated ? "active" : current.status;
  const rehire = current?.status === "terminated" && status !== "terminated";

  const extra: ScimObject = {};
  for (const k of EXTRA_KEYS) if (user[k] !== undefined) extra[k] = user[k];
  // What toScimUser derives anyway is not stored again (a GET → PUT round trip changes nothing).
  if (sameJson(extra.emails, [{ value: email, type: "work", primary: true }])) delete extra.emails;
  const ename = isObject(user.name) ? user.name : null;
  const absent: Record<Unsettable, boolean> = {
    name: !ename || Object.keys(ename).length === 0,
    "name.givenName": !str(ename?.givenName),
    "name.familyName": !str(ename?.familyName),
    "name.formatted": !str(ename?.formatted),
    displayName: !str(user.displayName),
    userType: !userType,
    // A create without `active` makes an active person (shown as such); a PUT or PATCH without it unassigns it.
    active: typeof user.active !== "boolean" && !opts.created,
    emails: emails.length === 0,
    employeeNumber: !employeeNumber,
  };
  if (sameJson(extra.addresses, [{ type: "work", locality: location }])) delete extra.addresses;
  const nameExtra = Object.fromEntries(NAME_EXTRAS.filter((k) => name[k] !== undefined && !(k === "formatted" && name[k] === `${givenName} ${familyName}`.trim())).map((k) => [k, name[k]]));
  if (Object.keys(nameExtra).length) extra.name = nameExtra;

  const attributes: Record<string, string> = {
    scimExternalId: externalId ?? "",
    scimUserName: userName === email ? "" : userName,
    scimDisplayName: display && display !== `${givenName} ${familyName}`.trim() ? display : "",
    scimUserType: canonicalUserType,
    organization: str(ent.organization) ?? "",
    division: str(ent.division) ?? "",
    scimExtra: Object.keys(extra).length ? JSON.stringify(extra) : "",
    scimDeleted: opts.deleted ?? "",
    scimUnset: UNSETTABLE.filter((k) => absent[k]).join(","),
  };
  return {
    record: {
      line: 1,
      employeeId: current?.employeeId ?? null,
      givenName, familyName, email,
      department: str(ent.department) ?? "",
      title: str(user.title) ?? "",
      level: current?.level ?? 1,
      location,
      employmentType,
      status,
      startDate: current?.startDate ?? null,
      endDate: rehire ? null : (current?.endDate ?? null),
      costCenter: str(ent.costCenter) ?? null,
      attributes,
    },
    employeeNumber,
    externalId,
    userName,
    managerRef: mgr ?? null,
  };
}

/** The root `x-location` convenience attribute, read from the raw body (case-insensitive). */
export function rawLocationOf(body: unknown): string | undefined {
  const v = getKey(body, "x-location");
  return typeof v === "string" ? v : undefined;
}

export const newEmployeeId = () => `scim-${randomUUID()}`;

import { describe, expect, it } from "vitest";
import { ScimError } from "./errors";
import { applyPatch, parsePatchBody } from "./patch";
import { normalizeResource, project } from "./resource";
import { URN, USER } from "./schema";

const E = URN.enterprise;
type RawOp = { op: string; path?: string; value?: unknown };
const base = () => ({
  schemas: [URN.user, E],
  id: "u1",
  userName: "bjensen@example.com",
  name: { givenName: "Barbara", familyName: "Jensen" },
  displayName: "Babs Jensen",
  active: true,
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  phoneNumbers: [{ value: "555-1", type: "work" }],
  [E]: { employeeNumber: "701984", department: "Tours", manager: { value: "m1" } },
  meta: { resourceType: "User" },
});

const patch = (ops: RawOp[], r: Record<string, unknown> = base()) =>
  applyPatch(r, parsePatchBody({ schemas: [URN.patchOp], Operations: ops }), USER);

const fails = (ops: RawOp[], scimType: string) => {
  let err: unknown;
  try {
    patch(ops);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ScimError);
  expect(err).toMatchObject({ status: 400, scimType });
};

describe("SCIM PATCH (RFC 7644 §3.5.2)", () => {
  it.each<[string, RawOp[], (r: Record<string, unknown>) => unknown, unknown]>([
    ["add a simple attribute with a path", [{ op: "add", path: "nickName", value: "Babs" }], (r) => r.nickName, "Babs"],
    ["add without a path (object value)", [{ op: "add", value: { nickName: "Babs", title: "Guide" } }], (r) => [r.nickName, r.title], ["Babs", "Guide"]],
    ["add to a multi-valued attribute appends", [{ op: "add", path: "emails", value: [{ value: "b@c.test", type: "other" }] }], (r) => (r.emails as unknown[]).length, 3],
    ["add an exact duplicate value does not duplicate", [{ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] }], (r) => (r.emails as unknown[]).length, 2],
    ["add a new primary email clears the old primary", [{ op: "add", path: "emails", value: { value: "n@x.test", type: "work", primary: true } }], (r) => (r.emails as Array<{ primary?: boolean }>).filter((e) => e.primary).length, 1],
    ["add a sub-attribute of a complex attribute merges", [{ op: "add", path: "name", value: { middleName: "J" } }], (r) => r.name, { givenName: "Barbara", familyName: "Jensen", middleName: "J" }],
    ["replace a simple attribute", [{ op: "replace", path: "displayName", value: "B. Jensen" }], (r) => r.displayName, "B. Jensen"],
    ["replace a sub-attribute path", [{ op: "replace", path: "name.familyName", value: "Smith" }], (r) => r.name, { givenName: "Barbara", familyName: "Smith" }],
    ["replace a complex attribute keeps unspecified sub-attributes", [{ op: "replace", path: "name", value: { familyName: "Smith" } }], (r) => r.name, { givenName: "Barbara", familyName: "Smith" }],
    ["replace a multi-valued attribute without filter replaces all values", [{ op: "replace", path: "emails", value: [{ value: "only@x.test", type: "work" }] }], (r) => r.emails, [{ value: "only@x.test", type: "work" }]],
    ["replace with a value filter and sub-attribute", [{ op: "replace", path: 'emails[type eq "work"].value', value: "new@example.com" }], (r) => (r.emails as Array<{ value: string }>)[0].value, "new@example.com"],
    ["replace with a value filter replaces the matching values", [{ op: "replace", path: 'emails[type eq "home"]', value: { value: "h@x.test", type: "home" } }], (r) => (r.emails as unknown[])[1], { value: "h@x.test", type: "home" }],
    ["replace a path that is not set yet behaves as add", [{ op: "replace", path: "nickName", value: "B" }], (r) => r.nickName, "B"],
    ["replace active=false (Okta style, no path)", [{ op: "replace", value: { active: false } }], (r) => r.active, false],
    ["Replace active 'False' string (Azure AD style)", [{ op: "Replace", path: "active", value: "False" }], (r) => r.active, false],
    ["Azure AD: dotted keys in a path-less value", [{ op: "Replace", value: { "name.givenName": "Barb", displayName: "Barb J" } }], (r) => [(r.name as { givenName: string }).givenName, r.displayName], ["Barb", "Barb J"]],
    ["Azure AD: extension URN path for department", [{ op: "Add", path: `${E}:department`, value: "Finance" }], (r) => (r[E] as { department: string }).department, "Finance"],
    ["Azure AD: manager given as a bare id", [{ op: "Replace", path: `${E}:manager`, value: "m2" }], (r) => (r[E] as { manager: unknown }).manager, { value: "m2" }],
    ["Azure AD: add emails[type eq \"work\"].value when no work email exists creates it", [{ op: "remove", path: 'emails[type eq "work"]' }, { op: "Add", path: 'emails[type eq "work"].value', value: "w@x.test" }], (r) => (r.emails as Array<{ type: string }>).find((e) => e.type === "work"), { type: "work", value: "w@x.test" }],
    ["path-less value with an extension object", [{ op: "replace", value: { [E]: { costCenter: "42" } } }], (r) => (r[E] as { costCenter: string }).costCenter, "42"],
    ["extension URN as the path", [{ op: "replace", path: E, value: { employeeNumber: "9" } }], (r) => r[E], { employeeNumber: "9" }],
    ["remove a simple attribute", [{ op: "remove", path: "displayName" }], (r) => "displayName" in r, false],
    ["remove a sub-attribute", [{ op: "remove", path: "name.givenName" }], (r) => r.name, { familyName: "Jensen" }],
    ["remove all values of a multi-valued attribute", [{ op: "remove", path: "phoneNumbers" }], (r) => "phoneNumbers" in r, false],
    ["remove values matching a filter", [{ op: "remove", path: 'emails[type eq "home"]' }], (r) => (r.emails as unknown[]).length, 1],
    ["remove a sub-attribute of matching values", [{ op: "remove", path: 'emails[type eq "work"].primary' }], (r) => (r.emails as unknown[])[0], { value: "bjensen@example.com", type: "work" }],
    ["remove listed values (Azure AD: value list on remove)", [{ op: "remove", path: "emails", value: [{ value: "babs@jensen.org" }] }], (r) => (r.emails as unknown[]).length, 1],
    ["remove the manager (extension sub-path)", [{ op: "remove", path: `${E}:manager` }], (r) => (r[E] as Record<string, unknown>).manager, undefined],
    ["attribute names in paths are case-insensitive", [{ op: "replace", path: "NAME.FAMILYNAME", value: "Lower" }], (r) => (r.name as { familyName: string }).familyName, "Lower"],
    ["operations apply in order", [{ op: "add", path: "nickName", value: "A" }, { op: "replace", path: "nickName", value: "B" }, { op: "remove", path: "nickName" }, { op: "add", path: "nickName", value: "C" }], (r) => r.nickName, "C"],
    ["add with null value unassigns", [{ op: "replace", path: "displayName", value: null }], (r) => "displayName" in r, false],
    ["path-less keys naming no attribute are ignored", [{ op: "replace", value: { unknownThing: 1, title: "T" } }], (r) => r.title, "T"],
  ])("%s", (_name, ops, pick, expected) => {
    const before = base();
    const after = patch(ops, before);
    expect(pick(after)).toEqual(expected);
    expect(before).toEqual(base()); // the input is never changed
  });

  it.each<[string, RawOp[], string]>([
    ["remove without a path", [{ op: "remove" }], "noTarget"],
    ["remove with a filter that matches nothing", [{ op: "remove", path: 'emails[type eq "pager"]' }], "noTarget"],
    ["replace with a non-equality filter that matches nothing", [{ op: "replace", path: 'emails[value co "nothing"].type', value: "x" }], "noTarget"],
    ["remove a required attribute", [{ op: "remove", path: "userName" }], "mutability"],
    ["replace a read-only attribute", [{ op: "replace", path: "id", value: "x" }], "mutability"],
    ["add to groups (read-only)", [{ op: "add", path: "groups", value: [{ value: "g" }] }], "mutability"],
    ["unknown attribute in the path", [{ op: "replace", path: "nope", value: 1 }], "invalidPath"],
    ["value filter on a simple attribute", [{ op: "replace", path: 'userName[value eq "x"]', value: "y" }], "invalidPath"],
    ["garbage after ]", [{ op: "replace", path: 'emails[type eq "work"]value', value: "y" }], "invalidPath"],
    ["bad filter inside the path", [{ op: "replace", path: "emails[type eq]", value: "y" }], "invalidFilter"],
    ["wrong type (boolean)", [{ op: "replace", path: "active", value: "perhaps" }], "invalidValue"],
    ["wrong type (string)", [{ op: "replace", path: "displayName", value: { a: 1 } }], "invalidValue"],
    ["path-less op with a non-object value", [{ op: "replace", value: "x" }], "invalidValue"],
    ["an array for a single-valued attribute", [{ op: "replace", path: "title", value: ["a", "b"] }], "invalidValue"],
    ["add without a value", [{ op: "add", path: "title" }], "invalidValue"],
  ])("%s → 400 %s", (_n, ops, scimType) => fails(ops, scimType));

  it("a failing operation after a good one changes nothing", () => {
    const r = base();
    expect(() => patch([{ op: "replace", path: "displayName", value: "X" }, { op: "remove", path: "userName" }], r)).toThrow(ScimError);
    expect(r.displayName).toBe("Babs Jensen");
  });

  it.each<[unknown, string]>([
    [{ Operations: [] }, "schemas missing"],
    [{ schemas: ["urn:wrong"], Operations: [] }, "wrong schema"],
    [{ schemas: [URN.patchOp] }, "Operations missing"],
    [{ schemas: [URN.patchOp], Operations: [{ op: "move", path: "x" }] }, "unknown op"],
    [[], "not an object"],
  ])("rejects a malformed PatchOp body (%s) → invalidSyntax", (body) => {
    expect(() => parsePatchBody(body)).toThrow(expect.objectContaining({ scimType: "invalidSyntax" }));
  });

  it("accepts op names in any case and an empty Operations list", () => {
    expect(parsePatchBody({ schemas: [URN.patchOp], Operations: [{ op: "REPLACE", path: "title", value: "a" }] })[0].op).toBe("replace");
    expect(parsePatchBody({ schemas: [URN.patchOp], Operations: [] })).toEqual([]);
  });
});

describe("resource bodies and projection", () => {
  it("canonicalises attribute names, coerces Azure AD booleans, drops read-only and unknown attributes", () => {
    const r = normalizeResource(USER, { Schemas: [URN.user], USERNAME: "a@b.test", Active: "True", id: "client-made", groups: [{ value: "g" }], whatever: 1, NAME: { GivenName: "A" }, [E.toUpperCase()]: { EmployeeNumber: 7 } });
    expect(r).toEqual({ schemas: [URN.user], userName: "a@b.test", active: true, name: { givenName: "A" }, [E]: { employeeNumber: "7" } });
  });

  it("attributes= keeps only the listed attributes plus id and schemas; excludedAttributes removes", () => {
    const full = base();
    expect(project(USER, full, "userName,name.givenName," + `${E}:department`)).toEqual({ schemas: full.schemas, id: "u1", userName: full.userName, name: { givenName: "Barbara" }, [E]: { department: "Tours" } });
    expect(project(USER, full, "emails.value")).toEqual({ schemas: full.schemas, id: "u1", emails: [{ value: "bjensen@example.com" }, { value: "babs@jensen.org" }] });
    const ex = project(USER, full, null, "emails,id,name.familyName," + E);
    expect(ex.emails).toBeUndefined();
    expect(ex.id).toBe("u1");
    expect(ex.name).toEqual({ givenName: "Barbara" });
    expect(ex[E]).toBeUndefined();
  });
});

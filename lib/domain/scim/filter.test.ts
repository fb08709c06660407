import { describe, expect, it } from "vitest";
import { ScimError } from "./errors";
import { compileFilter, matches, parseFilter, sortComparator } from "./filter";
import { resolveAttr, splitAttrPath, URN, USER } from "./schema";

/** A user in the spirit of RFC 7643 §8.2 (Babs Jensen), with the enterprise extension. */
const babs = {
  schemas: [URN.user, URN.enterprise],
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "701984",
  userName: "bjensen@example.com",
  name: { formatted: "Ms. Barbara J Jensen III", familyName: "Jensen", givenName: "Barbara" },
  displayName: "Babs Jensen",
  title: "Tour Guide",
  userType: "Employee",
  active: true,
  emails: [
    { value: "bjensen@example.com", type: "work", primary: true },
    { value: "babs@jensen.org", type: "home" },
  ],
  phoneNumbers: [{ value: "555-555-8377", type: "work" }],
  addresses: [{ type: "work", locality: "Hollywood", region: "CA", primary: true }],
  meta: { resourceType: "User", created: "2010-01-23T04:56:22Z", lastModified: "2011-05-13T04:42:34Z", version: 'W/"3694e05e9dff591"' },
  [URN.enterprise]: { employeeNumber: "701984", costCenter: "4130", organization: "Universal Studios", division: "Theme Park", department: "Tour Operations", manager: { value: "26118915-6090-4610-87e4-49d8ca9f808d" } },
};
const other = { ...babs, id: "x2", userName: "mike@other.test", name: { familyName: "Other", givenName: "Mike" }, active: false, emails: [{ value: "mike@other.test", type: "home" }], title: undefined, [URN.enterprise]: {}, meta: { ...babs.meta, lastModified: "2010-01-01T00:00:00Z" } };

const run = (f: string, r: Record<string, unknown> = babs) => matches(compileFilter(f, USER), r);

describe("SCIM filter: RFC 7644 §3.4.2.2 examples and semantics", () => {
  it.each<[string, boolean]>([
    ['userName eq "bjensen@example.com"', true],
    ['USERNAME EQ "BJensen@Example.com"', true], // attribute names, operators and caseExact=false values are case-insensitive
    ['name.familyName co "O\'Malley"', false],
    ['name.familyName co "ens"', true],
    ['userName sw "J"', false],
    ['userName sw "bj"', true],
    ['userName ew "@EXAMPLE.com"', true],
    [`${URN.user}:userName sw "bjen"`, true],
    ["title pr", true],
    ["nickName pr", false],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34.000+01:00"', true], // chronological, not textual
    ['title pr and userType eq "Employee"', true],
    ['title pr or userType eq "Intern"', true],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', true],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', false],
    ['userType eq "Employee" and (emails.type eq "work")', true],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "home" and value co "@example.com"]', false],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', true],
    ["active eq true", true],
    ["active eq false", false],
    ["not (active eq false)", true],
    ['externalId eq "701984"', true],
    ['externalId eq "701984 "', false],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false], // id is caseExact
    [`${URN.enterprise}:employeeNumber eq "701984"`, true],
    ['employeeNumber eq "701984"', true], // unqualified extension attribute, resolved after core
    [`${URN.enterprise}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, true],
    [`${URN.enterprise}:department eq "tour operations"`, true],
    ['addresses[type eq "work"].locality eq "x"'.replace('].locality eq "x"', ' and locality eq "hollywood"]'), true],
    ['nickName eq null', true],
    ['title ne null', true],
    ['nickName ne "x"', true], // ne on an absent attribute
    ['userName eq "a \\"quoted\\" name"', false],
    ['(((userName eq "bjensen@example.com")))', true],
    ['userName gt "a" and userName lt "c"', true],
  ])("%s → %s", (f, expected) => {
    expect(run(f)).toBe(expected);
  });

  it.each<[string, boolean]>([
    // Entra ID: a sub-attribute comparison after a value filter (issue 12 §4).
    ['emails[type eq "work"].value eq "bjensen@example.com"', true],
    ['emails[type eq "work"].value eq "babs@jensen.org"', false], // the home email is not the work one
    ['emails[type eq "home"].value eq "BABS@jensen.org"', true],
    ['emails[type eq "work"].value pr', true],
    ['emails[type eq "work"].value sw "bjen" and active eq true', true],
    ['addresses[type eq "work"].locality eq "Paris"', false],
  ])("Entra value-path form %s → %s", (f, expected) => {
    expect(run(f)).toBe(expected);
    expect(run(f, other)).toBe(false);
  });

  it("the value-path form still refuses an unknown sub-attribute or a missing operator", () => {
    expect(() => compileFilter('emails[type eq "work"].nope eq "x"', USER)).toThrow(ScimError);
    expect(() => compileFilter('emails[type eq "work"].value', USER)).toThrow(ScimError);
    expect(() => compileFilter('emails[type eq "work"] .value eq "x"', USER)).toThrow(ScimError);
  });

  it("ANDs bind tighter than ORs", () => {
    expect(run('userName eq "nobody" and title pr or active eq true')).toBe(true);
    expect(run('userName eq "nobody" and (title pr or active eq true)')).toBe(false);
  });

  it("evaluates another resource independently", () => {
    expect(run('emails[type eq "work"]', other)).toBe(false);
    expect(run("title pr", other)).toBe(false);
    expect(run('meta.lastModified gt "2011-01-01T00:00:00Z"', other)).toBe(false);
  });

  it("parses string escapes as JSON does", () => {
    const ast = parseFilter('displayName eq "Tab\\tand \\u00e9 and \\\\"');
    expect(ast).toMatchObject({ kind: "cmp", value: "Tab\tand é and \\" });
  });

  it.each([
    ["", "empty"],
    ["userName", "missing operator"],
    ['userName eq', "missing value"],
    ['userName xx "a"', "unknown operator"],
    ['userName eq "unterminated', "unterminated string"],
    ['userName eq "bad \\q escape"', "bad escape"],
    ['(userName eq "a"', "missing )"],
    ['userName eq "a")', "extra )"],
    ['userName eq "a" and', "dangling and"],
    ['userName eq "a" userName eq "b"', "missing logical operator"],
    ['not userName eq "a"', "not without parentheses"],
    ['emails[type eq "work"', "missing ]"],
    ['emails[type eq "work" and display[value eq "x"]]', "nested value filter"],
    ['foo eq "bar"', "unknown attribute"],
    ['name.nope eq "x"', "unknown sub-attribute"],
    ['name eq "x"', "complex attribute without sub-attribute"],
    ["active gt true", "ordering on boolean"],
    ['active eq "maybe"', "boolean against a string"],
    ['meta.created co "2011"', "co on a dateTime"],
    ['meta.lastModified gt "not a date"', "unparseable date"],
    ['userName gt null', "ordering against null"],
    ['userName eq true', "string against a boolean"],
    ["password eq \"secret\"", "never-returned attribute"],
    ['emails[nope eq "x"]', "unknown attribute in a value filter"],
    ['userName eq "a" $ "b"', "stray character"],
    ["(".repeat(200) + 'userName eq "a"' + ")".repeat(200), "nesting too deep"],
  ])("%s → 400 invalidFilter (%s)", (f) => {
    let err: unknown;
    try {
      compileFilter(f, USER);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScimError);
    expect(err).toMatchObject({ status: 400, scimType: "invalidFilter" });
  });
});

describe("sorting", () => {
  it("sorts case-insensitively by the primary value; absent values last ascending", () => {
    const users = [
      { id: "1", userName: "b", emails: [{ value: "z@x", primary: true }, { value: "a@x" }] },
      { id: "2", userName: "A", emails: [{ value: "m@x" }] },
      { id: "3", userName: "c" },
    ];
    const byName = splitAttrPath("userName")!;
    expect([...users].sort(sortComparator(resolveAttr(USER, byName)!, false)).map((u) => u.id)).toEqual(["2", "1", "3"]);
    const byEmail = resolveAttr(USER, splitAttrPath("emails.value")!)!;
    expect([...users].sort(sortComparator(byEmail, false)).map((u) => u.id)).toEqual(["2", "1", "3"]);
    expect([...users].sort(sortComparator(byEmail, true)).map((u) => u.id)).toEqual(["3", "1", "2"]);
  });
});

import { describe, expect, it } from "vitest";
import { dateToFileTime, fileTimeToDate, parseGeneralizedTime, parseLdapTime, parseScimAttributePath, parseScimDateTime, parseUsageCsv, readScimAttribute } from "./usage";

describe("Windows FILETIME (AD lastLogonTimestamp)", () => {
  it.each([
    // 1601-01-01 + n × 100 ns; reference values computed from the definition, checked both ways.
    ["116444736000000000", "1970-01-01T00:00:00.000Z"],
    ["132539328000000000", "2021-01-01T00:00:00.000Z"],
    ["134095392000000000", "2025-12-07T00:00:00.000Z"],
    ["134095946361234567", "2025-12-07T15:23:56.123Z"], // sub-millisecond digits are dropped
  ])("%s is %s", (ft, iso) => {
    expect(fileTimeToDate(ft)?.toISOString()).toBe(iso);
    expect(fileTimeToDate(BigInt(ft))?.toISOString()).toBe(iso);
  });
  it("round-trips through dateToFileTime", () => {
    const d = new Date("2026-06-30T08:15:42.517Z");
    expect(fileTimeToDate(dateToFileTime(d))?.toISOString()).toBe(d.toISOString());
    expect(dateToFileTime(new Date(0))).toBe(116444736000000000n);
  });
  it.each(["0", "9223372036854775807", "-5", "abc", ""])("%s means never / not a time → null", (v) => {
    expect(fileTimeToDate(v)).toBeNull();
  });
});

describe("GeneralizedTime (OpenLDAP authTimestamp)", () => {
  it.each([
    ["20261207151900Z", "2026-12-07T15:19:00.000Z"],
    ["20261207151900.25Z", "2026-12-07T15:19:00.250Z"],
    ["202612071519Z", "2026-12-07T15:19:00.000Z"],
    ["2026120715Z", "2026-12-07T15:00:00.000Z"],
    ["20261207151900+0100", "2026-12-07T14:19:00.000Z"],
    ["20261207151900-05", "2026-12-07T20:19:00.000Z"],
  ])("%s is %s", (v, iso) => expect(parseGeneralizedTime(v)?.toISOString()).toBe(iso));
  it.each(["20261307151900Z", "20260230101010Z", "20261207151900", "2026-12-07T15:19:00Z", "20261207256000Z"])("%s is refused", (v) => {
    expect(parseGeneralizedTime(v)).toBeNull();
  });
  it("parseLdapTime reads either form", () => {
    expect(parseLdapTime("20210101000000Z")?.toISOString()).toBe("2021-01-01T00:00:00.000Z");
    expect(parseLdapTime("132539328000000000")?.toISOString()).toBe("2021-01-01T00:00:00.000Z");
    expect(parseLdapTime(null)).toBeNull();
    expect(parseLdapTime("yesterday")).toBeNull();
  });
});

describe("SCIM attribute paths", () => {
  const EXT = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";
  it.each([
    ["meta.lastLogin", { schema: null, attribute: "meta", subAttribute: "lastLogin" }],
    ["lastLogin", { schema: null, attribute: "lastLogin", subAttribute: null }],
    [`${EXT}:lastLogin`, { schema: EXT, attribute: "lastLogin", subAttribute: null }],
    [`${EXT}:activity.lastSignIn`, { schema: EXT, attribute: "activity", subAttribute: "lastSignIn" }],
  ])("%s parses", (p, want) => expect(parseScimAttributePath(p)).toEqual(want));
  it.each([
    ["", /empty/],
    ["meta.a.b", /more than one sub-attribute/],
    ["1st", /not an attribute name/],
    ["meta:lastLogin", /only a schema URN/],
    ["urn:x", /not a schema URN/],
    [`${EXT}:`, /not an attribute name/],
  ])("%s is refused", (p, msg) => {
    const r = parseScimAttributePath(p);
    expect("error" in r && r.error).toMatch(msg);
  });
  it("reads values case-insensitively, in extensions and sub-attributes", () => {
    const user = { id: "u1", meta: { LastLogin: "2026-01-02T03:04:05Z" }, [EXT]: { lastLogin: "2026-02-01T00:00:00Z", activity: { lastSignIn: 1767225600 } } };
    const at = (p: string) => readScimAttribute(user, parseScimAttributePath(p) as never);
    expect(at("meta.lastLogin")).toBe("2026-01-02T03:04:05Z");
    expect(at(`${EXT}:lastLogin`)).toBe("2026-02-01T00:00:00Z");
    expect(at(`${EXT.toLowerCase()}:LASTLOGIN`)).toBe("2026-02-01T00:00:00Z");
    expect(parseScimDateTime(at(`${EXT}:activity.lastSignIn`))?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(at("nothing.here")).toBeUndefined();
    expect(parseScimDateTime("2026-02-30T00:00:00Z")).toBeNull();
  });
});

describe("usage file", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  it("reads account and last_used (aliases, other columns ignored, dates and date-times)", () => {
    const r = parseUsageCsv("\ufeffUser Name,Department,Last Login\nada,R&D,2026-11-30\n\"bob\",Ops,2026-06-01T09:30:00+02:00\n\n", now);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.line, x.account, x.lastUsed.toISOString()])).toEqual([
      [2, "ada", "2026-11-30T00:00:00.000Z"],
      [3, "bob", "2026-06-01T07:30:00.000Z"],
    ]);
  });
  it("reports each bad row with its line and column", () => {
    const r = parseUsageCsv("account,last_used\nada,2026-13-01\n,2026-01-01\ncy,\ndee,2027-06-01\nADA,2026-01-01\neve,2026-02-03\n", now);
    expect(r.rows.map((x) => x.account)).toEqual(["eve"]);
    expect(r.errors).toEqual([
      { line: 2, column: "last_used", message: expect.stringMatching(/"2026-13-01" is not a date/) },
      { line: 3, column: "account", message: "the account is empty" },
      { line: 4, column: "last_used", message: expect.stringMatching(/no date for "cy"/) },
      { line: 5, column: "last_used", message: expect.stringMatching(/in the future/) },
      { line: 6, column: "account", message: 'account "ADA" is already on row 2' },
    ]);
  });
  it("names a missing column, an empty file and a broken quote", () => {
    expect(parseUsageCsv("user,when\na,2026-01-01\n", now).errors[0]!.message).toMatch(/no last_used column/);
    expect(parseUsageCsv("", now).errors[0]!.message).toMatch(/empty/);
    expect(parseUsageCsv('account,last_used\n"ada,2026-01-01\n', now).errors[0]).toMatchObject({ line: 2, message: expect.stringMatching(/Unterminated/) });
  });
});

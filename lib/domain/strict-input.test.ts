import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { firstUnsafeText, isSafeText, parseDateOrDateTime, parseIsoDate, parseIsoDateTime } from "./strict-input";

describe("strict input", () => {
  it.each([
    ["plain", true], ["", true], ["émoji 😀 ok", true], ["a\u0000b", false], ["\ud800", false], ["x\udc00", false], ["\udc00\ud800", false], ["\ud83d\ude00", true],
  ])("isSafeText(%j) = %s", (s, ok) => expect(isSafeText(s)).toBe(ok));

  it("finds the first unsafe string in a JSON value, keys included", () => {
    expect(firstUnsafeText({ a: [{ b: "ok" }, { c: "x\u0000" }] })).toBe("a.1.c");
    expect(firstUnsafeText({ ["k\ud800"]: 1 })).toBe("(key)");
    expect(firstUnsafeText({ a: 1, b: [true, null, "fine"] })).toBeNull();
    expect(firstUnsafeText("\u0000")).toBe("(value)");
  });

  it.each([
    ["2026-02-28", true], ["2024-02-29", true], ["2026-02-29", false], ["2026-02-30", false], ["2026-13-01", false], ["2026-00-10", false],
    ["0000-01-01", false], ["0001-01-01", true], ["9999-12-31", true], ["2026-2-3", false], ["2026-02-03T00:00:00Z", false], [" 2026-02-03", false],
  ])("parseIsoDate(%j) accepts: %s", (s, ok) => expect(parseIsoDate(s) !== null).toBe(ok));

  it.each([
    ["2026-03-01T10:00:00Z", "2026-03-01T10:00:00.000Z"], ["2026-03-01T10:00:00.123456+02:00", "2026-03-01T08:00:00.123Z"], ["2026-03-01T10:00Z", "2026-03-01T10:00:00.000Z"],
    ["2026-03-01 10:00:00", "2026-03-01T10:00:00.000Z"], ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["0000-01-01T00:00:00Z", null], ["2026-02-30T00:00:00Z", null], ["2026-03-01T24:00:00Z", null], ["2026-03-01T10:60:00Z", null], ["2026-03-01T10:00:60Z", null],
    ["2026-03-01T10:00:00+25:00", null], ["yesterday", null], ["1700000000", null], ["+275760-09-13T00:00:00Z", null],
  ])("parseIsoDateTime(%j) = %s", (s, iso) => expect(parseIsoDateTime(s)?.toISOString() ?? null).toBe(iso));

  it("a day can stand for a moment of that day", () => {
    expect(parseDateOrDateTime("2026-03-01", "T23:59:59Z")?.toISOString()).toBe("2026-03-01T23:59:59.000Z");
    expect(parseDateOrDateTime("2026-02-30", "T23:59:59Z")).toBeNull();
  });

  it("every accepted day round-trips through the calendar (no roll-over); every rejected one is not a real day", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const s = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
        const real = y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
        expect(parseIsoDate(s) !== null).toBe(real);
      }),
      { numRuns: 2000 },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, csvEscape, parseCsvObjects, parseCsvRecords, toCsv } from "./csv";

describe("csv", () => {
  it("parses quotes, embedded commas and newlines, CRLF, BOM, and reports line numbers", () => {
    const text = '\ufeffa,b,c\r\n1,"x, y",3\r\n\r\n"multi\nline",2,"say ""hi"""\n4,5,6';
    const recs = parseCsvRecords(text);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect(recs[1].fields).toEqual(["1", "x, y", "3"]);
    expect(recs[2].fields).toEqual(["multi\nline", "2", 'say "hi"']);
  });

  it("rejects an unterminated quote, naming the line", () => {
    expect(() => parseCsvRecords('a,b\n1,"oops\n2,3')).toThrow(CsvError);
    try {
      parseCsvRecords('a,b\n1,"oops\n2,3');
    } catch (e) {
      expect((e as CsvError).line).toBe(2);
    }
  });

  it("maps rows to header names", () => {
    const { header, rows } = parseCsvObjects("Name , Dept\nAda,Eng\nBob\n");
    expect(header).toEqual(["Name", "Dept"]);
    expect(rows).toEqual([{ line: 2, values: { Name: "Ada", Dept: "Eng" } }, { line: 3, values: { Name: "Bob", Dept: "" } }]);
  });

  it("round-trips any table through toCsv", () => {
    const cell = fc.string({ maxLength: 8 });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 10 }), (rows) => {
        const text = toCsv(["h1", "h2"], rows);
        const back = parseCsvRecords(text).map((r) => r.fields);
        // Text that a spreadsheet would run as a formula comes back with its ' prefix, otherwise unchanged.
        const expected = [["h1", "h2"], ...rows.map((r) => r.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)))].filter((r) => !(r.length === 1 && r[0] === ""));
        expect(back).toEqual(expected);
      }),
    );
  });

  describe("formula injection (OWASP CSV injection)", () => {
    it.each([
      ["=HYPERLINK(\"http://evil\",\"x\")", `"'=HYPERLINK(""http://evil"",""x"")"`],
      ["+1+cmd|' /C calc'!A0", `"'+1+cmd|' /C calc'!A0"`],
      ["-2+3", `"'-2+3"`],
      ["@SUM(A1:A9)", `"'@SUM(A1:A9)"`],
      ["\t=1+1", `"'\t=1+1"`],
      ["\r=1+1", `"'\r=1+1"`],
      ["=1,2", `"'=1,2"`],
    ])("prefixes %j with a quote and quotes the cell", (value, cell) => {
      expect(csvEscape(value)).toBe(cell);
      expect(parseCsvRecords(`${cell}\n`)[0]!.fields).toEqual([`'${value}`]);
    });

    it.each([
      ["plain", "plain"],
      ["a=b", "a=b"],
      ["x-1", "x-1"],
      ["alice@example.com", "alice@example.com"],
      ["'quoted", "'quoted"],
      ["", ""],
    ])("leaves %j alone", (value, cell) => {
      expect(csvEscape(value)).toBe(cell);
    });

    it("leaves numbers alone (a negative number is data, not a formula)", () => {
      expect(csvEscape(-3)).toBe("-3");
      expect(csvEscape(0.5)).toBe("0.5");
      expect(toCsv(["n", "s"], [[-1, "-1"]])).toBe(`n,s\n-1,"'-1"\n`);
    });
  });
});

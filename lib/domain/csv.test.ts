import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvError, parseCsvObjects, parseCsvRecords, toCsv } from "./csv";

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
        const expected = [["h1", "h2"], ...rows].filter((r) => !(r.length === 1 && r[0] === ""));
        expect(back).toEqual(expected);
      }),
    );
  });
});

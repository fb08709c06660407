import { describe, expect, it } from "vitest";
import { csvField, parseCsv } from "./csv";

describe("parseCsv", () => {
  it.each([
    ["plain LF", "a,b\n1,2\n3,4\n", ["a", "b"], [["1", "2"], ["3", "4"]]],
    ["CRLF without final newline", "a,b\r\n1,2\r\n3,4", ["a", "b"], [["1", "2"], ["3", "4"]]],
    ["BOM and blank lines", "\uFEFFa,b\n\n1,2\n\n", ["a", "b"], [["1", "2"]]],
    ["quoted comma, quote, newline", 'a,b\n"x,y","say ""hi"""\n"multi\nline",z\n', ["a", "b"], [["x,y", 'say "hi"'], ["multi\nline", "z"]]],
    ["empty fields", "a,b,c\n,,\n1,,3\n", ["a", "b", "c"], [["", "", ""], ["1", "", "3"]]],
  ])("%s", (_, text, header, rows) => {
    const t = parseCsv(text);
    expect(t.header).toEqual(header);
    expect(t.rows).toEqual(rows);
  });
  it("rejects an unterminated quote", () => {
    expect(() => parseCsv('a\n"oops\n')).toThrow(/unterminated/i);
  });
  it("round-trips fields through csvField", () => {
    const values = ["plain", "with,comma", 'with "quote"', "line\nbreak"];
    expect(parseCsv(`h1,h2,h3,h4\n${values.map(csvField).join(",")}\n`).rows[0]).toEqual(values);
  });
});

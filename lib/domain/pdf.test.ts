import { describe, expect, it } from "vitest";
import { escapePdfString, pdfSafeText, renderPdf, wrapText, textWidth } from "./pdf";

const latin1 = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");

/** Parse the xref table and trailer of a PDF produced by renderPdf. */
function structure(s: string) {
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(s)?.[1]);
  const xref = s.slice(startxref);
  const m = /^xref\n0 (\d+)\n/.exec(xref);
  const size = Number(m![1]);
  const entries = xref.slice(m![0].length).split("\n").slice(0, size);
  return { startxref, size, entries, trailer: xref.slice(xref.indexOf("trailer")) };
}

describe("renderPdf", () => {
  it("writes a valid PDF 1.4 structure with offsets pointing at the objects", () => {
    const s = latin1(renderPdf(["Hello (world) \\ back", { text: "Bold title", bold: true, size: 16 }], { title: "T" }));
    expect(s.startsWith("%PDF-1.4\n")).toBe(true);
    expect(s.endsWith("%%EOF\n")).toBe(true);
    const { startxref, size, entries, trailer } = structure(s);
    expect(s.slice(startxref, startxref + 4)).toBe("xref");
    expect(entries[0]).toBe("0000000000 65535 f ");
    for (let i = 1; i < size; i++) {
      expect(entries[i]).toMatch(/^\d{10} 00000 n $/);
      const off = Number(entries[i]!.slice(0, 10));
      expect(s.slice(off, off + `${i} 0 obj`.length)).toBe(`${i} 0 obj`);
    }
    expect(trailer).toContain(`/Size ${size}`);
    expect(trailer).toContain("/Root 1 0 R");
    expect(s).toContain("/BaseFont /Helvetica ");
    expect(s).toContain("/BaseFont /Helvetica-Bold");
    expect(s).toContain("(Hello \\(world\\) \\\\ back) Tj");
    expect(s).toContain("/F2 16 Tf");
    expect(s).toContain("/Count 1");
    expect(s).toContain("(Page 1 of 1) Tj");
  });

  it("stream lengths match their content", () => {
    const s = latin1(renderPdf(["a", "b"]));
    const re = /<< \/Length (\d+) >>\nstream\n/g;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(s))) {
      const start = m.index + m[0].length;
      expect(s.slice(start + Number(m[1]), start + Number(m[1]) + "\nendstream".length)).toBe("\nendstream");
      n++;
    }
    expect(n).toBe(1);
  });

  it("breaks into pages and numbers them", () => {
    const lines = Array.from({ length: 200 }, (_, i) => `Line number ${i + 1}`);
    const s = latin1(renderPdf(lines));
    const count = Number(/\/Type \/Pages \/Kids \[[^\]]*\] \/Count (\d+)/.exec(s)![1]);
    expect(count).toBeGreaterThan(2);
    expect((s.match(/\/Type \/Page /g) ?? []).length).toBe(count);
    expect(s).toContain(`(Page ${count} of ${count}) Tj`);
    expect(s).toContain("(Line number 1) Tj");
    expect(s).toContain("(Line number 200) Tj");
  });

  it("wraps long lines within the page width", () => {
    const long = "word ".repeat(300).trim();
    const parts = wrapText(long, 495, 10);
    expect(parts.length).toBeGreaterThan(3);
    for (const p of parts) expect(textWidth(p, 10)).toBeLessThanOrEqual(495);
    expect(parts.join(" ")).toBe(long);
    const s = latin1(renderPdf([long]));
    expect((s.match(/\) Tj ET/g) ?? []).length).toBe(parts.length + 1); // + footer
    expect(wrapText("x".repeat(500), 100, 10).every((p) => textWidth(p, 10) <= 100)).toBe(true);
  });

  it("keeps Latin-1, replaces everything else with ?", () => {
    expect(pdfSafeText("Zoë Müller – 日本 😀\tok")).toBe("Zoë Müller ? ?? ? ok");
    expect(escapePdfString("a\\b(c)")).toBe("a\\\\b\\(c\\)");
    const b = renderPdf(["Zoë 😀"]);
    expect(latin1(b)).toContain("(Zo\u00eb ?) Tj");
    expect(b.every((x) => x <= 0xff)).toBe(true);
  });
});

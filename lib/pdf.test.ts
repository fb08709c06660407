import { describe, expect, it } from "vitest";
import { readPdf } from "@/lib/testing/read-pdf";
import { pdfSafeText, renderPdf, splitRuns } from "./pdf";

describe("renderPdf", () => {
  it("renders names in any script as written, with the document title, and numbers the pages", async () => {
    const bytes = await renderPdf(
      [{ text: "Evidence: Q4 review", bold: true, size: 16 }, "Reviewer: Zoë Łukasz", "Person: 王伟 (E-1001)", "Ğül Øre, Straße, Ñúñez — “quoted”", { text: "indented", indent: 20 }],
      { title: "Évidence 王", author: "Gatehouse", creationDate: new Date("2030-01-02T03:04:05Z") },
    );
    expect(Buffer.from(bytes.subarray(0, 5)).toString("latin1")).toBe("%PDF-");
    const r = await readPdf(bytes);
    expect(r.title).toBe("Évidence 王");
    const text = r.pages.join("\n");
    for (const s of ["Evidence: Q4 review", "Zoë Łukasz", "王伟", "Ğül Øre", "Straße", "Ñúñez", "“quoted”", "indented", "Page 1 of 1"]) expect(text).toContain(s);
  });

  it("breaks long content into pages and numbers every page", async () => {
    const lines = Array.from({ length: 200 }, (_, i) => `Line number ${i + 1}`);
    const r = await readPdf(await renderPdf(lines));
    expect(r.pages.length).toBeGreaterThan(2);
    expect(r.pages[0]).toContain("Line number 1");
    expect(r.pages.at(-1)).toContain(`Page ${r.pages.length} of ${r.pages.length}`);
    expect(r.pages.join("\n")).toContain("Line number 200");
  });

  it("wraps a long line instead of cutting it", async () => {
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const r = await readPdf(await renderPdf([long]));
    const text = r.pages[0]!.replace(/\s+/g, " ");
    expect(text).toContain("word0 word1");
    expect(text).toContain("word59");
  });

  it("control characters become spaces; runs split by the font that has the glyphs", () => {
    expect(pdfSafeText("a\u0000b\u0085c\td")).toBe("a b c d");
    const latinOnly = (script: "latin" | "cjk", cp: number) => (script === "latin" ? cp < 0x2e80 : true);
    expect(splitRuns("Zoë 王伟 x", latinOnly)).toEqual([
      { text: "Zoë ", script: "latin" },
      { text: "王伟", script: "cjk" },
      { text: " x", script: "latin" },
    ]);
  });
});

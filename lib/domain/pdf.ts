/**
 * A minimal PDF 1.4 writer (pure): lines of text → a multi-page A4 document in the standard Helvetica and
 * Helvetica-Bold fonts (no embedding), WinAnsi encoding, simple word wrap, "Page n of N" footers, a correct
 * cross-reference table and trailer.
 *
 * Text outside Latin-1 (and the C1 range 0x80–0x9F, which WinAnsi maps to other glyphs) becomes "?"; control
 * characters become spaces; "\", "(" and ")" are escaped inside string literals. Every byte of the output is
 * therefore one character of a Latin-1 string, which keeps the xref offsets simple: offset = string length.
 */

export type PdfLine =
  | string
  | {
      text: string;
      bold?: boolean;
      /** Font size in points. Default 10. */
      size?: number;
      /** Extra space before the line, in points. */
      spaceBefore?: number;
      /** Left indent in points (wrapped continuation lines keep it). */
      indent?: number;
    };

export type PdfOptions = { title?: string; author?: string; creationDate?: Date };

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 50;
const FOOTER_Y = 30;
const DEFAULT_SIZE = 10;

/** Latin-1/WinAnsi-safe text: control characters → space; beyond Latin-1 or in 0x80–0x9F → "?". */
export function pdfSafeText(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || c === 0x7f) out += " ";
    else if (c > 0xff || (c >= 0x80 && c <= 0x9f)) out += "?";
    else out += ch;
  }
  return out;
}

/** A PDF string literal body: backslash and parentheses escaped. Input must already be pdfSafeText. */
export function escapePdfString(s: string): string {
  return s.replace(/[\\()]/g, (m) => `\\${m}`);
}

// Approximate Helvetica advance widths (in 1/1000 em), enough for wrapping.
const NARROW = new Set("ijl.,;:'!|`ft[]()I ".split(""));
const SEMI = new Set("r-\"*".split(""));
const WIDE = new Set("mwMW@%".split(""));
function charWidth(ch: string, bold: boolean): number {
  let w: number;
  if (NARROW.has(ch)) w = 278;
  else if (SEMI.has(ch)) w = 333;
  else if (WIDE.has(ch)) w = 889;
  else if (ch >= "A" && ch <= "Z") w = 690;
  else if (ch >= "0" && ch <= "9") w = 556;
  else w = 556;
  return bold ? w * 1.06 : w;
}

export function textWidth(s: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch, bold);
  return (w * size) / 1000;
}

/** Word wrap to `max` points; words longer than a line are cut. */
export function wrapText(text: string, max: number, size: number, bold = false): string[] {
  const words = text.split(/ +/);
  const out: string[] = [];
  let cur = "";
  const push = () => {
    out.push(cur);
    cur = "";
  };
  for (let word of words) {
    const candidate = cur ? `${cur} ${word}` : word;
    if (textWidth(candidate, size, bold) <= max) {
      cur = candidate;
      continue;
    }
    if (cur) push();
    while (textWidth(word, size, bold) > max) {
      let n = 1;
      while (n < word.length && textWidth(word.slice(0, n + 1), size, bold) <= max) n++;
      out.push(word.slice(0, n));
      word = word.slice(n);
    }
    cur = word;
  }
  if (cur || out.length === 0) out.push(cur);
  return out;
}

type Placed = { text: string; bold: boolean; size: number; x: number; y: number };

/** Lay the lines out on pages (top to bottom, new page when the next line would fall into the footer). */
export function layoutPages(lines: PdfLine[]): Placed[][] {
  const pages: Placed[][] = [[]];
  const top = PAGE_H - MARGIN;
  const bottom = MARGIN + 10;
  let y = top;
  for (const l of lines) {
    const spec = typeof l === "string" ? { text: l } : l;
    const size = spec.size ?? DEFAULT_SIZE;
    const bold = spec.bold ?? false;
    const indent = spec.indent ?? 0;
    const leading = size * 1.35;
    const safe = pdfSafeText(spec.text);
    const parts = wrapText(safe, PAGE_W - 2 * MARGIN - indent, size, bold);
    let gap = spec.spaceBefore ?? 0;
    for (const part of parts) {
      if (y - gap - leading < bottom) {
        pages.push([]);
        y = top;
        gap = 0;
      }
      y -= gap + leading;
      gap = 0;
      pages[pages.length - 1]!.push({ text: part, bold, size, x: MARGIN + indent, y });
    }
  }
  return pages;
}

const num = (n: number) => (Math.round(n * 100) / 100).toString();

function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** Render lines of text to PDF 1.4 bytes. */
export function renderPdf(lines: PdfLine[], opts: PdfOptions = {}): Uint8Array {
  const pages = layoutPages(lines);
  const n = pages.length;
  // Object numbers: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then (page, content) pairs.
  const pageObj = (i: number) => 6 + 2 * i;
  const contentObj = (i: number) => 7 + 2 * i;
  const objects: string[] = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${pages.map((_, i) => `${pageObj(i)} 0 R`).join(" ")}] /Count ${n} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  objects[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>";
  const info = [`/Producer (${escapePdfString("Gatehouse")})`, `/CreationDate (${pdfDate(opts.creationDate ?? new Date())})`];
  if (opts.title) info.push(`/Title (${escapePdfString(pdfSafeText(opts.title))})`);
  if (opts.author) info.push(`/Author (${escapePdfString(pdfSafeText(opts.author))})`);
  objects[5] = `<< ${info.join(" ")} >>`;
  pages.forEach((placed, i) => {
    const ops: string[] = [];
    for (const p of placed) ops.push(`BT /${p.bold ? "F2" : "F1"} ${num(p.size)} Tf ${num(p.x)} ${num(p.y)} Td (${escapePdfString(p.text)}) Tj ET`);
    const footer = `Page ${i + 1} of ${n}`;
    ops.push(`BT /F1 8 Tf ${num(PAGE_W - MARGIN - textWidth(footer, 8))} ${FOOTER_Y} Td (${footer}) Tj ET`);
    const stream = ops.join("\n");
    objects[pageObj(i)] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(PAGE_W)} ${num(PAGE_H)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${contentObj(i)} 0 R >>`;
    objects[contentObj(i)] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });

  // Binary comment line (bytes > 127) tells transfer tools the file is binary.
  let out = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = out.length;
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objects.length; i++) out += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;

  const bytes = new Uint8Array(out.length);
  for (let i = 0; i < out.length; i++) bytes[i] = out.charCodeAt(i) & 0xff;
  return bytes;
}

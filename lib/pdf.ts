/**
 * PDF rendering through pdfkit (a well-kept PDF library) with embedded, subsetted Unicode fonts: DejaVu Sans
 * (Latin with every European diacritic, Greek, Cyrillic, many symbols) and, only when the text needs it, Noto
 * Sans Hans for Chinese/Japanese ideographs. Each line is cut into runs by which font has the glyphs, so
 * "Zoë Łukasz" and "王伟" render as written. Lines wrap to the page width; pages get "Page n of N" footers.
 *
 * Fonts come from npm packages (dejavu-fonts-ttf, @embedpdf/fonts-sc) and are read from node_modules at run
 * time (next.config.js keeps pdfkit and fontkit out of the bundle).
 */
import fs from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";

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

const MARGIN = 50;
const FOOTER_SIZE = 8;
const DEFAULT_SIZE = 10;

function fontFile(pkg: string, rel: string): string {
  const file = path.join(process.cwd(), "node_modules", pkg, rel);
  if (!fs.existsSync(file)) throw new Error(`Font file ${pkg}/${rel} is missing: run npm install in the project folder`);
  return file;
}

type FontSet = { regular: string; bold: string };
const FONTS = {
  latin: { pkg: "dejavu-fonts-ttf", regular: "ttf/DejaVuSans.ttf", bold: "ttf/DejaVuSans-Bold.ttf" },
  cjk: { pkg: "@embedpdf/fonts-sc", regular: "fonts/NotoSansHans-Regular.otf", bold: "fonts/NotoSansHans-Bold.otf" },
} as const;
type Script = keyof typeof FONTS;

let files: Record<Script, FontSet> | null = null;
const fontFiles = () =>
  (files ??= {
    latin: { regular: fontFile(FONTS.latin.pkg, FONTS.latin.regular), bold: fontFile(FONTS.latin.pkg, FONTS.latin.bold) },
    cjk: { regular: fontFile(FONTS.cjk.pkg, FONTS.cjk.regular), bold: fontFile(FONTS.cjk.pkg, FONTS.cjk.bold) },
  });

/** Control characters (C0, DEL, C1) become spaces; everything else is kept for the fonts to draw. */
export function pdfSafeText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, " ").replace(/[\t\n\r]/g, " ");
}

type Run = { text: string; script: Script };

/**
 * Cut text into runs by font: a character goes to the first font that has a glyph for it (DejaVu, then Noto
 * Sans Hans); a character neither has stays in the Latin run (drawn as the font's missing-glyph box).
 */
export function splitRuns(text: string, has: (script: Script, cp: number) => boolean): Run[] {
  const runs: Run[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const script: Script = cp < 0x2e80 || has("latin", cp) || !has("cjk", cp) ? "latin" : "cjk";
    const last = runs[runs.length - 1];
    if (last && last.script === script) last.text += ch;
    else runs.push({ text: ch, script });
  }
  return runs;
}

type Doc = InstanceType<typeof PDFDocument>;

export async function renderPdf(lines: PdfLine[], opts: PdfOptions = {}): Promise<Uint8Array> {
  const f = fontFiles();
  const doc: Doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    autoFirstPage: true,
    font: f.latin.regular,
    info: { Title: opts.title ?? "", Author: opts.author ?? "", Creator: "Gatehouse", CreationDate: opts.creationDate ?? new Date() },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });

  doc.registerFont("latin", f.latin.regular);
  doc.registerFont("latin-bold", f.latin.bold);
  let cjkReady = false;
  const fontOf = (script: Script, bold: boolean) => {
    if (script === "cjk" && !cjkReady) {
      doc.registerFont("cjk", f.cjk.regular);
      doc.registerFont("cjk-bold", f.cjk.bold);
      cjkReady = true;
    }
    return `${script}${bold ? "-bold" : ""}`;
  };
  // Glyph coverage, asked of the font objects pdfkit loads (fontkit), cached per code point.
  const cover = new Map<string, boolean>();
  const has = (script: Script, cp: number) => {
    const k = `${script}:${cp}`;
    let v = cover.get(k);
    if (v === undefined) {
      doc.font(fontOf(script, false));
      const font = (doc as unknown as { _font: { font?: { hasGlyphForCodePoint(cp: number): boolean } } })._font.font;
      v = font ? font.hasGlyphForCodePoint(cp) : script === "latin";
      cover.set(k, v);
    }
    return v;
  };

  const width = doc.page.width - 2 * MARGIN;
  for (const raw of lines) {
    const l = typeof raw === "string" ? { text: raw } : raw;
    const size = l.size ?? DEFAULT_SIZE;
    const indent = l.indent ?? 0;
    if (l.spaceBefore) doc.y += l.spaceBefore;
    const text = pdfSafeText(l.text);
    const runs = splitRuns(text.length ? text : " ", has);
    runs.forEach((r, i) => {
      doc.font(fontOf(r.script, Boolean(l.bold))).fontSize(size);
      const continued = i < runs.length - 1;
      if (i === 0) doc.text(r.text, MARGIN + indent, doc.y, { width: width - indent, continued, lineGap: 1 });
      else doc.text(r.text, { continued, lineGap: 1 });
    });
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("latin").fontSize(FOOTER_SIZE).text(`Page ${i + 1 - range.start} of ${range.count}`, MARGIN, doc.page.height - 30, { width, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

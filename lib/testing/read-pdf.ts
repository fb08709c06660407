/**
 * Read a PDF back with pdf.js (Mozilla's reader) in tests: per page, its text; and the document title.
 * pdf.js expects Node 22's Promise.withResolvers; the project supports Node 20, so it is supplied here.
 */
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export async function readPdf(bytes: Uint8Array): Promise<{ pages: string[]; text: string; title: string | undefined }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: bytes.slice(), useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(content.items.map((it) => ("str" in it ? it.str + (it.hasEOL ? "\n" : "") : "")).join(""));
  }
  const meta = await doc.getMetadata();
  await doc.cleanup();
  return { pages, text: pages.join("\n"), title: (meta.info as { Title?: string }).Title };
}

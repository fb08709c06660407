/**
 * RFC 4180 CSV parsing, shared by every importer (HR snapshots, role-mining files, risk data).
 *
 * Input: the whole file as text. Handles a BOM, quoted fields with commas, newlines and doubled
 * quotes, LF/CRLF, a missing final newline; skips blank lines. Output: records with the 1-based
 * line number each starts on (for "row 12, column email" messages). Throws CsvError on an
 * unterminated quote. O(length), one pass.
 */
export class CsvError extends Error {
  constructor(
    message: string,
    public readonly line: number,
    public readonly column?: string,
  ) {
    super(message);
    this.name = "CsvError";
  }
  /** The file line the bad row starts on (alias used by report messages). */
  get row(): number {
    return this.line;
  }
}

export type CsvRecord = { line: number; fields: string[] };

export function parseCsvRecords(text: string, delimiter = ","): CsvRecord[] {
  const out: CsvRecord[] = [];
  const d = delimiter.charCodeAt(0);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let startLine = 1;
  let field = "";
  let fields: string[] = [];
  let started = false;
  let inQuotes = false;
  let quoteLine = 0;
  const end = () => {
    if (started || fields.length > 0) {
      fields.push(field);
      out.push({ line: startLine, fields });
    }
    fields = [];
    field = "";
    started = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (c === 10) line++;
      field += text[i++];
      continue;
    }
    if (!started && fields.length === 0) startLine = line;
    if (c === 34 && field === "") {
      inQuotes = true;
      quoteLine = line;
      started = true;
      i++;
    } else if (c === d) {
      fields.push(field);
      field = "";
      started = true;
      i++;
    } else if (c === 13 || c === 10) {
      end();
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      i++;
      line++;
    } else {
      field += text[i++];
      started = true;
    }
  }
  if (inQuotes) throw new CsvError(`Unterminated quoted field starting on line ${quoteLine}`, quoteLine);
  end();
  return out;
}

/** Header + rows as objects keyed by the header names (trimmed). */
export function parseCsvObjects(text: string): { header: string[]; rows: Array<{ line: number; values: Record<string, string> }> } {
  const recs = parseCsvRecords(text);
  if (recs.length === 0) return { header: [], rows: [] };
  const header = recs[0].fields.map((h) => h.trim());
  const rows = recs.slice(1).map((r) => {
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = (r.fields[j] ?? "").trim()));
    return { line: r.line, values };
  });
  return { header, rows };
}

/**
 * Formula (CSV) injection: a spreadsheet runs a cell that starts with = + - @ (or a tab / carriage return that it
 * strips first) as a formula. As OWASP recommends, such a TEXT cell is prefixed with a single quote (shown as text,
 * the value otherwise intact) and always quoted. Numbers (typeof number/bigint) are left as they are: -3 is data.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

export function csvEscape(v: unknown): string {
  const raw = v === null || v === undefined ? "" : String(v);
  const numeric = typeof v === "number" || typeof v === "bigint";
  const s = numeric ? raw : neutraliseFormula(raw);
  return s !== raw || /[",\r\n\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return toCsvRows([header, ...rows]);
}

export function toCsvRows(rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  return rows.map((r) => r.map(csvEscape).join(",")).join("\n") + "\n";
}

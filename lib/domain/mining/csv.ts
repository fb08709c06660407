/**
 * Small RFC 4180 CSV parser and writer.
 *
 * Inputs:  CSV text (optional UTF-8 BOM, LF or CRLF line ends, quoted fields with "" escapes,
 *          commas and line breaks inside quotes).
 * Outputs: rows of string fields; empty lines are skipped. `line` gives the 1-based physical line
 *          where each row starts (for error messages).
 * Complexity: O(length of the text), one pass.
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly row?: number,
    readonly column?: string,
  ) {
    super(message);
    this.name = "CsvError";
  }
}

export interface CsvRow {
  fields: string[];
  line: number;
}

export function parseCsv(text: string): CsvRow[] {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const rows: CsvRow[] = [];
  let line = 1;
  let fields: string[] = [];
  let field = "";
  let rowLine = 1;
  let sawAny = false;
  const endRow = (): void => {
    fields.push(field);
    if (sawAny || fields.length > 1 || field !== "") rows.push({ fields, line: rowLine });
    fields = [];
    field = "";
    sawAny = false;
  };
  while (i < n) {
    const ch = text[i];
    if (ch === '"' && field === "" && !sawAnyInField(fields, field)) {
      // quoted field
      i++;
      sawAny = true;
      const startLine = line;
      for (;;) {
        if (i >= n) throw new CsvError(`row starting on line ${startLine}: unterminated quoted field`, startLine);
        const c = text[i];
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "\n") line++;
        field += c;
        i++;
      }
      // after the closing quote: skip spaces until a separator
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r")
        throw new CsvError(`line ${line}: unexpected character after a closing quote`, line);
      continue;
    }
    if (ch === ",") {
      fields.push(field);
      field = "";
      sawAny = true;
      i++;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRow();
      if (ch === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
      rowLine = line;
      continue;
    }
    field += ch;
    sawAny = true;
    i++;
  }
  if (field !== "" || fields.length) endRow();
  return rows;
}

// A quote only opens a quoted field at the start of a field.
function sawAnyInField(_fields: string[], field: string): boolean {
  return field.length > 0;
}

export function csvEscape(value: string | number | boolean | null | undefined): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return rows.map((r) => r.map(csvEscape).join(",")).join("\r\n") + "\r\n";
}

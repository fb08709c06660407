/**
 * Minimal RFC 4180 CSV parsing and writing, as pure functions over text.
 *
 * Inputs: the whole file as a string (UTF-8 already decoded). Handles a leading BOM, quoted fields with
 * embedded commas / newlines / doubled quotes (""), LF and CRLF line ends, and a missing final newline.
 * Blank lines are skipped. Outputs: { header, rows } with every field as a string (no type guessing:
 * the risk model treats all values as categories).
 * Complexity: O(length of text), one pass, no regular expressions.
 */

export type CsvTable = { header: string[]; rows: string[][] };

export function parseCsv(text: string): CsvTable {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  if (n > 0 && text.charCodeAt(0) === 0xfeff) i = 1;
  let inQuotes = false;
  let fieldStarted = false; // distinguishes an empty line from a line holding one empty field
  const endRecord = () => {
    if (fieldStarted || record.length > 0) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = "";
    fieldStarted = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34 /* " */) {
        if (i + 1 < n && text.charCodeAt(i + 1) === 34) {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      // take the run of ordinary characters at once
      let j = i + 1;
      while (j < n && text.charCodeAt(j) !== 34) j++;
      field += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === 44 /* , */) {
      record.push(field);
      field = "";
      fieldStarted = true;
      i++;
    } else if (c === 10 /* \n */) {
      endRecord();
      i++;
    } else if (c === 13 /* \r */) {
      endRecord();
      i += i + 1 < n && text.charCodeAt(i + 1) === 10 ? 2 : 1;
    } else if (c === 34 && field.length === 0) {
      inQuotes = true;
      fieldStarted = true;
      i++;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 44 || d === 10 || d === 13) break;
        j++;
      }
      field += text.slice(i, j);
      fieldStarted = true;
      i = j;
    }
  }
  if (inQuotes) throw new Error("CSV: unterminated quoted field at end of input");
  endRecord();
  if (records.length === 0) throw new Error("CSV: no header row");
  const header = records[0].map((h) => h.trim());
  return { header, rows: records.slice(1) };
}

/** Quote a field only when it needs it. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * CSV for the risk model's command line: the shared RFC 4180 parser (lib/domain/csv.ts) as a
 * header + rows table. Every field stays a string: the model treats all values as categories.
 */
import { csvEscape, parseCsvRecords } from "../csv";

export type CsvTable = { header: string[]; rows: string[][] };

export function parseCsv(text: string): CsvTable {
  const records = parseCsvRecords(text);
  if (records.length === 0) throw new Error("CSV: no header row");
  return { header: records[0].fields.map((h) => h.trim()), rows: records.slice(1).map((r) => r.fields) };
}

/** Quote a field only when it needs it. */
export const csvField = (value: string): string => csvEscape(value);

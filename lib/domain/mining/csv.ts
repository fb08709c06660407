/**
 * CSV for the role-mining report: the shared RFC 4180 parser of lib/domain/csv.ts under the
 * names this module's callers use.
 */
export { CsvError, csvEscape, parseCsvRecords as parseCsv, toCsvRows as toCsv, type CsvRecord as CsvRow } from "../csv";

/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field that
 * holds a comma, a double quote, CR or LF enclosed in double quotes with its quotes doubled.
 * Pure, so the reports' encoding is tested without S3.
 *
 * Text a spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@`, tab or CR: OWASP's
 * "CSV injection") is prefixed with `'`, unless it is a plain number: a partner's reference
 * `=HYPERLINK(…)` opens as text, a negative amount `-1500` stays a number.
 */

/** One cell: text, a number, a boolean (`true`/`false`), or nothing (an empty field). */
export type Cell = string | number | bigint | boolean | null | undefined;

const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, escaped. */
export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, with its CRLF. */
export function csvRecord(values: readonly Cell[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** A report's columns: the header name and how a row gives its cell. */
export interface Column<T> {
  name: string;
  value: (row: T) => Cell;
}

export const csvHeader = <T>(columns: readonly Column<T>[]) => csvRecord(columns.map((c) => c.name));

export const csvRow = <T>(columns: readonly Column<T>[], row: T) => csvRecord(columns.map((c) => c.value(row)));

/**
 * Parses CSV text (RFC 4180, as written above) back to records: for tests and for clients'
 * examples. Quoted fields may hold commas, quotes (doubled) and line breaks.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

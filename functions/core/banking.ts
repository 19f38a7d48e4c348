/**
 * Bank statement rules (journey-api.txt, Trigger Banking API): statements must cover the
 * months before the last completed one, and must be what they say they are. Pure: the text of
 * the statement in, a verdict out.
 */
import { addMonths, daysInMonth, type IsoDate, parts } from './loans/dates.ts';

export const STATEMENT_MONTHS = 6;

/** Today 05/09/2024 -> last completed month 08/2024 -> accepted 01/03/2024 to 31/08/2024. */
export function acceptedRange(today: IsoDate, months = STATEMENT_MONTHS): { from: IsoDate; to: IsoDate } {
  const { y, m } = parts(today);
  const firstOfThisMonth = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`;
  const lastMonth = addMonths(firstOfThisMonth, -1);
  const { y: ly, m: lm } = parts(lastMonth);
  return {
    from: addMonths(firstOfThisMonth, -months),
    to: `${String(ly).padStart(4, '0')}-${String(lm).padStart(2, '0')}-${String(daysInMonth(ly, lm)).padStart(2, '0')}`,
  };
}

/** Dates written DD/MM/YYYY or DD-MM-YYYY in the text, as ISO dates (invalid ones skipped). */
export function datesIn(text: string): IsoDate[] {
  const out: IsoDate[] = [];
  for (const m of text.matchAll(/\b(\d{2})[/-](\d{2})[/-](\d{4})\b/g)) {
    const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) {
      out.push(`${m[3]}-${m[2]}-${m[1]}`);
    }
  }
  return out;
}

/**
 * What kind of account a statement says it is for. An "Account type" label naming a kind
 * decides; otherwise the words the statement uses. A statement that names no kind is UNKNOWN:
 * many do not, and the analyser refuses only what it knows to be wrong.
 */
export function accountKind(text: string): 'SAVINGS' | 'OTHER' | 'UNKNOWN' {
  const label = /\b(?:account|a\/c|acct)\.?\s*type\s*[:-]?\s*([a-z][a-z/ .]*)/i.exec(text)?.[1]?.trim() ?? '';
  if (/^(?:savings?|sb)\b/i.test(label)) return 'SAVINGS';
  if (/^(?:current|ca|od|overdraft|cc|cash\s+credit)\b/i.test(label)) return 'OTHER';
  if (/\bsavings?\b|\bsb\s*a\/?c\b/i.test(text)) return 'SAVINGS';
  if (/\bcurrent\s+(?:account|a\/?c)\b|\boverdraft\b|\bcash\s+credit\b/i.test(text)) return 'OTHER';
  return 'UNKNOWN';
}

export type StatementVerdict =
  | { ok: true; transactionsInRange: number; firstDate: IsoDate; lastDate: IsoDate }
  | { ok: false; errorCode: string; errorMessage: string };

/** The analyser's checks on a statement's text, in the spec's error codes, in the order they are made. */
export function checkStatement(
  text: string,
  bank: { name: string; fullName: string },
  today: IsoDate,
): StatementVerdict {
  if (text.replace(/\s+/g, '').length < 20)
    return { ok: false, errorCode: 'PDF_IS_IMAGE', errorMessage: 'Scanned images are not supported' };
  const lower = text.toLowerCase();
  if (!lower.includes(bank.fullName.toLowerCase()) && !new RegExp(`\\b${bank.name.toLowerCase()}\\b`).test(lower)) {
    return { ok: false, errorCode: 'BANK_NAME_MISMATCH', errorMessage: `Not ${bank.name} bank statement` };
  }
  // The spec's VALIDATION_ERROR: the analysis is of a savings account (current, overdraft and
  // cash-credit accounts are a business's, and read differently).
  if (accountKind(text) === 'OTHER') {
    return { ok: false, errorCode: 'VALIDATION_ERROR', errorMessage: 'Savings account statement not used' };
  }
  const range = acceptedRange(today);
  const inRange = datesIn(text)
    .filter((d) => d >= range.from && d <= range.to)
    .sort();
  if (inRange.length === 0) {
    return { ok: false, errorCode: 'OUT_OF_DATE_RANGE', errorMessage: 'No transactions in expected date range' };
  }
  return {
    ok: true,
    transactionsInRange: inRange.length,
    firstDate: inRange[0] as IsoDate,
    lastDate: inRange.at(-1) as IsoDate,
  };
}

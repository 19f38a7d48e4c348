/**
 * Money as integer minor units (bigint), never floats. Each currency has its precision; IDR
 * is quoted without decimals in practice (DOMAIN.md), INR and USD with two.
 */
import { ValidationError } from '../errors.ts';

export const CURRENCY_PRECISION = { IDR: 0, INR: 2, USD: 2 } as const;
export type Currency = keyof typeof CURRENCY_PRECISION;

export type RoundingMode = 'half_even' | 'half_up' | 'down' | 'up';

/** a / b rounded to an integer (b > 0). Half-even by default, as Fineract (and banks) round. */
export function divRound(a: bigint, b: bigint, mode: RoundingMode = 'half_even'): bigint {
  if (b <= 0n) throw new RangeError('divisor must be positive');
  const negative = a < 0n;
  const abs = negative ? -a : a;
  let q = abs / b;
  const r = abs % b;
  if (r !== 0n) {
    const twice = 2n * r;
    const roundUp =
      mode === 'up' ||
      (mode === 'half_up' && twice >= b) ||
      (mode === 'half_even' && (twice > b || (twice === b && q % 2n === 1n)));
    if (roundUp) q += 1n;
  }
  return negative ? -q : q;
}

/**
 * Parses a major-unit amount exactly ("17.25", 17.25, 10000000) into minor units. More
 * decimals than the currency has is an error, not a silent rounding.
 */
export function toMinor(amount: number | string, currency: Currency, field = 'amount'): bigint {
  const text = typeof amount === 'number' ? numberToPlainString(amount) : amount.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new ValidationError([{ field, message: 'must be a decimal number' }]);
  const [, sign, whole = '0', fraction = ''] = match;
  const precision = CURRENCY_PRECISION[currency];
  const trimmed = fraction.replace(/0+$/, '');
  if (trimmed.length > precision) {
    throw new ValidationError([{ field, message: `has more than ${precision} decimal places for ${currency}` }]);
  }
  const minor = BigInt(whole + trimmed.padEnd(precision, '0'));
  return sign ? -minor : minor;
}

/** Minor units as a decimal string in major units ("17.25", "10000000"): exact, for output. */
export function formatMajor(minor: bigint, currency: Currency): string {
  const precision = CURRENCY_PRECISION[currency];
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(precision + 1, '0');
  const whole = digits.slice(0, digits.length - precision);
  const fraction = precision ? `.${digits.slice(-precision)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A JS number as its plain decimal text (no exponent), e.g. 1e21 -> "1000000000000000000000". */
export function numberToPlainString(n: number): string {
  if (!Number.isFinite(n)) throw new ValidationError([{ field: 'amount', message: 'must be a finite number' }]);
  const text = String(n);
  if (!/e/i.test(text)) return text;
  const [mantissa = '0', exp = '0'] = text.toLowerCase().split('e');
  const e = Number(exp);
  const negative = mantissa.startsWith('-');
  const [int = '0', frac = ''] = mantissa.replace('-', '').split('.');
  const digits = int + frac;
  const point = int.length + e;
  const out =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + out;
}

/** Splits `total` into `parts` integer shares; the last absorbs the remainder (sum is exact). */
export function splitEvenly(total: bigint, parts: number, mode: RoundingMode = 'half_even'): bigint[] {
  if (parts < 1) return [];
  let share = divRound(total, BigInt(parts), mode);
  // Rounding up must never leave the last share negative (3 split 5 ways is 0,0,0,0,3).
  if (share * BigInt(parts - 1) > total) share = total / BigInt(parts);
  const out = Array.from({ length: parts }, () => share);
  out[parts - 1] = total - share * BigInt(parts - 1);
  return out;
}

/** Exact rates: a decimal like 9.4822 becomes 94822/10000; products stay exact as bigint fractions. */
import { ValidationError } from '../errors.ts';
import { numberToPlainString } from './money.ts';

export interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x || 1n;
}

export function rational(num: bigint, den = 1n): Rational {
  if (den === 0n) throw new RangeError('zero denominator');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den);
  return { num: (sign * num) / g, den: (sign * den) / g };
}

/** Parses a decimal (number or string) exactly. */
export function parseDecimal(value: number | string, field: string): Rational {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new ValidationError([{ field, message: 'must be a decimal number' }]);
  const [, sign, whole = '0', fraction = ''] = match;
  const num = BigInt(`${sign}${whole}${fraction}`);
  return rational(num, 10n ** BigInt(fraction.length));
}

export const add = (a: Rational, b: Rational) => rational(a.num * b.den + b.num * a.den, a.den * b.den);
export const sub = (a: Rational, b: Rational) => rational(a.num * b.den - b.num * a.den, a.den * b.den);
/** Not reduced (no gcd: it is the hot path); {@link fix} bounds the size where products chain. */
export const mul = (a: Rational, b: Rational): Rational => ({ num: a.num * b.num, den: a.den * b.den });
export const div = (a: Rational, b: Rational) => rational(a.num * b.den, a.den * b.num);
export const ONE: Rational = { num: 1n, den: 1n };
export const ZERO: Rational = { num: 0n, den: 1n };

/** The rational as a JS number: for rates shown to people (APR), never for money. */
export const toNumber = (r: Rational) => Number(r.num) / Number(r.den);

/**
 * Keeps a rational's denominator bounded (fixed point at 10^digits, half-even): long products
 * such as Π(1 + r_i) over 360 periods would otherwise grow to thousands of digits.
 */
export function fix(r: Rational, digits = 30): Rational {
  const scale = 10n ** BigInt(digits);
  if (r.den <= scale) return r;
  return { num: roundedQuotient(r.num * scale, r.den), den: scale };
}

/** num / den rounded half-even to an integer (den > 0). */
function roundedQuotient(num: bigint, den: bigint): bigint {
  const q = num / den;
  const rem = num % den;
  const twice = 2n * (rem < 0n ? -rem : rem);
  return twice > den || (twice === den && q % 2n !== 0n) ? q + (num < 0n ? -1n : 1n) : q;
}

/**
 * Fixed-point arithmetic at 10^30 for long products (the EMI's Π(1 + r_k)): no gcd per step,
 * which is what makes 360-period schedules fast; 30 digits is far beyond money's precision.
 */
export const FIXED_SCALE = 10n ** 30n;
export const toFixed30 = (r: Rational): bigint => roundedQuotient(r.num * FIXED_SCALE, r.den);
export const mulFixed30 = (a: bigint, b: bigint): bigint => roundedQuotient(a * b, FIXED_SCALE);

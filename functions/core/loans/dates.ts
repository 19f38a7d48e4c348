/** Calendar dates as ISO `YYYY-MM-DD` strings and day numbers (days since 1970-01-01, UTC): no time zones. */
import { ValidationError } from '../errors.ts';

export type IsoDate = string;

export function dayNumber(date: IsoDate, field = 'date'): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new ValidationError([{ field, message: 'must be a date YYYY-MM-DD' }]);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(y, m - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
    throw new ValidationError([{ field, message: 'is not a calendar date' }]);
  }
  return ms / 86_400_000;
}

export function isoDate(day: number): IsoDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function parts(date: IsoDate): { y: number; m: number; d: number } {
  return { y: Number(date.slice(0, 4)), m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)) };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * `anchor` plus `months`, keeping the anchor's day of month where the month has it and the
 * month's last day where it does not: 31 Jan -> 29 Feb (2024) -> 31 Mar, never drifting to 29 Mar.
 */
export function addMonths(anchor: IsoDate, months: number): IsoDate {
  const { y, m, d } = parts(anchor);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(ny, nm));
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return isoDate(dayNumber(date) + days);
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

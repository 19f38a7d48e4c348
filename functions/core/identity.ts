/**
 * Identity numbers and contact details, validated the way the regulators define them.
 * Pure functions: no I/O.
 */
import { isValidPhoneNumber, type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import { MOBILE_METADATA } from './phone-metadata.ts';

/** libphonenumber's mobile metadata for the countries served only (see scripts/phone-metadata.ts). */
const metadata = MOBILE_METADATA as unknown as MetadataJson;

export interface NikInfo {
  provinceCode: string;
  regencyCode: string;
  districtCode: string;
  /** Day and month of birth; the year is given as two digits because the century is ambiguous. */
  birthDay: number;
  birthMonth: number;
  birthYear2: number;
  gender: 'MALE' | 'FEMALE';
  serial: string;
}

/**
 * Decodes an Indonesian NIK (Nomor Induk Kependudukan): PP KK DD DDMMYY SSSS, women's day
 * of birth + 40. Returns the reason when it is not a NIK.
 * Reference: python-stdnum `stdnum/id/nik.py`; Permendagri 72/2019 region codes (11..94).
 */
export function parseNik(value: string): { ok: true; info: NikInfo } | { ok: false; reason: string } {
  if (!/^\d{16}$/.test(value)) return { ok: false, reason: 'must be exactly 16 digits' };
  const province = Number(value.slice(0, 2));
  if (province < 11 || province > 94) return { ok: false, reason: 'has an unknown province code' };
  if (value.slice(2, 4) === '00' || value.slice(4, 6) === '00') {
    return { ok: false, reason: 'has an invalid regency or district code' };
  }
  let day = Number(value.slice(6, 8));
  const gender = day > 40 ? 'FEMALE' : 'MALE';
  if (day > 40) day -= 40;
  const month = Number(value.slice(8, 10));
  const year2 = Number(value.slice(10, 12));
  if (month < 1 || month > 12) return { ok: false, reason: 'has an invalid birth month' };
  // Feb 29 is allowed: with a two-digit year, a leap year can always be found.
  const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day < 1 || day > daysInMonth) return { ok: false, reason: 'has an invalid birth date' };
  if (value.slice(12) === '0000') return { ok: false, reason: 'has an invalid serial number' };
  return {
    ok: true,
    info: {
      provinceCode: value.slice(0, 2),
      regencyCode: value.slice(2, 4),
      districtCode: value.slice(4, 6),
      birthDay: day,
      birthMonth: month,
      birthYear2: year2,
      gender,
      serial: value.slice(12),
    },
  };
}

/**
 * Normalises a mobile number to E.164 for a country (default Indonesia), or null when it is
 * not a mobile number there. libphonenumber's mobile metadata rejects landlines and
 * unassigned prefixes such as 0840… that naive regexes accept.
 */
export function normaliseMobile(value: string, country: 'ID' | 'IN' = 'ID'): string | null {
  const trimmed = value.replace(/[\s-]/g, '');
  // "62812…" without the plus is common in Indonesian data; treat it as international.
  const candidate = country === 'ID' && /^62\d{9,13}$/.test(trimmed) ? `+${trimmed}` : trimmed;
  if (!isValidPhoneNumber(candidate, country, metadata)) return null;
  const parsed = parsePhoneNumberFromString(candidate, country, metadata);
  if (!parsed || parsed.country !== country) return null;
  return parsed.number;
}

/** Masks all but the last `visible` characters: for logs and display of PII. */
export function maskTail(value: string, visible = 4): string {
  if (value.length <= visible) return '*'.repeat(value.length);
  return '*'.repeat(value.length - visible) + value.slice(-visible);
}

/** PAN: AAAAA9999A; the fourth letter is the holder type (P individual, C company, …). */
export const PAN_PATTERN = /^[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]$/;
/** IFSC: four letters (the bank), a zero, six letters or digits (the branch). */
export const IFSC_PATTERN = /^[A-Z]{4}0[A-Z0-9]{6}$/;
/** Indian PIN code: six digits, not starting with 0. */
export const PINCODE_PATTERN = /^[1-9][0-9]{5}$/;

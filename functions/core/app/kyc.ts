/**
 * The borrower app's KYC rules: what an OCR preview of a KTP must agree with, and the face
 * match threshold. Pure.
 */
import { parseNik } from '../identity.ts';

/** The spec's required face-match score (item 3: `required_score: 80.0`). */
export const REQUIRED_FACE_MATCH_SCORE = 80;

export interface KtpPreview {
  nik: string;
  full_name: string;
  birth_place: string;
  birth_date: string;
  gender: 'LAKI-LAKI' | 'PEREMPUAN';
  address: string;
  rt_rw: string;
  village: string;
  district: string;
  city: string;
  province: string;
  marital_status: string;
}

/**
 * The preview's fields that contradict its NIK (DOMAIN.md: the NIK's DDMMYY is the birth
 * date, women's day + 40): `nik` when it is not a NIK at all, `birth_date` when the day,
 * month or two-digit year differ, `gender` when the +40 says otherwise. Empty when consistent.
 */
export function ktpInconsistencies(preview: Pick<KtpPreview, 'nik' | 'birth_date' | 'gender'>): string[] {
  const parsed = parseNik(preview.nik);
  if (!parsed.ok) return ['nik'];
  const { birthDay, birthMonth, birthYear2, gender } = parsed.info;
  const out: string[] = [];
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(preview.birth_date);
  if (!m || Number(m[3]) !== birthDay || Number(m[2]) !== birthMonth || Number(m[1]) % 100 !== birthYear2) {
    out.push('birth_date');
  }
  if ((gender === 'FEMALE') !== (preview.gender === 'PEREMPUAN')) out.push('gender');
  return out;
}

/** A provider's 0..1 score as the spec's percentage with one decimal (0.925 -> 92.5). */
export function scorePercent(score: number): number {
  return Math.round(score * 1000) / 10;
}

/**
 * The spec lets the user correct the OCR's reading of the KTP, not replace the identity KYC
 * verified: the NIK may differ from the one read in at most two digits (a misread), and the
 * schema has already checked that it encodes the birth date (and gender) given.
 */
export function isOcrCorrection(read: string, given: string): boolean {
  if (read.length !== given.length) return false;
  let differences = 0;
  for (let i = 0; i < read.length; i++) if (read[i] !== given[i]) differences++;
  return differences <= MAX_NIK_CORRECTION_DIGITS;
}

const MAX_NIK_CORRECTION_DIGITS = 2;

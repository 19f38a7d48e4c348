/**
 * Reading a KTP photo into the app's OCR preview (item 3's `ocr_preview`), beside the KYC
 * provider port (#providers/kyc) that checks OCR quality, liveness and the face match. The
 * sandbox reads every KTP as the same person, with a NIK that ends in the last four digits
 * of the user's phone, so the provider's NIK magic values (9001 unreadable, 9002 liveness
 * fails, 9003 face mismatch, 9004 outage) are chosen by the phone the developer registers:
 *
 * | phone ends in | outcome |
 * |---|---|
 * | 9001 | KTP unreadable: 422 KTP_UNREADABLE |
 * | 9002 | liveness fails: 422 LOW_FACE_MATCH_SCORE (score 21.0) |
 * | 9003 | selfie does not match: 422 LOW_FACE_MATCH_SCORE (score 34.0) |
 * | 9004 | provider outage: 502, nothing recorded |
 * | 9005 | OCR reads a birth date the NIK contradicts: 422 KTP_DATA_MISMATCH |
 * | 9006 | a woman's KTP (NIK day + 40, gender PEREMPUAN) |
 * | anything else | SYSTEM_VERIFIED, score 95.0 |
 */
import type { KtpPreview } from '#core/app/kyc';
import { NotConfiguredError } from '#core/errors';
import type { Mode } from '#core/tenant';

export const SANDBOX_KTP_MAGIC = {
  '9001': 'KTP unreadable (KTP_UNREADABLE)',
  '9002': 'liveness fails (LOW_FACE_MATCH_SCORE 21.0)',
  '9003': 'selfie does not match the KTP (LOW_FACE_MATCH_SCORE 34.0)',
  '9004': 'provider outage (502)',
  '9005': 'OCR birth date contradicts the NIK (KTP_DATA_MISMATCH)',
  '9006': "a woman's KTP (gender PEREMPUAN, NIK day + 40)",
} as const;

export interface KtpReader {
  read(image: Uint8Array, hint: { phone: string }): Promise<KtpPreview>;
}

const sandboxReader: KtpReader = {
  async read(_image, { phone }) {
    const tail = phone.slice(-4);
    const serial = tail === '0000' ? '0001' : tail;
    const woman = tail === '9006';
    // 28 April 1990: DDMMYY = 280490, women's day + 40.
    const nik = `317101${woman ? '68' : '28'}0490${serial}`;
    return {
      nik,
      full_name: woman ? 'SITI RAHAYU' : 'BUDI SANTOSO',
      birth_place: 'JAKARTA',
      birth_date: tail === '9005' ? '1991-05-12' : '1990-04-28',
      gender: woman ? 'PEREMPUAN' : 'LAKI-LAKI',
      address: 'JL. MERDEKA NO. 17',
      rt_rw: '001/002',
      village: 'GAMBIR',
      district: 'GAMBIR',
      city: 'JAKARTA PUSAT',
      province: 'DKI JAKARTA',
      marital_status: 'BELUM KAWIN',
    };
  },
};

export function ktpReader(mode: Mode): KtpReader {
  if (mode === 'sandbox') return sandboxReader;
  throw new NotConfiguredError('KTP OCR provider');
}

/**
 * The reference lists behind personal-info's ids (`home_ownership_id`, `education_id`,
 * `occupation_id`, `bank_id`, `relationship_id`): data the app shows as pickers, served by
 * GET /api/v1/master-data/{category}. Ids are stable strings; names are in Bahasa
 * Indonesia with English beside. A deployment edits this list (or replaces it with its own
 * store); ids once used must stay.
 */
import { INDONESIAN_BANKS } from '../partner-loans.ts';

export const MASTER_DATA_CATEGORIES = [
  'home-ownerships',
  'educations',
  'occupations',
  'banks',
  'relationships',
] as const;
export type MasterDataCategory = (typeof MASTER_DATA_CATEGORIES)[number];

export interface MasterDataItem {
  id: string;
  name: string;
  name_en: string;
  /** Banks: the disbursement bank code (BCA, MANDIRI…). */
  code?: string;
}

const item = (id: string, name: string, name_en: string, code?: string): MasterDataItem => ({
  id,
  name,
  name_en,
  ...(code ? { code } : {}),
});

export const MASTER_DATA: Record<MasterDataCategory, readonly MasterDataItem[]> = {
  'home-ownerships': [
    item('hom_own', 'Milik Sendiri', 'Owned'),
    item('hom_family', 'Milik Keluarga', 'Family-owned'),
    item('hom_rent', 'Sewa / Kontrak', 'Rented'),
    item('hom_official', 'Rumah Dinas', 'Company housing'),
    item('hom_kos', 'Kos', 'Boarding house'),
  ],
  educations: [
    item('edu_sd', 'SD', 'Primary school'),
    item('edu_smp', 'SMP', 'Junior high school'),
    item('edu_sma', 'SMA / SMK', 'Senior high school'),
    item('edu_d3', 'Diploma (D1-D3)', 'Diploma'),
    item('edu_s1', 'Sarjana (S1 / D4)', "Bachelor's degree"),
    item('edu_s2', 'Magister (S2)', "Master's degree"),
    item('edu_s3', 'Doktor (S3)', 'Doctorate'),
  ],
  occupations: [
    item('occ_private', 'Karyawan Swasta', 'Private employee'),
    item('occ_civil', 'Pegawai Negeri Sipil', 'Civil servant'),
    item('occ_entrepreneur', 'Wiraswasta', 'Entrepreneur'),
    item('occ_professional', 'Profesional', 'Professional'),
    item('occ_student', 'Pelajar / Mahasiswa', 'Student'),
    item('occ_housewife', 'Ibu Rumah Tangga', 'Homemaker'),
    item('occ_other', 'Lainnya', 'Other'),
  ],
  // The banks loans are disbursed to (the partner API's list): `code` is the disbursement bank code.
  banks: Object.entries(INDONESIAN_BANKS).map(([code, bank]) =>
    item(`bnk_${code.toLowerCase()}`, bank.name, bank.name, code),
  ),
  relationships: [
    item('rel_parent', 'Orang Tua', 'Parent'),
    item('rel_spouse', 'Suami / Istri', 'Spouse'),
    item('rel_sibling', 'Saudara Kandung', 'Sibling'),
    item('rel_child', 'Anak', 'Child'),
    item('rel_relative', 'Kerabat', 'Relative'),
    item('rel_friend', 'Teman', 'Friend'),
    item('rel_colleague', 'Rekan Kerja', 'Colleague'),
  ],
};

/** Whether `id` is in the category's list (personal-info checks every reference id). */
export function isMasterDataId(category: MasterDataCategory, id: string): boolean {
  return MASTER_DATA[category].some((i) => i.id === id);
}

export function masterDataItem(category: MasterDataCategory, id: string): MasterDataItem | undefined {
  return MASTER_DATA[category].find((i) => i.id === id);
}

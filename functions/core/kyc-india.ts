/**
 * India KYC rules: reading UIDAI's offline e-KYC XML (OfflinePaperlessKyc/UidData/Poi, Poa)
 * and matching what it says against what the partner sent. Pure: XML text in, facts out.
 */
import { XMLParser } from 'fast-xml-parser';
import { objectAt } from './paths.ts';

export interface AadhaarKyc {
  name: string;
  /** ISO date (the XML has DD-MM-YYYY). */
  dob: string;
  gender: 'MALE' | 'FEMALE' | 'OTHER';
  address: {
    line1: string;
    line2: string;
    locality: string;
    landmark: string;
    city: string;
    district: string;
    state: string;
    pincode: string;
    country: string;
  };
  signed: boolean;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });

/** The identity in an offline e-KYC XML, or null when the file is not one. */
export function parseAadhaarXml(xml: string): AadhaarKyc | null {
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch {
    return null;
  }
  const root = objectAt(doc, 'OfflinePaperlessKyc');
  const poi = objectAt(root, 'UidData', 'Poi');
  const poa = objectAt(root, 'UidData', 'Poa') ?? {};
  if (!poi?.name || !poi.dob) return null;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const [d, m, y] = text(poi.dob).split('-');
  const gender =
    ({ M: 'MALE', F: 'FEMALE' } as Record<string, AadhaarKyc['gender']>)[text(poi.gender).toUpperCase()] ?? 'OTHER';
  return {
    name: text(poi.name),
    dob: `${y}-${m}-${d}`,
    gender,
    address: {
      line1: [poa.house, poa.street].filter(Boolean).map(text).join(', '),
      line2: text(poa.loc),
      locality: text(poa.vtc),
      landmark: text(poa.lm),
      city: text(poa.subdist ?? poa.vtc),
      district: text(poa.dist),
      state: text(poa.state),
      pincode: text(poa.pc),
      country: (text(poa.country) || 'INDIA').toUpperCase(),
    },
    // The signature's presence; verifying it against UIDAI's certificate is the live provider's job.
    signed: Boolean(root && 'Signature' in root),
  };
}

/** Names match when their words match, ignoring case, punctuation, order and honorifics. */
export function namesMatch(a: string, b: string): boolean {
  const words = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z\s]/g, ' ')
      .split(/\s+/)
      .filter((w) => w && !['mr', 'mrs', 'ms', 'dr', 'shri', 'smt'].includes(w))
      .sort()
      .join(' ');
  return words(a) !== '' && words(a) === words(b);
}

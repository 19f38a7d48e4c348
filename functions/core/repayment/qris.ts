/**
 * Dynamic QRIS: Bank Indonesia's national QR standard, which is EMVCo's merchant-presented
 * mode (MPM) QR with Indonesian templates. A QR string is a flat list of TLV data objects:
 * two-digit tag, two-digit length (in characters), value; templates (26-51, 62) nest the same
 * TLV inside their value. Tag 63 closes the string with a CRC-16/CCITT-FALSE over everything
 * before its value (including "6304" itself), so a payer's app rejects a string altered in
 * transit. Pure: the PNG is rendered by `qrcode` (a pure-JS encoder), never by hand.
 *
 * What we emit (a dynamic QR is made for one bill and one amount):
 *   00 "01"            payload format indicator
 *   01 "12"            point of initiation: 12 = dynamic (11 = static, reusable)
 *   26 template        00 globally unique id ("ID.CO.QRIS.WWW" unless the acquirer gives its
 *                      own reverse domain), 01 national merchant PAN (936 + acquirer code +
 *                      merchant number), 02 merchant id, 03 merchant criteria
 *   51 template        optional: 00 "ID.CO.QRIS.WWW", 02 NMID ("ID" + 13 digits, the QRIS
 *                      national merchant id every real QRIS carries), 03 merchant criteria
 *   52 MCC, 53 "360" (IDR), 54 amount (whole rupiah, plain digits), 58 "ID",
 *   59 merchant name (<= 25), 60 city (<= 15), 61 postal code (optional),
 *   62 template        01 bill number: our reference, how a callback finds the bill
 *   63 CRC
 */
import { toBuffer } from 'qrcode';
import { type FieldIssue, ValidationError } from '../errors.ts';
import { toMinor } from '../loans/money.ts';

/** QRIS's per-transaction ceiling (Bank Indonesia): Rp10,000,000. */
export const QRIS_MAX_AMOUNT = 10_000_000n;

/** QRIS merchant criteria: micro, small, medium, large, regular (non-UMKM) business. */
export type QrisMerchantCriteria = 'UMI' | 'UKE' | 'UME' | 'UBE' | 'URE';

export const QRIS_GUI = 'ID.CO.QRIS.WWW';

export interface DynamicQrisInput {
  merchantName: string;
  merchantCity: string;
  /** National merchant PAN from the acquirer: 936 + acquirer code + merchant number, 16-19 digits. */
  merchantPan: string;
  /** The acquirer's merchant id (tag 26 subtag 02), up to 15 characters. */
  merchantId: string;
  /** ISO 18245 merchant category code, 4 digits (a lender collecting repayments: 6012). */
  mcc: string;
  /** IDR, whole rupiah. */
  amount: bigint;
  /** Our reference (tag 62 subtag 01), up to 25 characters. */
  billNumber: string;
  postalCode?: string;
  /** The QRIS NMID ("ID" + 13 digits): when given, tag 51 carries it as real QRIS do. */
  nmid?: string;
  /** Tag 26's globally unique id: the acquirer's reverse domain; default ID.CO.QRIS.WWW. */
  globallyUniqueId?: string;
  /** Default UBE: a licensed lender is not a micro or small business. */
  merchantCriteria?: QrisMerchantCriteria;
}

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor) over the UTF-8
 * bytes of `text`, as 4 upper-case hex digits ("29B1" for "123456789"): EMVCo's tag 63.
 */
export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ byte) & 0xff] ?? 0);
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One TLV data object; lengths count characters (code points), as EMVCo specifies. */
function tlv(tag: string, value: string): string {
  const length = [...value].length;
  if (length > 99) throw new RangeError(`QRIS tag ${tag} is longer than 99 characters`);
  return `${tag}${String(length).padStart(2, '0')}${value}`;
}

/** EMVCo "ans": printable ASCII only, so a character is a byte and every scanner reads it alike. */
const PRINTABLE = /^[\x20-\x7E]+$/;

function checkText(issues: FieldIssue[], field: string, value: string | undefined, max: number): void {
  if (value === undefined || value.length === 0) {
    issues.push({ field, message: 'is required' });
  } else if (!PRINTABLE.test(value)) {
    issues.push({ field, message: 'must be printable ASCII characters' });
  } else if (value.length > max) {
    issues.push({ field, message: `must be at most ${max} characters` });
  }
}

/**
 * A dynamic QRIS string for one bill: the amount is in the QR, so the payer's app cannot
 * change it, and the bill number comes back in the acquirer's callback. Refuses (ValidationError
 * naming each field) anything a QRIS switch would refuse: over-long names, non-ASCII text, a
 * malformed PAN or MCC, and amounts outside 1..Rp10,000,000.
 */
export function buildDynamicQris(input: DynamicQrisInput): string {
  const issues: FieldIssue[] = [];
  checkText(issues, 'merchantName', input.merchantName, 25);
  checkText(issues, 'merchantCity', input.merchantCity, 15);
  checkText(issues, 'merchantId', input.merchantId, 15);
  checkText(issues, 'billNumber', input.billNumber, 25);
  if (!/^936\d{13,16}$/.test(input.merchantPan)) {
    issues.push({ field: 'merchantPan', message: 'must be 16 to 19 digits starting with 936 (the QRIS national PAN)' });
  }
  if (!/^\d{4}$/.test(input.mcc)) issues.push({ field: 'mcc', message: 'must be 4 digits' });
  if (input.postalCode !== undefined && !/^[0-9A-Za-z]{1,10}$/.test(input.postalCode)) {
    issues.push({ field: 'postalCode', message: 'must be 1 to 10 letters or digits' });
  }
  if (input.nmid !== undefined && !/^ID\d{13}$/.test(input.nmid)) {
    issues.push({ field: 'nmid', message: 'must be ID followed by 13 digits' });
  }
  const gui = input.globallyUniqueId ?? QRIS_GUI;
  checkText(issues, 'globallyUniqueId', gui, 32);
  if (input.amount < 1n) issues.push({ field: 'amount', message: 'must be at least Rp1' });
  if (input.amount > QRIS_MAX_AMOUNT) {
    issues.push({ field: 'amount', message: 'exceeds the QRIS per-transaction limit of Rp10,000,000' });
  }
  if (issues.length) throw new ValidationError(issues, 'The QRIS could not be made');

  const criteria = input.merchantCriteria ?? 'UBE';
  const merchantAccount =
    tlv('00', gui) + tlv('01', input.merchantPan) + tlv('02', input.merchantId) + tlv('03', criteria);
  const national = input.nmid ? tlv('51', tlv('00', QRIS_GUI) + tlv('02', input.nmid) + tlv('03', criteria)) : '';
  const body =
    tlv('00', '01') +
    tlv('01', '12') +
    tlv('26', merchantAccount) +
    national +
    tlv('52', input.mcc) +
    tlv('53', '360') +
    tlv('54', input.amount.toString()) +
    tlv('58', 'ID') +
    tlv('59', input.merchantName) +
    tlv('60', input.merchantCity) +
    (input.postalCode ? tlv('61', input.postalCode) : '') +
    tlv('62', tlv('01', input.billNumber)) +
    '6304';
  return body + crc16CcittFalse(body);
}

export interface ParsedQris {
  /** Top-level data objects by tag ("00", "01", "26", …, "63"). */
  tags: Record<string, string>;
  /** Tag 26 (merchant account information) as nested data objects. */
  template26?: Record<string, string>;
  /** Tag 51 (QRIS national merchant repository) as nested data objects. */
  template51?: Record<string, string>;
  /** Tag 62 (additional data) as nested data objects. */
  additional?: Record<string, string>;
  /** Tag 54 in whole rupiah, when tag 53 is 360 (IDR). */
  amount?: bigint;
  /** Tag 62 subtag 01. */
  billNumber?: string;
  /** Tag 63 is last, four hex digits, and equals the CRC of everything before it. */
  crcValid: boolean;
}

/** The TLV list of `text`; throws on a length running past the end or a non-numeric header. */
function parseTlv(text: string, field: string): { tags: Record<string, string>; order: string[] } {
  const chars = [...text];
  const tags: Record<string, string> = {};
  const order: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const header = chars.slice(i, i + 4).join('');
    if (!/^\d{4}$/.test(header)) {
      throw new ValidationError([{ field, message: `has a malformed data object at position ${i}` }]);
    }
    const tag = header.slice(0, 2);
    const length = Number(header.slice(2));
    if (i + 4 + length > chars.length) {
      throw new ValidationError([{ field, message: `tag ${tag} runs past the end of the QR string` }]);
    }
    if (tag in tags) throw new ValidationError([{ field, message: `repeats tag ${tag}` }]);
    tags[tag] = chars.slice(i + 4, i + 4 + length).join('');
    order.push(tag);
    i += 4 + length;
  }
  return { tags, order };
}

/** A nested template, or undefined when the value is not itself TLV (some issuers put opaque data in 26-45). */
function parseTemplate(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTlv(value, 'qr_string').tags;
  } catch {
    return undefined;
  }
}

/**
 * Reads an EMVCo/QRIS string (ours, or one a payer or gateway hands back): its tags, the
 * templates the repayment path needs, the amount and bill number, and whether its CRC holds.
 * A string that is not TLV at all is a ValidationError on `qr_string`; a bad CRC is not an
 * error here but `crcValid: false`, so a caller can record what it received.
 */
export function parseQris(text: string): ParsedQris {
  const { tags, order } = parseTlv(text, 'qr_string');
  const crc = tags['63'];
  const crcValid =
    order.at(-1) === '63' &&
    crc !== undefined &&
    /^[0-9A-Fa-f]{4}$/.test(crc) &&
    text.endsWith(crc) &&
    crc16CcittFalse(text.slice(0, text.length - 4)) === crc.toUpperCase();
  const additional = parseTemplate(tags['62']);
  const amountText = tags['54'];
  const parsed: ParsedQris = { tags, crcValid };
  const template26 = parseTemplate(tags['26']);
  if (template26) parsed.template26 = template26;
  const template51 = parseTemplate(tags['51']);
  if (template51) parsed.template51 = template51;
  if (additional) parsed.additional = additional;
  // Tag 54 is in tag 53's currency: only a rupiah amount is read as one (EMVCo's own sample is CNY 23.72).
  if (amountText !== undefined && (tags['53'] ?? '360') === '360') {
    parsed.amount = toMinor(amountText, 'IDR', 'qr_string.54');
  }
  if (additional?.['01'] !== undefined) parsed.billNumber = additional['01'];
  return parsed;
}

/** The QR image a payer scans: PNG, error correction M (15% damage), the standard 4-module quiet zone. */
export function qrisPng(text: string): Promise<Buffer> {
  return toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 4 });
}

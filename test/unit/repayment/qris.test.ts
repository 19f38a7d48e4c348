/** Dynamic QRIS: the CRC, the TLV a standard parser reads, the limits, and the PNG. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import {
  buildDynamicQris,
  crc16CcittFalse,
  type DynamicQrisInput,
  parseQris,
  QRIS_MAX_AMOUNT,
  qrisPng,
} from '#core/repayment/qris';

/**
 * Published strings with their CRCs, from outside this codebase:
 * - DANA_QRIS: a real dynamic QRIS (DANA acquirer, NMID in tag 51, Rp10,000) from a public
 *   EMVCo QR parser's vitest fixtures (`emvco-qr.test.ts`, field63 "B00A").
 * - XENDIT_QRIS: a real dynamic QRIS from a Xendit `qr.payment` webhook body kept in a public
 *   repository's webhook test script (CO.XENDIT.WWW acquirer, Rp10,000, CRC 75A5).
 * - EMVCO_SAMPLE: the EMVCo MPM specification's own example (CNY 23.72, a UTF-8 alternate
 *   language template), CRC A13A: the known answer many parsers test against.
 */
const DANA_QRIS =
  '00020101021226570011ID.DANA.WWW011893600915015706056102091570605610303UME51440014ID.CO.QRIS.WWW0215ID20210807329890303UME5204893153033605405100005802ID5906XENDIT6015Kota Jakarta Se61051219062720115SzW8BPHhw35i1vT60490011ID.DANA.WWW0425MER2021071400774509608641050116304B00A';
const XENDIT_QRIS =
  '00020101021226650013CO.XENDIT.WWW01189360084800000054690215MTp47ZSspWsSQxG0303UME51370014ID.CO.QRIS.WWW0215ID20254267526685204509953033605405100005802ID5923PT ALWI KOBRA INDONESIA6006Bekasi61051715162290525xoizLQizgQUsgqK4tR4kMBcLc630475A5';
const EMVCO_SAMPLE =
  '00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A';

/** An independent CRC-16/CCITT-FALSE: bit by bit, no table, to cross-check the table-driven one. */
function bitwiseCrc(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) {
      crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
      crc &= 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

const input = (overrides: Partial<DynamicQrisInput> = {}): DynamicQrisInput => ({
  merchantName: 'LENDSTACK SANDBOX',
  merchantCity: 'JAKARTA',
  merchantPan: '9360000812345678901',
  merchantId: 'LS0000001',
  mcc: '6012',
  amount: 1_250_000n,
  billNumber: 'qr_01JD8Z6W3K9Q',
  postalCode: '12190',
  ...overrides,
});

const issuesOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details;
  }
  throw new Error('expected a ValidationError');
};

describe('crc16CcittFalse', () => {
  it('gives the check value 29B1 for "123456789"', () => {
    expect(crc16CcittFalse('123456789')).toBe('29B1');
  });

  it('matches the CRC printed in published QR strings (QRIS and the EMVCo sample)', () => {
    for (const sample of [DANA_QRIS, XENDIT_QRIS, EMVCO_SAMPLE]) {
      expect(crc16CcittFalse(sample.slice(0, -4))).toBe(sample.slice(-4));
    }
  });

  it('agrees with a bitwise implementation on random strings, ASCII and UTF-8', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(1 + (i % 97));
      const ascii = bytes.toString('base64');
      const unicode = `${ascii}最佳${String.fromCharCode(0xe9)}${bytes.toString('hex')}`;
      expect(crc16CcittFalse(ascii)).toBe(bitwiseCrc(ascii));
      expect(crc16CcittFalse(unicode)).toBe(bitwiseCrc(unicode));
    }
  });
});

describe('parseQris', () => {
  it('reads a real dynamic QRIS: templates 26/51/62, amount, bill number, valid CRC', () => {
    const parsed = parseQris(DANA_QRIS);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.tags['01']).toBe('12');
    expect(parsed.tags['59']).toBe('XENDIT');
    expect(parsed.tags['60']).toBe('Kota Jakarta Se');
    expect(parsed.template26).toEqual({
      '00': 'ID.DANA.WWW',
      '01': '936009150157060561',
      '02': '157060561',
      '03': 'UME',
    });
    expect(parsed.template51?.['02']).toBe('ID2021080732989');
    expect(parsed.amount).toBe(10_000n);
    expect(parsed.billNumber).toBe('SzW8BPHhw35i1vT');
  });

  it("reads a gateway's QRIS (Xendit): its reference label (62.05) and postal code", () => {
    const parsed = parseQris(XENDIT_QRIS);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.template26?.['00']).toBe('CO.XENDIT.WWW');
    expect(parsed.tags['61']).toBe('17151');
    expect(parsed.additional).toEqual({ '05': 'xoizLQizgQUsgqK4tR4kMBcLc' });
    expect(parsed.billNumber).toBeUndefined();
    expect(parsed.amount).toBe(10_000n);
  });

  it('counts lengths in characters, so the EMVCo sample with Chinese text parses', () => {
    const parsed = parseQris(EMVCO_SAMPLE);
    expect(parsed.crcValid).toBe(true);
    expect(parsed.tags['59']).toBe('BEST TRANSPORT');
    expect(parsed.tags['64']).toBe('0002ZH0104最佳运输0202北京');
    // Tag 54 is in CNY here: not read as rupiah.
    expect(parsed.tags['54']).toBe('23.72');
    expect(parsed.amount).toBeUndefined();
  });

  it('flags an altered string: one changed digit of the amount breaks the CRC', () => {
    const tampered = DANA_QRIS.replace('540510000', '540590000');
    expect(tampered).not.toBe(DANA_QRIS);
    const parsed = parseQris(tampered);
    expect(parsed.amount).toBe(90_000n);
    expect(parsed.crcValid).toBe(false);
  });

  it('flags a string whose CRC is not the last data object', () => {
    const body = `${DANA_QRIS.slice(0, -8)}`;
    expect(parseQris(`${body}6304${crc16CcittFalse(`${body}6304`)}`).crcValid).toBe(true);
    expect(parseQris(`${body}6304${crc16CcittFalse(`${body}6304`)}9902AB`).crcValid).toBe(false);
  });

  it('refuses text that is not TLV, naming qr_string', () => {
    for (const bad of ['hello', '000201010212269', '0002010002', '']) {
      if (bad === '') {
        expect(parseQris(bad).crcValid).toBe(false);
        continue;
      }
      expect(issuesOf(() => parseQris(bad))[0]?.field).toBe('qr_string');
    }
  });
});

describe('buildDynamicQris', () => {
  it('emits the EMVCo/QRIS tags in order with a CRC that a parser accepts', () => {
    const qr = buildDynamicQris(input({ nmid: 'ID1020000000001' }));
    expect(qr.startsWith('000201010212')).toBe(true);
    const parsed = parseQris(qr);
    expect(parsed.crcValid).toBe(true);
    expect(Object.keys(parsed.tags)).toEqual(
      expect.arrayContaining(['00', '01', '26', '51', '52', '53', '54', '58', '59', '60', '61', '62', '63']),
    );
    expect(qr.indexOf('26')).toBeLessThan(qr.indexOf('5204'));
    expect(parsed.template26).toEqual({
      '00': 'ID.CO.QRIS.WWW',
      '01': '9360000812345678901',
      '02': 'LS0000001',
      '03': 'UBE',
    });
    expect(parsed.template51).toEqual({ '00': 'ID.CO.QRIS.WWW', '02': 'ID1020000000001', '03': 'UBE' });
    expect(parsed.tags).toMatchObject({
      '00': '01',
      '01': '12',
      '52': '6012',
      '53': '360',
      '54': '1250000',
      '58': 'ID',
      '59': 'LENDSTACK SANDBOX',
      '60': 'JAKARTA',
      '61': '12190',
    });
    expect(parsed.amount).toBe(1_250_000n);
    expect(parsed.billNumber).toBe('qr_01JD8Z6W3K9Q');
    expect(qr.slice(-8, -4)).toBe('6304');
    expect(qr.slice(-4)).toBe(bitwiseCrc(qr.slice(0, -4)));
  });

  it('leaves out tag 51 without an NMID and tag 61 without a postal code', () => {
    const parsed = parseQris(buildDynamicQris(input({ postalCode: undefined })));
    expect(parsed.tags['51']).toBeUndefined();
    expect(parsed.tags['61']).toBeUndefined();
    expect(parsed.crcValid).toBe(true);
  });

  it('round-trips random amounts and bill numbers exactly', () => {
    for (let i = 0; i < 200; i++) {
      const amount = 1n + (BigInt(`0x${randomBytes(4).toString('hex')}`) % QRIS_MAX_AMOUNT);
      const billNumber = randomBytes(12)
        .toString('base64url')
        .slice(0, 1 + (i % 25));
      const parsed = parseQris(buildDynamicQris(input({ amount, billNumber })));
      expect(parsed).toMatchObject({ amount, billNumber, crcValid: true });
    }
  });

  it('accepts exactly Rp10,000,000 and refuses one rupiah more, naming amount', () => {
    expect(parseQris(buildDynamicQris(input({ amount: QRIS_MAX_AMOUNT }))).amount).toBe(10_000_000n);
    expect(issuesOf(() => buildDynamicQris(input({ amount: 10_000_001n })))).toEqual([
      { field: 'amount', message: expect.stringContaining('10,000,000') },
    ]);
    expect(issuesOf(() => buildDynamicQris(input({ amount: 0n })))[0]?.field).toBe('amount');
  });

  it('refuses over-long or non-ASCII fields and malformed codes, naming each field', () => {
    const fields = issuesOf(() =>
      buildDynamicQris(
        input({
          merchantName: 'A'.repeat(26),
          merchantCity: 'Kota Jakarta Selatan',
          billNumber: 'x'.repeat(26),
          merchantPan: '12345',
          mcc: '60A2',
          postalCode: '12 190',
          nmid: 'ID12',
          merchantId: 'Müller',
        }),
      ),
    ).map((issue) => issue.field);
    expect(fields.sort()).toEqual(
      ['billNumber', 'mcc', 'merchantCity', 'merchantId', 'merchantName', 'merchantPan', 'nmid', 'postalCode'].sort(),
    );
  });
});

describe('qrisPng', () => {
  it('renders a PNG of the QR string', async () => {
    const png = await qrisPng(buildDynamicQris(input()));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(500);
  });
});

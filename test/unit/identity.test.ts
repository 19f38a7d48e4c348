import { describe, expect, it } from 'vitest';
import { maskTail, normaliseMobile, parseNik } from '#core/identity';

describe('parseNik', () => {
  it('decodes the birth date and gender of a man when the day is under 41', () => {
    const result = parseNik('3171011708450001');
    expect(result).toEqual({
      ok: true,
      info: expect.objectContaining({
        provinceCode: '31',
        birthDay: 17,
        birthMonth: 8,
        birthYear2: 45,
        gender: 'MALE',
      }),
    });
  });

  it('decodes a woman when 40 was added to the day', () => {
    const result = parseNik('3171015708450001');
    expect(result.ok && result.info).toMatchObject({ birthDay: 17, gender: 'FEMALE' });
  });

  it.each([
    ['317101170845000', 'must be exactly 16 digits'],
    ['31710117084500012', 'must be exactly 16 digits'],
    ['317101170845000a', 'must be exactly 16 digits'],
    ['0971011708450001', 'has an unknown province code'],
    ['3100011708450001', 'has an invalid regency or district code'],
    ['3171011713450001', 'has an invalid birth month'],
    ['3171013202450001', 'has an invalid birth date'],
    ['3171017202450001', 'has an invalid birth date'],
    ['3171011708450000', 'has an invalid serial number'],
  ])('refuses %s because it %s', (nik, reason) => {
    expect(parseNik(nik)).toEqual({ ok: false, reason });
  });
});

describe('normaliseMobile', () => {
  it.each([
    ['081234567890', '+6281234567890'],
    ['+6281234567890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['0812-3456-7890', '+6281234567890'],
    ['085712345678', '+6285712345678'],
  ])('normalises %s to %s', (input, e164) => {
    expect(normaliseMobile(input)).toBe(e164);
  });

  it.each([['0840123456789'], ['0211234567'], ['12345'], ['+14155550123'], ['']])(
    'refuses %s, which is not an Indonesian mobile',
    (input) => {
      expect(normaliseMobile(input)).toBeNull();
    },
  );

  it('validates Indian mobiles when asked for India', () => {
    expect(normaliseMobile('9876543210', 'IN')).toBe('+919876543210');
  });
});

describe('maskTail', () => {
  it('keeps only the last four characters', () => {
    expect(maskTail('3171011708450001')).toBe('************0001');
  });
});

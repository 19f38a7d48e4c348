import { describe, expect, it } from 'vitest';
import { namesMatch, parseAadhaarXml } from '#core/kyc-india';
import { sampleAadhaarXml } from '../helpers/kyc.ts';

describe('offline e-KYC XML', () => {
  it('reads name, date of birth, gender, address and the signature', () => {
    expect(parseAadhaarXml(sampleAadhaarXml())).toMatchObject({
      name: 'Test User',
      dob: '1997-11-18',
      gender: 'MALE',
      address: { city: 'Khamgaon', district: 'Buldana', state: 'Maharashtra', pincode: '444303', country: 'INDIA' },
      signed: true,
    });
  });

  it('refuses what is not an offline e-KYC XML', () => {
    expect(parseAadhaarXml('<html/>')).toBeNull();
    expect(parseAadhaarXml('not xml at all <<<')).toBeNull();
  });
});

describe('namesMatch', () => {
  it('ignores case, order, punctuation and honorifics, and nothing else', () => {
    expect(namesMatch('Test User', 'user, TEST')).toBe(true);
    expect(namesMatch('Mr. Test User', 'Test User')).toBe(true);
    expect(namesMatch('Test User', 'Test Users')).toBe(false);
    expect(namesMatch('', '')).toBe(false);
  });
});

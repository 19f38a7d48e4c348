import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ktpInconsistencies, scorePercent } from '#core/app/kyc';
import { ageOn, decideInitialLimit } from '#core/app/limit';
import { isMasterDataId } from '#core/app/master-data';
import { appProducts, chooseProduct, SANDBOX_APP_PRODUCT } from '#core/app/products';
import {
  challengeSignatureValid,
  hashOtp,
  hashPin,
  newOtpCode,
  otpMatches,
  parseDevicePublicKey,
  pinMatches,
  weakPinReason,
} from '#core/app/security';

describe('OTP codes', () => {
  it('are 6 digits, stored as a salted digest that matches only the code', () => {
    const code = newOtpCode();
    expect(code).toMatch(/^\d{6}$/);
    const stored = hashOtp(code);
    expect(stored.hash).not.toContain(code);
    expect(otpMatches(code, stored)).toBe(true);
    expect(otpMatches(String((Number(code) + 1) % 1e6).padStart(6, '0'), stored)).toBe(false);
    expect(hashOtp(code).hash).not.toBe(stored.hash);
  });
});

describe('the security PIN', () => {
  it('is hashed with scrypt and its parameters, and matches only itself', async () => {
    const stored = await hashPin('246810');
    expect(stored).toMatchObject({ alg: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(await pinMatches('246810', stored)).toBe(true);
    expect(await pinMatches('246811', stored)).toBe(false);
  });
  it('refuses repeated digits and straight runs', () => {
    expect(weakPinReason('111111')).toBe('repeated');
    expect(weakPinReason('123456')).toBe('sequence');
    expect(weakPinReason('654321')).toBe('sequence');
    expect(weakPinReason('12345')).toBe('format');
    expect(weakPinReason('246810')).toBeNull();
  });
});

describe('device keys', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
  it('accepts P-256 as SPKI (Android) and as a raw X9.63 point (iOS), the same key either way', () => {
    const raw = Buffer.from(spki, 'base64').subarray(-65).toString('base64');
    expect(parseDevicePublicKey(spki)?.spki).toBe(spki);
    expect(parseDevicePublicKey(raw)?.spki).toBe(spki);
  });
  it('refuses other curves, RSA and garbage', () => {
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey.export({ type: 'spki', format: 'der' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    expect(parseDevicePublicKey(k1.toString('base64'))).toBeNull();
    expect(parseDevicePublicKey(rsa.toString('base64'))).toBeNull();
    expect(parseDevicePublicKey('not base64 at all!')).toBeNull();
    expect(parseDevicePublicKey('')).toBeNull();
  });
  it('verifies a DER ECDSA-SHA256 signature over the UTF-8 challenge id, and nothing else', () => {
    const challenge = 'ch_0123456789abcdef0123456789abcdef';
    const signature = sign('sha256', Buffer.from(challenge, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString(
      'base64',
    );
    expect(challengeSignatureValid(spki, challenge, signature)).toBe(true);
    expect(challengeSignatureValid(spki, `${challenge}x`, signature)).toBe(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const forged = sign('sha256', Buffer.from(challenge), { key: other.privateKey, dsaEncoding: 'der' }).toString(
      'base64',
    );
    expect(challengeSignatureValid(spki, challenge, forged)).toBe(false);
    expect(challengeSignatureValid(spki, challenge, 'AAAA')).toBe(false);
  });
});

describe('the KTP preview', () => {
  it('agrees with its NIK (DOMAIN.md: 17 Aug 1945, a woman is day + 40)', () => {
    expect(ktpInconsistencies({ nik: '3171011708450001', birth_date: '1945-08-17', gender: 'LAKI-LAKI' })).toEqual([]);
    expect(ktpInconsistencies({ nik: '3171015708450001', birth_date: '1945-08-17', gender: 'PEREMPUAN' })).toEqual([]);
  });
  it('names the fields the NIK contradicts', () => {
    expect(ktpInconsistencies({ nik: '3171015708450001', birth_date: '1945-08-18', gender: 'LAKI-LAKI' })).toEqual([
      'birth_date',
      'gender',
    ]);
    expect(ktpInconsistencies({ nik: '1234', birth_date: '1945-08-17', gender: 'LAKI-LAKI' })).toEqual(['nik']);
  });
  it('shows a provider score as the spec does (0.925 -> 92.5)', () => {
    expect(scorePercent(0.925)).toBe(92.5);
    expect(scorePercent(0.34)).toBe(34);
  });
});

describe('the initial limit decision', () => {
  const plain = { kycApproved: true, age: 35, bureauScore: 760, bureauDelinquent: false };
  it("approves a plain applicant for the product's limit, a thin file for half", () => {
    expect(decideInitialLimit(plain, 10_000_000n)).toMatchObject({ status: 'APPROVED', limit: 10_000_000n });
    expect(decideInitialLimit({ ...plain, bureauScore: null }, 10_000_000n)).toMatchObject({ limit: 5_000_000n });
  });
  it('rejects by the first rule that holds', () => {
    expect(decideInitialLimit({ ...plain, kycApproved: false }, 1n)).toMatchObject({ rule: 'kyc_not_approved' });
    expect(decideInitialLimit({ ...plain, age: 20 }, 1n)).toMatchObject({ rule: 'under_age' });
    expect(decideInitialLimit({ ...plain, bureauDelinquent: true }, 1n)).toMatchObject({ rule: 'bureau_delinquent' });
    expect(decideInitialLimit({ ...plain, bureauScore: 550 }, 1n)).toMatchObject({ rule: 'bureau_low_score' });
  });
  it('counts age in whole years on the day', () => {
    expect(ageOn('1990-04-28', '2026-04-27')).toBe(35);
    expect(ageOn('1990-04-28', '2026-04-28')).toBe(36);
  });
});

describe('products and reference data', () => {
  it("is the spec's sandbox product: tenors 1-3, fee 150,000, promo 3", () => {
    expect(SANDBOX_APP_PRODUCT.tenors.map((t) => [t.id, t.months, t.monthlyRatePercent])).toEqual([
      [1, 3, '2.5'],
      [2, 6, '2.2'],
      [3, 12, '2'],
    ]);
    expect(SANDBOX_APP_PRODUCT.serviceFee).toBe(150_000n);
    expect(SANDBOX_APP_PRODUCT.promos[0]).toMatchObject({ id: 3, code: 'PROMO-MERDEKA-2026', discount: 100_000n });
  });
  it('chooses the only product when none is named, and none when the name is unknown', () => {
    expect(chooseProduct(appProducts('sandbox'))).toBe(SANDBOX_APP_PRODUCT);
    expect(chooseProduct(appProducts('sandbox'), 'prd_nope')).toBeNull();
    expect(chooseProduct([SANDBOX_APP_PRODUCT, { ...SANDBOX_APP_PRODUCT, productId: 'other' }])).toBeNull();
    expect(appProducts('live')).toEqual([]);
  });
  it('knows the ids personal-info takes', () => {
    expect(isMasterDataId('banks', 'bnk_bca')).toBe(true);
    expect(isMasterDataId('relationships', 'rel_parent')).toBe(true);
    expect(isMasterDataId('banks', 'rel_parent')).toBe(false);
  });
});

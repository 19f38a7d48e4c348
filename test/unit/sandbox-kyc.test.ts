import { describe, expect, it } from 'vitest';
import { NotConfiguredError, ProviderError } from '#core/errors';
import { kycProvider, SANDBOX_KYC_MAGIC } from '#providers/kyc';

const image = new Uint8Array([1, 2, 3]);
const subject = (nikEnd: string) => ({ nik: `317101170845${nikEnd}`, name: 'Budi' });

describe('sandbox KYC provider', () => {
  const sandbox = kycProvider('sandbox', 'VIDA');

  it('passes every check by default', async () => {
    const s = subject('0001');
    expect((await sandbox.ocr(s, image)).passed).toBe(true);
    expect((await sandbox.liveness(s, image)).passed).toBe(true);
    expect((await sandbox.faceMatch(s, image, image)).passed).toBe(true);
  });

  it.each([
    ['9001', 'ocr'],
    ['9002', 'liveness'],
    ['9003', 'faceMatch'],
  ] as const)('fails the %s magic NIK at %s', async (nikEnd, check) => {
    const s = subject(nikEnd);
    const result = check === 'faceMatch' ? await sandbox.faceMatch(s, image, image) : await sandbox[check](s, image);
    expect(result.passed).toBe(false);
    expect(result.reason).toBeTruthy();
  });

  it('throws ProviderError for the outage magic NIK so the workflow retries', async () => {
    await expect(sandbox.ocr(subject('9004'), image)).rejects.toBeInstanceOf(ProviderError);
  });

  it('fails OCR for an empty upload', async () => {
    expect((await sandbox.ocr(subject('0001'), new Uint8Array())).passed).toBe(false);
  });

  it('documents every magic value', () => {
    expect(Object.keys(SANDBOX_KYC_MAGIC)).toEqual(['9001', '9002', '9003', '9004']);
  });

  it('refuses live mode instead of simulating', () => {
    expect(() => kycProvider('live', 'VIDA')).toThrow(NotConfiguredError);
  });
});

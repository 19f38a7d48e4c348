import { describe, expect, it } from 'vitest';
import { assertCanStartKyc, borrowerStatusAfterKyc, decideKyc } from '#core/borrowers';
import { BorrowerStatusError, InvalidStateError } from '#core/errors';

describe('assertCanStartKyc', () => {
  it.each(['PENDING', 'REJECTED'] as const)('allows KYC when the borrower is %s', (status) => {
    expect(() => assertCanStartKyc({ borrowerId: 'bor_1', status })).not.toThrow();
  });

  it.each(['VERIFIED', 'APPROVED'] as const)('refuses KYC when the borrower is %s', (status) => {
    expect(() => assertCanStartKyc({ borrowerId: 'bor_1', status })).toThrow(InvalidStateError);
  });

  it('refuses KYC for a BLOCKED borrower with a 400-type error naming the status', () => {
    expect(() => assertCanStartKyc({ borrowerId: 'bor_1', status: 'BLOCKED' })).toThrow(BorrowerStatusError);
    expect(() => assertCanStartKyc({ borrowerId: 'bor_1', status: 'BLOCKED' })).toThrow(/status is BLOCKED/);
  });
});

describe('decideKyc', () => {
  it('approves when every check passed', () => {
    expect(
      decideKyc([
        { name: 'ocr', passed: true },
        { name: 'liveness', passed: true },
      ]),
    ).toEqual({ status: 'APPROVED' });
  });

  it('rejects with the first failed check as the reason', () => {
    expect(
      decideKyc([
        { name: 'ocr', passed: true },
        { name: 'face_match', passed: false, reason: 'no match' },
      ]),
    ).toEqual({ status: 'REJECTED', reason: 'no match' });
  });
});

describe('borrowerStatusAfterKyc', () => {
  it('approves, rejects, and returns a technical failure to PENDING so the partner can retry', () => {
    expect(borrowerStatusAfterKyc('APPROVED')).toBe('APPROVED');
    expect(borrowerStatusAfterKyc('REJECTED')).toBe('REJECTED');
    expect(borrowerStatusAfterKyc('FAILED')).toBe('PENDING');
  });
});

/** The stores behind the ops console's reads: the application index and the KYC runs in review. */
import { describe, expect, it } from 'vitest';
import { newId } from '#core/ids';
import { findApplicationStart, listApplicationStarts, recordApplicationStart } from '#store/application-index';
import { getKycRun, type KycRun, listKycRunsInReview, saveKycRun } from '#store/kyc-runs';

const tenant = (mode: 'sandbox' | 'live' = 'sandbox') => ({ partnerId: newId('ptn'), mode });

const start = (startedAt: string, overrides: Partial<Parameters<typeof recordApplicationStart>[1]> = {}) => ({
  applicationId: newId('app'),
  borrowerId: newId('bor'),
  customerId: 'cust-1',
  origin: 'journey' as const,
  startedAt,
  ...overrides,
});

function run(overrides: Partial<KycRun> = {}): KycRun {
  const now = new Date().toISOString();
  return {
    referenceId: newId('kyr'),
    customerId: 'cust-1',
    borrowerId: newId('bor'),
    status: 'PROCESSING',
    action: 'WAIT',
    message: 'MANUAL_REVIEW_REQUIRED',
    personalKYC: null,
    results: null,
    manualReviewRequired: true,
    otpAttempts: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

describe('the application index', () => {
  it('lists a tenant’s applications newest first, and none of another partner or mode', async () => {
    const t = tenant();
    const older = start('2026-01-01T00:00:00.000Z');
    const newer = start('2026-01-02T00:00:00.000Z', { origin: 'partner', applicationId: newId('loan') });
    await recordApplicationStart(t, older);
    await recordApplicationStart(t, newer);
    await recordApplicationStart(tenant(), start('2026-01-03T00:00:00.000Z'));
    await recordApplicationStart({ ...t, mode: 'live' }, start('2026-01-04T00:00:00.000Z'));
    expect(await listApplicationStarts(t)).toEqual([newer, older]);
    expect(await findApplicationStart({ ...t, mode: 'live' }, older.applicationId)).toBeNull();
  });

  it('keeps the first start when a retried request records it again', async () => {
    const t = tenant();
    const first = start('2026-01-01T00:00:00.000Z');
    await recordApplicationStart(t, first);
    await recordApplicationStart(t, { ...first, startedAt: '2026-02-01T00:00:00.000Z' });
    expect(await findApplicationStart(t, first.applicationId)).toEqual(first);
    expect(await listApplicationStarts(t)).toHaveLength(1);
  });
});

describe('KYC runs in review', () => {
  it('lists a run while it waits for a reviewer and drops it once decided, per tenant', async () => {
    const t = tenant();
    const waiting = run();
    const approved = run({ status: 'APPROVED', manualReviewRequired: false, action: '', message: '' });
    await saveKycRun(t, waiting);
    await saveKycRun(t, approved);
    await saveKycRun(tenant(), run());
    expect((await listKycRunsInReview(t)).map((r) => r.referenceId)).toEqual([waiting.referenceId]);
    await saveKycRun(t, { ...waiting, status: 'REJECTED', manualReviewRequired: false }, 'PROCESSING');
    expect(await listKycRunsInReview(t)).toEqual([]);
    // The run itself is read as before, without the index's attributes.
    expect(Object.keys(await getKycRun(t, waiting.referenceId))).not.toContain('gsi1pk');
  });
});

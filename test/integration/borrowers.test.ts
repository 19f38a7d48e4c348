import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { Borrower } from '#core/borrowers';
import { ConflictError, NotFoundError } from '#core/errors';
import { newId } from '#core/ids';
import { getBorrower, insertBorrower, transitionBorrower } from '#store/borrowers';
import { ddb } from '#store/client';
import { eventRecordKeys } from '#store/events';
import { newEvent } from '#store/outbox';
import { nik, phone } from '../helpers/factories.ts';

const tenant = () => ({ partnerId: newId('ptn'), mode: 'sandbox' as const });

function borrower(overrides: Partial<Borrower> = {}): Borrower {
  const now = new Date().toISOString();
  return {
    borrowerId: newId('bor'),
    borrowerType: 'PERSONAL',
    status: 'PENDING',
    name: 'Budi',
    phone: phone(),
    email: 'b@example.com',
    nik: nik(),
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

describe('borrower store', () => {
  it('writes the borrower and its outbox event in one transaction', async () => {
    const t = tenant();
    const b = borrower();
    const event = newEvent(t, 'user_created', 'PENDING', { userId: b.borrowerId });
    await insertBorrower(t, b, event);
    expect(await getBorrower(t, b.borrowerId)).toMatchObject({ borrowerId: b.borrowerId, status: 'PENDING' });
    const { Item } = await ddb.send(
      new GetCommand({ TableName: 'lendstack-test', Key: { pk: eventRecordKeys(event).pk, sk: 'EVENT' } }),
    );
    expect(Item).toMatchObject({ type: 'OUTBOX', event: { type: 'user_created', partnerId: t.partnerId } });
    expect(Item?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses a second borrower with the same NIK in a tenant, naming the field, and stores nothing', async () => {
    const t = tenant();
    const first = borrower();
    await insertBorrower(t, first, newEvent(t, 'user_created', 'PENDING', {}));
    const second = borrower({ nik: first.nik });
    await expect(insertBorrower(t, second, newEvent(t, 'user_created', 'PENDING', {}))).rejects.toThrow(/nik/);
    await expect(getBorrower(t, second.borrowerId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('allows the same NIK for another partner, and hides each tenant from the other', async () => {
    const [a, b] = [tenant(), tenant()];
    const shared = nik();
    const ba = borrower({ nik: shared });
    await insertBorrower(a, ba, newEvent(a, 'user_created', 'PENDING', {}));
    await insertBorrower(b, borrower({ nik: shared }), newEvent(b, 'user_created', 'PENDING', {}));
    await expect(getBorrower(b, ba.borrowerId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getBorrower({ ...a, mode: 'live' }, ba.borrowerId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets only one of two concurrent status transitions win', async () => {
    const t = tenant();
    const b = borrower();
    await insertBorrower(t, b, newEvent(t, 'user_created', 'PENDING', {}));
    const kyc = { kycId: newId('kyc'), status: 'IN_PROGRESS' as const, provider: 'VIDA', startedAt: '', checks: [] };
    const results = await Promise.allSettled([
      transitionBorrower(t, b.borrowerId, { from: ['PENDING'], to: 'VERIFIED', kyc }),
      transitionBorrower(t, b.borrowerId, { from: ['PENDING'], to: 'VERIFIED', kyc }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConflictError);
  });
});

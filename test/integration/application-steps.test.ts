/**
 * The application workflow's own step functions against DynamoDB Local: the waits, and the
 * ends the ASL reaches by Catch (a journey that expires after its offer was accepted).
 */
import { describe, expect, it } from 'vitest';
import type { Borrower } from '#core/borrowers';
import { newId } from '#core/ids';
import { getApplication, insertApplication, insertPartnerLoan, type LoanApplication } from '#store/applications';
import { getBorrower, insertBorrower } from '#store/borrowers';
import type { PartnerLoan } from '#store/loan-events';
import { newEvent } from '#store/outbox';
import { saveWaitToken, takeWaitToken, waitingSteps } from '#store/waits';
import { closeJourney, markFailed } from '../../functions/workflows/application.ts';
import { phone } from '../helpers/factories.ts';

const tenant = () => ({ partnerId: newId('ptn'), mode: 'sandbox' as const });

async function journeyCustomer(t: ReturnType<typeof tenant>) {
  const now = new Date().toISOString();
  const applicationId = newId('app');
  const borrower: Borrower = {
    borrowerId: newId('bor'),
    borrowerType: 'PERSONAL',
    status: 'PENDING',
    name: 'Test User',
    phone: phone(),
    email: '',
    customerId: `cus-${newId('bor')}`,
    journey: { stage: 'DETAILS_UPDATED', applicationId },
    createdAt: now,
    updatedAt: now,
  };
  await insertBorrower(t, borrower, newEvent(t, 'user_created', 'PENDING', { userId: borrower.borrowerId }));
  const input = {
    applicationId,
    partnerId: t.partnerId,
    mode: t.mode,
    borrowerId: borrower.borrowerId,
    customerId: borrower.customerId ?? '',
  };
  return { borrower, applicationId, input };
}

const application = (b: Borrower, applicationId: string): LoanApplication => ({
  applicationId,
  borrowerId: b.borrowerId,
  customerId: b.customerId ?? '',
  offerId: newId('ofr'),
  referenceId: newId('bre'),
  status: 'OFFER_ACCEPTED',
  currency: 'INR',
  amount: 80000,
  tenure: 8,
  interest: 25,
  schedule: {
    installments: [],
    totals: { principal: '80000.00', interest: '0.00', fees: '0.00', total: '80000.00' },
    upfrontFees: '0.00',
    netDisbursed: '80000.00',
  },
  createdAt: new Date().toISOString(),
});

describe('wait tokens', () => {
  it('are taken once, and listed while the workflow waits', async () => {
    const t = tenant();
    const app = newId('app');
    await saveWaitToken(t, app, 'KYC', 'tok_kyc');
    await saveWaitToken(t, app, 'OFFERS', 'tok_offers');
    expect((await waitingSteps(t, app)).sort()).toEqual(['KYC', 'OFFERS']);
    // Five triggers at once (a partner retrying hard): exactly one gets the token.
    const taken = await Promise.all(Array.from({ length: 5 }, () => takeWaitToken(t, app, 'KYC')));
    expect(taken.filter(Boolean)).toEqual(['tok_kyc']);
    expect(await waitingSteps(t, app)).toEqual(['OFFERS']);
  });
});

describe('closeJourney', () => {
  it('expires an accepted application with its loan event, forgets the waits, and says so on the customer', async () => {
    const t = tenant();
    const { borrower, applicationId, input } = await journeyCustomer(t);
    await insertApplication(
      t,
      borrower,
      application(borrower, applicationId),
      newEvent(t, 'loan', 'PENDING', { applicationId }),
    );
    await saveWaitToken(t, applicationId, 'KYC', 'tok_abandoned');
    const result = await closeJourney({
      ...input,
      outcome: 'EXPIRED',
      error: { Error: 'States.Timeout', Cause: 'KYC was not completed in 21 days' },
    });
    expect(result).toEqual({ status: 'EXPIRED' });
    expect((await getApplication(t, applicationId)).status).toBe('EXPIRED');
    expect(await waitingSteps(t, applicationId)).toEqual([]);
    expect((await getBorrower(t, borrower.borrowerId)).journey?.stage).toBe('EXPIRED');
  });

  it('ends a rejected journey without an application, and is safe to run twice (a retried step)', async () => {
    const t = tenant();
    const { borrower, input } = await journeyCustomer(t);
    await closeJourney({ ...input, outcome: 'REJECTED' });
    await closeJourney({ ...input, outcome: 'REJECTED' });
    expect((await getBorrower(t, borrower.borrowerId)).journey?.stage).toBe('REJECTED');
  });
});

describe('a partner loan the workflow gives up on', () => {
  it('ends REJECTED with the reason and its loan event when no disbursement came in time, and a retried step writes nothing more', async () => {
    const t = tenant();
    const now = new Date().toISOString();
    const borrower: Borrower = {
      borrowerId: newId('bor'),
      borrowerType: 'PERSONAL',
      status: 'APPROVED',
      name: 'Siti Rahayu',
      phone: phone(),
      email: '',
      createdAt: now,
      updatedAt: now,
    };
    await insertBorrower(t, borrower, newEvent(t, 'user_created', 'PENDING', { userId: borrower.borrowerId }));
    const applicationId = newId('loan');
    const input = {
      applicationId,
      partnerId: t.partnerId,
      mode: t.mode,
      borrowerId: borrower.borrowerId,
      customerId: 'c',
    };
    const loan: PartnerLoan = {
      ...application(borrower, applicationId),
      status: 'SIGNED',
      origin: 'partner',
      partner: {
        type: 'SINGLE_PAYMENT',
        referenceId: `order-${applicationId}`,
        requestDigest: 'd',
        disbursementAccount: { bankCode: 'BCA', accountNumber: '1234567890', accountName: 'Test User' },
        terms: {},
        disbursementDate: '2026-12-01',
        product: 'id-p2p-consumptive',
        apr: null,
        effectiveDailyRate: null,
      },
      statusHistory: [{ status: 'ACTIVE', at: new Date().toISOString() }],
    };
    await insertPartnerLoan(t, borrower, loan, newEvent(t, 'loan', 'ACTIVE', { loanUniqueId: applicationId }), false);
    const abandoned = {
      ...input,
      outcome: 'DISBURSAL_FAILED' as const,
      abandoned: true,
      error: { Error: 'States.Timeout', Cause: '' },
    };
    expect(await markFailed(abandoned)).toEqual({ status: 'REJECTED' });
    expect(await markFailed(abandoned)).toEqual({ status: 'REJECTED' });
    const after = await getApplication(t, applicationId);
    expect(after.status).toBe('REJECTED');
    expect(after.statusHistory?.map((h) => [h.status, h.reason])).toEqual([
      ['ACTIVE', undefined],
      ['REJECTED', 'No disbursement was triggered within 14 days of signing'],
    ]);
  });
});

import middy from '@middy/core';
import { ConflictError, InvalidStateError, LendstackError, ValidationError } from '#core/errors';
import { type Currency, toMinor } from '#core/loans/money';
import { defaultProduct, scheduleAsDecimals } from '#core/loans/pricing';
import { parseDecimal } from '#core/loans/rational';
import { annualRate, generateSchedule, type LoanTerms } from '#core/loans/schedule';
import { storeTerms } from '#core/repayment/terms';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findApplicationByOffer, insertApplication, type LoanApplication } from '#store/applications';
import { getBorrowerByCustomerId } from '#store/borrowers';
import { findOffer, getBreRun } from '#store/credit';
import { newEvent } from '#store/outbox';
import { completeTask } from '#store/workflows';
import { answerIfWaiting, applicationIdOf, withWaitingStep } from './application-of.ts';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyAcceptOffer;

const CURRENCY: Currency = 'INR';

/**
 * POST /user/acceptOffer: the amount, tenure and interest must fall inside a slab of a live
 * offer of this customer (AOP-E-002 for the offer, AOP-E-003 for the terms). Creates the loan
 * application with its schedule from the loan engine, and moves the application's workflow
 * on from the offer step to the signature (once KYC is approved too). Accepting the same offer again with the
 * same terms answers as the first time; with other terms it is FBX-E-010.
 */
const acceptOffer = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, body } = input;
  const terms = body.offerDetails;
  const borrower = await getBorrowerByCustomerId(principal, body.customerID);
  const found = await findOffer(principal, terms.offerID);
  const run = found ? await getBreRun(principal, found.referenceId) : null;
  if (!found || !run || run.borrowerId !== borrower.borrowerId) {
    throw new LendstackError('validation', 'invalid_offer', `No offer ${terms.offerID} for this customer`, {
      details: [{ field: 'offerDetails.offerID', message: 'is not an offer of this customer' }],
    });
  }
  // A later BRE run supersedes this one: its offers are the live ones (an accepted one stays accepted).
  const superseded = borrower.journey?.breReferenceId && borrower.journey.breReferenceId !== run.referenceId;
  if (superseded && !(await findApplicationByOffer(principal, terms.offerID))) {
    throw new LendstackError(
      'validation',
      'invalid_offer',
      `Offer ${terms.offerID} was superseded by a newer BRE run`,
      {
        details: [{ field: 'offerDetails.offerID', message: 'was superseded by a newer BRE run' }],
      },
    );
  }
  if (found.offer.expiresAt <= new Date().toISOString()) {
    throw new LendstackError(
      'validation',
      'invalid_offer',
      `Offer ${terms.offerID} expired at ${found.offer.expiresAt}`,
      {
        details: [{ field: 'offerDetails.offerID', message: 'has expired' }],
      },
    );
  }
  const slab = found.offer.slabs.find(
    (s) =>
      s.tenure === terms.tenure &&
      s.interest === terms.interest &&
      terms.amount >= s.minAmount &&
      terms.amount <= s.maxAmount,
  );
  if (!slab) {
    throw new ValidationError(
      [{ field: 'offerDetails', message: 'amount, tenure and interest must fall inside one slab of the offer' }],
      'The accepted terms are outside the offer',
    );
  }

  const existing = await findApplicationByOffer(principal, terms.offerID);
  if (existing) return sameTerms(existing, terms, principal);
  const applicationId = applicationIdOf(borrower);

  const today = new Date().toISOString().slice(0, 10);
  const engineTerms: LoanTerms = {
    currency: CURRENCY,
    principal: toMinor(terms.amount, CURRENCY, 'offerDetails.amount'),
    method: slab.method === 'flat' ? 'flat' : 'declining_equal_installment',
    annualRate: annualRate(parseDecimal(slab.interest, 'offerDetails.interest'), 'year', '30/360'),
    term: { count: slab.tenure, frequency: 'monthly' },
    dayCount: '30/360',
    disbursementDate: today,
    fees: [
      {
        type: 'processing',
        ...(slab.processingFeeType === 'PERC'
          ? { percent: parseDecimal(slab.processingFee, 'processingFee') }
          : { amount: toMinor(slab.processingFee, CURRENCY, 'processingFee') }),
        taxPercent: parseDecimal(slab.gst, 'gst'),
        deductFromPrincipal: true,
      },
    ],
  };
  const schedule = generateSchedule(engineTerms);
  const app: LoanApplication = {
    applicationId,
    borrowerId: borrower.borrowerId,
    customerId: body.customerID,
    offerId: terms.offerID,
    referenceId: found.referenceId,
    status: 'OFFER_ACCEPTED',
    currency: CURRENCY,
    amount: terms.amount,
    tenure: terms.tenure,
    interest: terms.interest,
    schedule: scheduleAsDecimals(schedule),
    engineTerms: storeTerms(engineTerms, defaultProduct(CURRENCY)),
    createdAt: new Date().toISOString(),
  };
  const event = newEvent(principal, 'loan', 'PENDING', {
    userId: borrower.borrowerId,
    customerID: body.customerID,
    applicationId: app.applicationId,
    amount: terms.amount,
    tenure: terms.tenure,
  });
  // The application first: of N identical acceptances at once exactly one writes it (the
  // offer's acceptance item is conditional), and the others answer as its retry would be.
  try {
    await insertApplication(principal, borrower, app, event);
  } catch (error) {
    if (error instanceof ConflictError && error.code === 'offer_already_accepted') {
      const winner = await findApplicationByOffer(principal, terms.offerID);
      if (winner) return sameTerms(winner, terms, principal);
    }
    throw error;
  }
  // Then the workflow: a retry finds the application and answers the step if this dies first.
  await withWaitingStep(principal, applicationId, 'OFFERS', (token) => completeTask(token, accepted(app)));
  return journeyOk({ message: 'ok' }, 'AOP-S-000');
};

/** What the workflow's offer step hears: the application exists, the credit branch is done. */
const accepted = (app: LoanApplication) => ({ action: 'ACCEPTED', applicationId: app.applicationId });

/**
 * The same acceptance again. If an earlier attempt created the application but died before
 * telling the workflow, the workflow still waits at the offer step: tell it now.
 */
async function sameTerms(
  app: LoanApplication,
  terms: { amount: number; tenure: number; interest: number },
  principal: Tenant,
): Promise<ApiResult> {
  if (app.amount === terms.amount && app.tenure === terms.tenure && app.interest === terms.interest) {
    await answerIfWaiting(principal, app.applicationId, 'OFFERS', accepted(app));
    return journeyOk({ message: 'ok' }, 'AOP-S-000');
  }
  throw new InvalidStateError('offer_already_accepted', 'This offer was already accepted with other terms');
}

export const handler = middy(acceptOffer).use(http(routes.journeyAcceptOffer));

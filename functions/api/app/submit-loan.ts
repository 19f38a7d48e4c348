import middy from '@middy/core';
import { appProducts, chooseProduct } from '#core/app/products';
import { quoteSubmission } from '#core/app/submission';
import { appErrors, OK } from '#core/app/text';
import { newId } from '#core/ids';
import { scheduleAsDecimals } from '#core/loans/pricing';
import { storeTerms } from '#core/repayment/terms';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { ensureNumericAvailableLimit, findCreditLimit } from '#store/app-limits';
import { recordApplicationStart } from '#store/application-index';
import { type AppLoanTerms, insertAppLoan, type LoanApplication, rejectAppLoan } from '#store/applications';
import { getBorrower } from '#store/borrowers';
import { jakartaToday } from '#store/loans';
import { newEvent } from '#store/outbox';
import { ensureWorkflow } from '#store/workflows';
import { caller, checkSecurityPin, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appSubmitLoan;
type AppLoan = LoanApplication & { app: AppLoanTerms };

/** The workflow's input: the application lifecycle's, origin `app` (statemachines/application.asl.json). */
export const appLoanWorkflowInput = (tenant: Tenant, loan: AppLoan) => ({
  applicationId: loan.applicationId,
  partnerId: tenant.partnerId,
  mode: tenant.mode,
  borrowerId: loan.borrowerId,
  customerId: loan.customerId,
  origin: 'app',
});

/**
 * POST /api/v1/loan/submissions (item 16). The request is checked first (product, tenor, promo,
 * amount: a refusal names the field and stores nothing), then the security PIN under the login
 * lockout, then one transaction reserves the amount from the available limit (a conditional
 * decrement: concurrent submissions cannot spend it twice; INSUFFICIENT_LIMIT otherwise) and
 * creates the application with its event. Its workflow (the application lifecycle, origin
 * `app`) reviews, signs and disburses to the user's bank account; a workflow that cannot start
 * ends the loan REJECTED and gives the amount back (compensation), and the 5xx frees the
 * Idempotency-Key so a retry submits afresh.
 */
const submitLoan = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const body = input.body;
  const product = chooseProduct(appProducts(tenant.mode), body.product_id);
  if (!product) throw appErrors.productNotFound(body.product_id);
  const today = jakartaToday();
  const quote = quoteSubmission(
    product,
    { requestedAmount: body.requested_amount, tenorId: body.tenor_months_id, promoId: body.promo_id },
    today,
  );
  await checkSecurityPin(tenant, user.userId, body.security_pin, { waitForAttemptsInFlight: true });

  const limit = await findCreditLimit(tenant, user.userId);
  if (!limit) throw appErrors.limitNotFound();
  if (limit.status !== 'APPROVED') throw appErrors.insufficientLimit(0n);
  await ensureNumericAvailableLimit(tenant, user.userId);
  const borrower = await getBorrower(tenant, user.userId);
  if (!borrower.disbursementAccount) throw appErrors.accountNotActive();

  const applicationId = newId('loan');
  const now = new Date().toISOString();
  const applicationNo = `APP-LN-${today.replaceAll('-', '')}-${applicationId.slice(-10).toUpperCase()}`;
  const loan: AppLoan = {
    applicationId,
    borrowerId: user.userId,
    // The lifecycle's sandbox magic reads customerId's ending: an application number has none.
    customerId: applicationNo,
    offerId: '',
    referenceId: applicationNo,
    status: 'OFFER_ACCEPTED',
    currency: quote.terms.currency,
    amount: body.requested_amount,
    tenure: quote.tenor.months,
    interest: Number(quote.tenor.monthlyRatePercent),
    schedule: scheduleAsDecimals(quote.schedule),
    engineTerms: storeTerms(quote.terms, quote.capProduct),
    createdAt: now,
    origin: 'app',
    app: {
      applicationNo,
      productId: product.productId,
      title: product.title,
      tenorId: quote.tenor.id,
      monthlyRatePercent: quote.tenor.monthlyRatePercent,
      ...(quote.promo
        ? { promo: { id: quote.promo.id, code: quote.promo.code, discount: quote.promoDiscount.toString() } }
        : {}),
      serviceFee: quote.serviceFee.toString(),
      totalRepayment: quote.totalRepayment.toString(),
      disbursementAccount: borrower.disbursementAccount,
      reserved: quote.principal.toString(),
      autopilot: tenant.mode === 'sandbox',
      appliedAt: now,
    },
  };
  const event = newEvent(tenant, 'loan', 'UNDER_REVIEW', {
    applicationId,
    userId: user.userId,
    application_no: applicationNo,
    principal: body.requested_amount,
    currency: loan.currency,
  });
  const { reserved } = await insertAppLoan(tenant, loan, event);
  if (!reserved) {
    const now = await findCreditLimit(tenant, user.userId);
    throw appErrors.insufficientLimit(now?.availableLimit === undefined ? null : BigInt(now.availableLimit));
  }
  try {
    // Listed for ops (GET /v1/applications, the console) from its start, as journey and partner loans are.
    await recordApplicationStart(tenant, {
      applicationId,
      borrowerId: user.userId,
      customerId: applicationNo,
      origin: 'app',
      startedAt: now,
    });
    await ensureWorkflow('application', applicationId, appLoanWorkflowInput(tenant, loan));
  } catch (error) {
    // Compensation: a loan no workflow will move must not hold the limit.
    await rejectAppLoan(
      tenant,
      loan,
      newEvent(tenant, 'loan', 'REJECTED', { applicationId, userId: user.userId, reason: 'not started' }),
    );
    throw error;
  }
  return ok(input.headers, OK.loanSubmitted, submissionView(loan, today), 201);
};

/** The spec's answer; amounts in rupiah. */
export function submissionView(loan: AppLoan, appliedOn: string) {
  const a = loan.app;
  return {
    application_no: a.applicationNo,
    loan_id: loan.applicationId,
    loan_title: a.title,
    product_id: a.productId,
    requested_amount: loan.amount,
    tenor_months_id: a.tenorId,
    tenor_months: loan.tenure,
    applied_interest_rate: Number(a.monthlyRatePercent),
    is_promo_applied: a.promo !== undefined,
    promo: a.promo
      ? { promo_id: a.promo.id, promo_code: a.promo.code, promo_discount_amount: Number(a.promo.discount) }
      : null,
    service_fee_amount: Number(a.serviceFee),
    interest_amount: Number(loan.schedule.totals.interest),
    total_repayment_amount: Number(a.totalRepayment),
    status: 'UNDER REVIEW' as const,
    applied_at: appliedOn,
  };
}

export const handler = middy(submitLoan).use(http(routes.appSubmitLoan));

import middy from '@middy/core';
import { toMinor } from '#core/loans/money';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getLoanRecord } from '#store/loans';
import { applyIncomingPayment } from '#workflows/repayment';
import { paymentView } from '../repayment-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.createLoanPayment;

/**
 * POST /v1/loans/{id}/payments: a payment ops received outside the gateways (cash at a branch,
 * a bank transfer), applied by the same allocation. Idempotent by its `reference` (per tenant)
 * as well as by Idempotency-Key: the same reference again answers the payment first recorded.
 */
const create = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const record = await getLoanRecord(input.principal, input.params.id);
  const { payment, duplicate } = await applyIncomingPayment(input.principal, record.loanId, {
    provider: 'manual',
    // Scoped to the tenant: two lenders may both have a receipt 0001.
    providerPaymentId: `${input.principal.partnerId}:${input.principal.mode}:${input.body.reference}`,
    channel: input.body.method,
    amount: toMinor(input.body.amount, record.ledger.currency, 'amount'),
    currency: record.ledger.currency,
    reference: input.body.reference,
    recordedBy: input.principal.credentialId,
  });
  return { statusCode: duplicate ? 200 : 201, body: { data: paymentView(payment) } };
};

export const handler = middy(create).use(http(routes.createLoanPayment));

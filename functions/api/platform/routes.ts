/**
 * The platform API (shared/specs/platform-api-conventions.txt): native `/v1` resources.
 * Merged into the one route table by ../routes.ts.
 */
import * as z from 'zod';
import { route } from '#http/route';
import * as partner from '../partner/schemas.ts';
import * as repayment from '../repayment-schemas.ts';
import * as platform from './schemas.ts';

const platformError = partner.errorBody;

export const routes = {
  // ---------------------------------------------------------------- platform API: webhooks
  createWebhookEndpoint: route({
    id: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/webhook-endpoints',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/create-webhook-endpoint',
    summary: 'Register a URL to receive signed webhooks',
    description:
      'Deliveries are `POST <url>` with JSON `{ id, type, status, data, created_at }`, header `finfra-auth-key: <auth_key>` and `Lendstack-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body" with secret>`. Live mode needs https and a public address; sandbox accepts http. Loopback and private addresses are refused unless the deployment allows them (the local sandbox does).',
    tags: ['Platform: webhooks'],
    request: { body: platform.createWebhookEndpointBody },
    responses: {
      201: { description: 'Registered', schema: platform.createdWebhookEndpoint },
      400: { description: 'Invalid or unsafe URL', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  listWebhookEndpoints: route({
    id: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/webhook-endpoints',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-webhook-endpoints',
    summary: 'List webhook endpoints',
    tags: ['Platform: webhooks'],
    request: { query: platform.pagination },
    responses: {
      200: {
        description: 'A page of endpoints',
        schema: z.object({ data: z.array(platform.webhookEndpointView), meta: platform.meta }),
      },
    },
    access: ['table:read'],
  }),
  deleteWebhookEndpoint: route({
    id: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/webhook-endpoints/{id}',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/delete-webhook-endpoint',
    summary: 'Remove a webhook endpoint',
    tags: ['Platform: webhooks'],
    request: { params: platform.endpointIdParams },
    responses: { 204: { description: 'Removed' }, 404: { description: 'No such endpoint', schema: platformError } },
    access: ['table:read', 'table:write'],
  }),
  listWebhookDeliveries: route({
    id: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhook-endpoints/{id}/deliveries',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-webhook-deliveries',
    summary: "An endpoint's deliveries, newest first, with attempts and last response",
    tags: ['Platform: webhooks'],
    request: { params: platform.endpointIdParams, query: platform.pagination },
    responses: {
      200: {
        description: 'Deliveries',
        schema: z.object({ data: z.array(platform.deliveryView), meta: platform.meta }),
      },
    },
    access: ['table:read'],
  }),
  replayWebhookDelivery: route({
    id: 'replayWebhookDelivery',
    method: 'POST',
    path: '/v1/webhook-endpoints/{id}/deliveries/{eventId}/replay',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/replay-webhook-delivery',
    summary: 'Deliver an event to this endpoint again (a DEAD delivery, or one the receiver lost)',
    description:
      "The same payload (same event id) is signed afresh and delivered with the usual retries; its attempts add to the delivery's record.",
    tags: ['Platform: webhooks'],
    request: { params: platform.deliveryParams },
    responses: {
      202: { description: 'Replay started', schema: z.object({ event_id: z.string(), status: z.literal('PENDING') }) },
      404: { description: 'No such delivery for this endpoint', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'workflow:start:webhookDelivery'],
  }),

  // ---------------------------------------------------------------- platform API: operations
  resolveKycReview: route({
    id: 'resolveKycReview',
    method: 'POST',
    path: '/v1/kyc-reviews/{referenceID}',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/resolve-kyc-review',
    summary: 'Resolve a KYC run held for manual review (approve, or reject as MANUAL_KYC_REJECT)',
    description:
      "For the lender's reviewers. In this release it takes the tenant's platform API key (so a sandbox partner can exercise the flow); an IAM-authorized admin surface is the intended home.",
    tags: ['Platform: operations'],
    request: { params: platform.kycReviewParams, body: platform.kycReviewBody },
    responses: {
      200: {
        description: 'Decided',
        schema: z.object({ data: z.object({ reference_id: z.string(), status: z.string() }) }),
      },
      404: { description: 'No such KYC run', schema: platformError },
      409: { description: 'Not waiting for a review', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'workflow:callback:application'],
  }),

  // ---------------------------------------------------------------- platform API: borrowers
  blockBorrower: route({
    id: 'blockBorrower',
    method: 'POST',
    path: '/v1/borrowers/{id}/block',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/block-borrower',
    summary: 'Block a borrower (status BLOCKED): no KYC, no credit score, no loan until unblocked',
    description:
      "For the lender's ops (the platform spec's client is the partner API's borrower: {id} is its userId). Records the reason, the credential that blocked and the time as a status history item, and sends `user_verify` with status BLOCKED (data: userId, borrower_status, previous_status, reason) in the same transaction. While BLOCKED, KYC and credit score requests are 400 naming the status. Already BLOCKED is 409 borrower_already_blocked. A borrower blocked while its KYC runs (VERIFIED) stays BLOCKED when the result comes: the result is recorded (its `user_verify` carries borrower_status BLOCKED) and unblocking restores the status it gives (APPROVED, REJECTED, or PENDING after a FAILED run). In this release it takes the tenant's platform API key, as the KYC review does.",
    tags: ['Platform: borrowers'],
    request: { params: platform.borrowerIdParams, body: platform.borrowerStatusChangeBody },
    responses: {
      200: { description: 'Blocked, with the status history', schema: platform.borrowerStatusView },
      400: { description: 'Invalid field (named)', schema: platformError },
      404: { description: 'No such borrower for this tenant', schema: platformError },
      409: { description: 'Already BLOCKED, or the status changed meanwhile', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  unblockBorrower: route({
    id: 'unblockBorrower',
    method: 'POST',
    path: '/v1/borrowers/{id}/unblock',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/unblock-borrower',
    summary: 'Unblock a borrower: it returns to the status it had before it was blocked',
    description:
      'Records the reason, credential and time as a status history item and sends `user_verify` with the restored status (PENDING, APPROVED, REJECTED) in the same transaction. A borrower that is not BLOCKED is 409 borrower_not_blocked.',
    tags: ['Platform: borrowers'],
    request: { params: platform.borrowerIdParams, body: platform.borrowerStatusChangeBody },
    responses: {
      200: { description: 'Unblocked, with the status history', schema: platform.borrowerStatusView },
      400: { description: 'Invalid field (named)', schema: platformError },
      404: { description: 'No such borrower for this tenant', schema: platformError },
      409: { description: 'Not BLOCKED', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),

  // ---------------------------------------------------------------- platform API: loan engine
  createLoanQuote: route({
    id: 'createLoanQuote',
    method: 'POST',
    path: '/v1/loan-quotes',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/create-loan-quote',
    summary: 'Quote a loan: its schedule, fees, totals and effective rates, checked against the product caps',
    description:
      'Nothing is stored. Amounts are JSON numbers in major units at the currency precision (IDR 0 decimals, INR and USD 2); the last installment absorbs rounding and principal parts always sum to the principal. A regular period is charged interest_rate for its length under day_count (30/360 makes every month exactly 1/12 of a year); a broken first period (first_repayment_date) is charged for its actual length. A quote that breaks a cap of its product is refused with 422 naming the cap.',
    tags: ['Platform: loans'],
    request: { body: platform.loanQuoteBody },
    responses: {
      200: { description: 'The quote', schema: platform.loanQuoteResponse },
      400: { description: 'Invalid input (the field is named)', schema: platformError },
      422: { description: 'The loan breaks a regulatory cap (named)', schema: platformError },
    },
    access: [],
  }),

  // ---------------------------------------------------------------- platform API: loans and payments (issue 10)
  listLoans: route({
    id: 'listLoans',
    method: 'GET',
    path: '/v1/loans',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-loans',
    summary: 'Serviced loans (disbursed onward), newest first, with their ledgers',
    description:
      "Every surface's loan (journey application `app_…`, partner loan `loan_…`) once disbursed. Filters: `status` (DISBURSED, REPAID), `delinquency_bucket` (CURRENT, 1-30, 31-60, 61-90, 90+), `borrower_id`. `meta.total` is exact: counters kept in the same transactions as the loans (one filter or none), or a count over the matching loans (a borrower, or two filters).",
    tags: ['Platform: loans'],
    request: { query: repayment.listLoansQuery },
    responses: {
      200: {
        description: 'A page of loans',
        schema: z.object({ data: z.array(repayment.platformLoanView), meta: platform.meta }),
      },
    },
    access: ['table:read'],
  }),
  getServicedLoan: route({
    id: 'getServicedLoan',
    method: 'GET',
    path: '/v1/loans/{id}',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/get-serviced-loan',
    summary: "A serviced loan's ledger: installments due and paid per component, delinquency, credit",
    tags: ['Platform: loans'],
    request: { params: repayment.servicedLoanParams },
    responses: {
      200: { description: 'The loan', schema: z.object({ data: repayment.platformLoanView }) },
      404: { description: "No such serviced loan (not disbursed, or another tenant's)", schema: platformError },
    },
    access: ['table:read'],
  }),
  createLoanPayment: route({
    id: 'createLoanPayment',
    method: 'POST',
    path: '/v1/loans/{id}/payments',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/create-loan-payment',
    summary: 'Record a manual payment (cash, bank transfer) and apply it',
    description:
      "Allocated as every payment is (penalties, fees, interest, principal; oldest installment first); more than is owed is kept as the borrower's credit. Idempotent by `reference` (per tenant) and by Idempotency-Key: the same reference again answers 200 with the payment first recorded.",
    tags: ['Platform: payments'],
    request: { params: repayment.servicedLoanParams, body: repayment.manualPaymentBody },
    responses: {
      201: { description: 'Applied', schema: z.object({ data: repayment.paymentView }) },
      200: { description: 'Already recorded with this reference', schema: z.object({ data: repayment.paymentView }) },
      404: { description: 'No such serviced loan', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  listPayments: route({
    id: 'listPayments',
    method: 'GET',
    path: '/v1/payments',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-payments',
    summary: 'Payments applied, newest first',
    description: 'Filters: `loan_id`, `channel` (virtual_account, qris, payment_link, cash, bank_transfer), `status`.',
    tags: ['Platform: payments'],
    request: { query: repayment.listPaymentsQuery },
    responses: {
      200: {
        description: 'A page of payments',
        schema: z.object({ data: z.array(repayment.paymentView), meta: platform.meta }),
      },
    },
    access: ['table:read'],
  }),
  createSettlementQuote: route({
    id: 'createSettlementQuote',
    method: 'POST',
    path: '/v1/loans/{id}/settlement-quote',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/settlement-quote',
    summary: 'What settles the loan early on a date: interest to that date only',
    tags: ['Platform: loans'],
    request: { params: repayment.servicedLoanParams, body: repayment.settlementQuoteBody },
    responses: {
      200: { description: 'The quote', schema: z.object({ data: repayment.settlementQuoteView }) },
      400: { description: 'Invalid date', schema: platformError },
      404: { description: 'No such serviced loan', schema: platformError },
    },
    access: ['table:read'],
  }),
  refundLoanCredit: route({
    id: 'refundLoanCredit',
    method: 'POST',
    path: '/v1/loans/{id}/refunds',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/refund-loan-credit',
    summary: "Pay a borrower's credit (an overpayment) back",
    tags: ['Platform: payments'],
    request: { params: repayment.servicedLoanParams, body: repayment.refundBody },
    responses: {
      201: { description: 'Refunded: the loan after it', schema: z.object({ data: repayment.platformLoanView }) },
      400: { description: 'More than the credit held', schema: platformError },
      404: { description: 'No such serviced loan', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  listPaymentExceptions: route({
    id: 'listPaymentExceptions',
    method: 'GET',
    path: '/v1/payment-exceptions',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-payment-exceptions',
    summary: 'Payments a gateway reported that match no loan, kept for ops',
    tags: ['Platform: payments'],
    request: { query: platform.pagination },
    responses: {
      200: {
        description: 'A page of exceptions',
        schema: z.object({ data: z.array(repayment.paymentExceptionView), meta: platform.meta }),
      },
    },
    access: ['table:read'],
  }),
  // ---------------------------------------------------------------- platform API: sandbox gateway and clock
  createSandboxPayment: route({
    id: 'createSandboxPayment',
    method: 'POST',
    path: '/v1/sandbox/payments',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/sandbox-payment',
    summary: 'Sandbox: pay a VA, QRIS or payment link as a borrower would',
    description:
      'The sandbox gateway answers at once and calls POST /api/core/payment-gateway/sandbox/status back asynchronously, signed, as Xendit or Midtrans would. Give `va_number`, `qr_string` or `url` for the channel. Magic amounts (the last three digits of the rupiah amount): `991` the callback arrives late (15 s), `992` the same callback three times at once, `993` out of order (PAID, then a stale PENDING). A number that matches no VA ends as a payment exception. Sandbox keys only (live keys: 404).',
    tags: ['Platform: sandbox'],
    request: { body: repayment.sandboxPaymentBody },
    responses: {
      202: { description: 'Taken; callbacks follow', schema: z.object({ data: repayment.sandboxPaymentView }) },
      400: { description: 'Invalid channel reference or amount', schema: platformError },
      404: { description: 'A live key', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'workflow:start:sandboxGateway'],
  }),
  getSandboxGateway: route({
    id: 'getSandboxGateway',
    method: 'GET',
    path: '/v1/sandbox/payment-gateway',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/sandbox-gateway-info',
    summary: "Sandbox: this account's gateway secret and callback URL, to sign callbacks of your own",
    tags: ['Platform: sandbox'],
    request: {},
    responses: {
      200: { description: 'The account', schema: z.object({ data: repayment.sandboxGatewayView }) },
      404: { description: 'A live key', schema: platformError },
    },
    access: ['table:read', 'table:write'],
  }),
  advanceLoanTime: route({
    id: 'advanceLoanTime',
    method: 'POST',
    path: '/v1/sandbox/loans/{id}/advance-time',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/advance-loan-time',
    summary: "Sandbox: move a loan's clock forward and service every day passed",
    description:
      "A test clock per loan, as Stripe's test clocks: due dates pass, installments turn OVERDUE, late fees accrue, buckets move and their webhooks go out, in seconds. `days` 0 services today again (which changes nothing). Sandbox keys only (live keys: 404).",
    tags: ['Platform: sandbox'],
    request: { params: repayment.servicedLoanParams, body: repayment.advanceTimeBody },
    responses: {
      200: { description: 'The loan after the days passed', schema: z.object({ data: repayment.platformLoanView }) },
      404: { description: 'No such serviced loan, or a live key', schema: platformError },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
};

/**
 * The platform API (shared/specs/platform-api-conventions.txt): native `/v1` resources.
 * Merged into the one route table by ../routes.ts.
 */
import * as z from 'zod';
import { route } from '#http/route';
import * as partner from '../partner/schemas.ts';
import * as platform from './schemas.ts';

const platformError = partner.errorBody;

export const routes = {
  // ---------------------------------------------------------------- platform API: sandbox
  listSandboxMessages: route({
    id: 'listSandboxMessages',
    method: 'GET',
    path: '/v1/sandbox/messages',
    surface: 'platform',
    auth: 'apiKeyBearer',
    handler: 'api/platform/list-sandbox-messages',
    summary: 'Messages the sandbox "sent" to a phone (borrower app OTP codes), newest first',
    description:
      "The sandbox messaging adapter delivers nothing: it keeps each message (WhatsApp or SMS, as the app was told) for a day, for developers and tests to read the OTP the app would have received. Only the caller's own tenant's messages (the borrower app's tenant is the stage's configuration: locally, the sandbox partner `npm start` prints); a live key gets 400.",
    tags: ['Platform: sandbox'],
    request: { query: platform.sandboxMessagesQuery },
    responses: {
      200: { description: 'Messages', schema: platform.sandboxMessagesAnswer },
      400: { description: 'Not a phone number, or a live key', schema: platformError },
    },
    access: ['table:read'],
  }),
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
};

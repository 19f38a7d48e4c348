/**
 * THE route table. Every endpoint is listed here once; the CDK API (one Lambda per route),
 * the local gateway and the OpenAPI document are generated from it and from nothing else.
 */
import { z } from 'zod';
import { route } from '#http/route';
import * as journey from './journey/schemas.ts';
import * as partner from './partner/schemas.ts';
import * as platform from './platform/schemas.ts';

const platformError = partner.errorBody;

export const routes = {
  // ---------------------------------------------------------------- system
  health: route({
    id: 'health',
    method: 'GET',
    path: '/health',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/health',
    summary: 'Liveness and readiness',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'Everything is up', schema: z.object({ status: z.literal('ok') }) } },
    access: ['table:read'],
    unmetered: true,
  }),
  openapi: route({
    id: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'The OpenAPI document' } },
    access: [],
    unmetered: true,
  }),
  docs: route({
    id: 'docs',
    method: 'GET',
    path: '/docs',
    surface: 'system',
    auth: 'none',
    handler: 'api/system/docs',
    summary: 'Rendered API reference',
    tags: ['System'],
    request: {},
    responses: { 200: { description: 'HTML page' } },
    access: [],
    unmetered: true,
  }),

  // ---------------------------------------------------------------- partner API: auth
  issueToken: route({
    id: 'issueToken',
    method: 'POST',
    path: '/api/auth/token/v2',
    surface: 'partner',
    auth: 'basic',
    handler: 'api/partner/issue-token',
    summary: 'Exchange clientId:clientSecret (HTTP Basic) for an access and a refresh token',
    tags: ['Partner: auth'],
    request: {},
    responses: {
      200: { description: 'Tokens', schema: partner.tokenResponse },
      401: { description: 'Unknown or revoked credentials', schema: partner.errorBody },
    },
    access: ['table:read', 'table:write'],
  }),
  refreshToken: route({
    id: 'refreshToken',
    method: 'POST',
    path: '/api/auth/refresh',
    surface: 'partner',
    auth: 'none',
    handler: 'api/partner/refresh-token',
    summary: 'Exchange a refresh token for a new token pair (the old refresh token stops working)',
    tags: ['Partner: auth'],
    request: { body: partner.refreshBody },
    responses: {
      200: { description: 'New tokens', schema: partner.tokenResponse },
      401: { description: 'Unknown, used or expired refresh token', schema: partner.errorBody },
    },
    access: ['table:read', 'table:write'],
  }),

  // ---------------------------------------------------------------- partner API: borrowers
  createUser: route({
    id: 'createUser',
    method: 'POST',
    path: '/api/core/users',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-user',
    summary: 'Create a borrower (PERSONAL or BUSINESS)',
    description:
      'Creates a borrower in PENDING status and emits `user_created`. NIK, phone and NIB are unique per partner and mode: a duplicate is 409. Honours `Idempotency-Key`.',
    tags: ['Partner: borrowers'],
    request: { body: partner.createUserBody },
    responses: {
      201: { description: 'Created', schema: partner.createUserResponse },
      400: { description: 'Invalid field (named in details)', schema: partner.errorBody },
      409: { description: 'A borrower with this NIK, phone or NIB exists', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  getUser: route({
    id: 'getUser',
    method: 'GET',
    path: '/api/core/users/{userId}',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/get-user',
    summary: 'A borrower with its status, KYC result and documents',
    tags: ['Partner: borrowers'],
    request: { params: partner.userIdParams },
    responses: {
      200: { description: 'The borrower', schema: partner.userView },
      404: { description: 'No such borrower for this partner and mode', schema: partner.errorBody },
    },
    access: ['table:read'],
  }),
  createDocument: route({
    id: 'createDocument',
    method: 'POST',
    path: '/api/documents',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-document',
    summary: 'Register a KYC document and get a presigned URL to PUT its bytes to',
    tags: ['Partner: documents'],
    request: { body: partner.createDocumentBody },
    responses: {
      201: { description: 'Registered', schema: partner.createDocumentResponse },
      404: { description: 'No such borrower', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:write'],
  }),
  startKyc: route({
    id: 'startKyc',
    method: 'POST',
    path: '/api/core/users/{userId}/kyc',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/start-kyc',
    summary: 'Run KYC (OCR of the KTP, liveness, face match) with the provider in the data-source header',
    description:
      'Moves the borrower to VERIFIED and starts the KYC workflow; the result (APPROVED or REJECTED) arrives as `user_verify` and on GET. Needs the KTP and SELFIE documents uploaded (BUSINESS: NIB, DIRECTOR_KTP, SELFIE). Sandbox magic values (last four digits of the NIK, or director NIK): 9001 OCR unreadable, 9002 liveness fails, 9003 face mismatch, 9004 provider outage (KYC FAILED, borrower back to PENDING); anything else is approved.',
    tags: ['Partner: KYC'],
    request: { params: partner.userIdParams, headers: partner.kycHeaders },
    responses: {
      202: { description: 'KYC started', schema: partner.startKycResponse },
      404: { description: 'No such borrower', schema: partner.errorBody },
      409: { description: 'KYC not allowed in the borrower status, or documents missing', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'workflow:start:kyc'],
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

  // ---------------------------------------------------------------- journey API (x-api-key)
  journeyCreateUser: route({
    id: 'journeyCreateUser',
    method: 'POST',
    path: '/v2/user/create',
    surface: 'journey',
    auth: 'apiKeyHeader',
    handler: 'api/journey/create-user',
    summary: 'Create a lending user for a customerID',
    description:
      'Idempotent on customerID: the same customerID with the same mobile continues the journey from its stage (200, CUR-S-000, `data.stage`); the same customerID with another mobile is 409 CUR-E-002 (User Exists). An invalid mobile is 400 CUR-E-001; a missing customerID 400 FBX-E-014. The spec table names the field customer_id, its sample customerID: customerID is what is read.',
    tags: ['Journey: user'],
    request: { body: journey.createUserBody },
    responses: {
      200: { description: 'Created, or an existing customer resumed (CUR-S-000)', schema: journey.messageData },
      400: { description: 'CUR-E-001 invalid mobile, FBX-E-014 customerID missing', schema: journey.journeyError },
      409: { description: 'CUR-E-002 the customerID exists with another mobile', schema: journey.journeyError },
    },
    idempotent: true,
    errorCodes: {
      'field:mobile': 'CUR-E-001',
      'field:customerID': 'FBX-E-014',
      customer_exists: 'CUR-E-002',
      borrower_exists: 'CUR-E-002',
    },
    access: ['table:read', 'table:write'],
  }),
  journeyUpdateDetails: route({
    id: 'journeyUpdateDetails',
    method: 'POST',
    path: '/v2/user/details/update',
    surface: 'journey',
    auth: 'apiKeyHeader',
    handler: 'api/journey/update-details',
    summary: "Share the customer's personal, employment, business, mandate and insurance details and consents",
    description:
      'PAN, PIN codes and IFSC are validated (UUD-E-002 names the field); an unknown program is FBX-E-007; an unknown customerID FBX-E-006. Each consent (type, timestamp, ip, url) is kept as its own audit record. A PAN that belongs to another customer of the partner is 409 UUD-E-001 (dedupe).',
    tags: ['Journey: user'],
    request: { body: journey.updateDetailsBody },
    responses: {
      200: { description: 'UUD-S-000', schema: journey.messageData },
      400: { description: 'UUD-E-002 validation error, FBX-E-007 invalid program', schema: journey.journeyError },
      404: { description: 'FBX-E-006 user not found', schema: journey.journeyError },
    },
    idempotent: true,
    errorCodes: {
      invalid_request: 'UUD-E-002',
      'field:body': 'UUD-E-000',
      'field:program': 'FBX-E-007',
      'field:customerID': 'FBX-E-014',
      pan_exists: 'UUD-E-001',
    },
    access: ['table:read', 'table:write'],
  }),
  journeyBankList: route({
    id: 'journeyBankList',
    method: 'GET',
    path: '/v2/bank/list',
    surface: 'journey',
    auth: 'apiKeyHeader',
    handler: 'api/journey/bank-list',
    summary: 'Banks accepted by the banking flow',
    tags: ['Journey: banking'],
    request: { query: journey.bankListQuery },
    responses: { 200: { description: 'BANK-GBL-S-000', schema: journey.bankListResponse } },
    access: [],
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

export type RouteId = keyof typeof routes;

/** Every route, in table order. */
export const routeList = Object.values(routes);

/**
 * The partner API (shared/specs/partner-api-guide.txt): token exchange, borrowers, documents, KYC.
 * Merged into the one route table by ../routes.ts.
 */
import { route } from '#http/route';
import * as partner from './schemas.ts';

export const routes = {
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
    description:
      'Rotation with reuse detection (OAuth 2.0 Security BCP): each refresh token works once, and the new one continues the family of its login. A spent refresh token presented again is 401 invalid_grant and revokes every refresh token of its family, the newest included; get a new pair with POST /api/auth/token/v2. Access tokens already issued stay valid until they expire (15 minutes).',
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
};

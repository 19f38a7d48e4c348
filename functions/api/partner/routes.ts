/**
 * The partner API (shared/specs/partner-api-guide.txt): token exchange, borrowers, documents, KYC.
 * Merged into the one route table by ../routes.ts.
 */
import * as z from 'zod';
import { route } from '#http/route';
import * as repayment from '../repayment-schemas.ts';
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
      'Rotation with reuse detection (OAuth 2.0 Security BCP): each refresh token works once, and the new one continues the family of its login. The same token again within 30 seconds of its refresh, while the refresh_token it gave is unspent, answers the same pair (concurrent sends and a retry after a lost answer are one refresh). A spent refresh token presented later, or after its successor was spent, is 401 invalid_grant and revokes every refresh token of its family, the newest included; get a new pair with POST /api/auth/token/v2. Access tokens already issued stay valid until they expire (15 minutes).',
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
    summary: 'A borrower with its status, KYC result, latest credit score and documents',
    description:
      'credit_score is the latest run of POST /api/core/users/{userId}/credit-score (null before the first): IN_PROGRESS until the workflow records it, then its score, grade and per-source summary, the same as the user_credit_score callback.',
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
      400: { description: 'Unknown data-source, or the borrower is BLOCKED (named)', schema: partner.errorBody },
      404: { description: 'No such borrower', schema: partner.errorBody },
      409: { description: 'KYC not allowed in the borrower status, or documents missing', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'workflow:start:kyc'],
  }),

  // ---------------------------------------------------------------- partner API: loans
  createLoan: route({
    id: 'createLoan',
    method: 'POST',
    path: '/api/core/loans/{id}',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-loan',
    summary: 'Create a single-payment loan for an APPROVED borrower ({id} is the userId)',
    description:
      "The whole principal plus interest is due on one date, tenor_days after the schedule start (the creation date in Asia/Jakarta). The loan engine computes the schedule exactly as POST /v1/loan-quotes does for the same terms (method single_payment, term {count: tenor_days, frequency: daily}, the day_count shown in `terms`, disbursement_date = `disbursement_date`), and refuses terms that break the OJK caps of `product` with 422 naming the cap (cap_daily_economic_benefit, cap_total_cost). Only an APPROVED borrower: PENDING, VERIFIED, REJECTED or BLOCKED is 400 borrower_not_approved naming the status. `disbursement_account` is required when the borrower has none; the first one given is stored on the borrower. Answers 201 with the loan in PENDING (its `loan` callback is sent) and starts its workflow; next: POST /api/core/loans/signing/initiate. Idempotent twice over: `Idempotency-Key`, and `reference_id` (unique per partner and mode: the same reference_id with the same request answers the same loan, 201; with another request 409 reference_id_taken). Amounts are major units at the currency's precision. {id} is the path's only parameter name at this level (API Gateway allows one), so the guide's {userId} is written {id} here; the URL is the same.",
    tags: ['Partner: loans'],
    request: { params: partner.loanBorrowerParams, body: partner.singlePaymentLoanBody },
    responses: {
      201: {
        description: 'The loan, PENDING (or as it stands, for a repeated reference_id)',
        schema: partner.loanView,
      },
      400: { description: 'Invalid field, or the borrower is not APPROVED (named)', schema: partner.errorBody },
      404: { description: 'No such borrower for this partner and mode', schema: partner.errorBody },
      409: {
        description: 'reference_id names another loan created with a different request',
        schema: partner.errorBody,
      },
      422: { description: 'The terms break an OJK cap (named)', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'workflow:start:application'],
  }),
  createBnplLoan: route({
    id: 'createBnplLoan',
    method: 'POST',
    path: '/api/core/loans/{id}/bnpl',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-bnpl-loan',
    summary: 'Create a BNPL (installment) loan for an APPROVED borrower ({id} is the userId)',
    description:
      '`installments` payments, weekly, biweekly or monthly, the first one period after the schedule start (the creation date in Asia/Jakarta). `method` defaults to flat: BNPL plans are sold as a flat rate per month on the original amount in equal installments; declining_equal_installment and declining_equal_principal are available. The day count defaults so the quoted rate means what it says: 30/360 for a monthly rate on monthly installments, the 364-day year for a monthly rate on weekly or biweekly ones, actual/365 for a daily rate. The schedule equals POST /v1/loan-quotes for the same terms (shown in `terms`). Status changes are sent as `bnpl` callbacks. Everything else (borrower status, caps, disbursement_account, reference_id and Idempotency-Key) as for a single-payment loan.',
    tags: ['Partner: loans'],
    request: { params: partner.loanBorrowerParams, body: partner.bnplLoanBody },
    responses: {
      201: {
        description: 'The loan, PENDING (or as it stands, for a repeated reference_id)',
        schema: partner.loanView,
      },
      400: { description: 'Invalid field, or the borrower is not APPROVED (named)', schema: partner.errorBody },
      404: { description: 'No such borrower for this partner and mode', schema: partner.errorBody },
      409: {
        description: 'reference_id names another loan created with a different request',
        schema: partner.errorBody,
      },
      422: { description: 'The terms break an OJK cap (named)', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'workflow:start:application'],
  }),
  getLoan: route({
    id: 'getLoan',
    method: 'GET',
    path: '/api/core/loans/details/{uniqueId}',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/get-loan',
    summary: 'A loan with its status, status history, schedule, amounts and agreement link',
    description:
      "Statuses as the guide's table: PENDING (created, no agreement yet), SIGNING (agreement sent to the borrower), ACTIVE (signed, awaiting disbursement: `disbursement` says whether a transfer is PROCESSING or FAILED and may be triggered again), DISBURSED, REJECTED (before disbursement: signing declined or not done within 7 days, POST …/reject, or no disbursement within 14 days of signing), REPAID (nothing owed: the last payment or an early settlement). From DISBURSED on, `repayment` is the loan's ledger. `agreement_url` is a presigned link valid 15 minutes. The account number is masked to its last four digits. Another partner's or mode's loan is 404.",
    tags: ['Partner: loans'],
    request: { params: partner.loanUniqueIdParams },
    responses: {
      200: { description: 'The loan', schema: partner.loanView },
      404: { description: 'No such loan for this partner and mode', schema: partner.errorBody },
    },
    access: ['table:read', 'documents:read'],
  }),
  initiateLoanSigning: route({
    id: 'initiateLoanSigning',
    method: 'POST',
    path: '/api/core/loans/signing/initiate',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/initiate-signing',
    summary: "Send a PENDING loan's agreement to the borrower for signature (PENDING -> SIGNING -> ACTIVE)",
    description:
      "Generates the agreement PDF from the loan's terms and schedule (the same renderer as the journey API), puts its presigned link on the loan (`agreement_url`) and sends it to the e-signer: VIDA. The loan is SIGNING with a callback; the borrower's signature is the e-signer's callback into the loan's workflow, which makes it ACTIVE (callback). In the sandbox the borrower signs within moments, unless the loan's reference_id ends in _sign_reject (declined) or _sign_expire (the link expires unsigned): then REJECTED with the reason. Answers 200 with the loan as it stands (SIGNING, or ACTIVE if the signature came already). A repeated call is answered the same way and sends nothing twice; a loan that is not PENDING or SIGNING is 409.",
    tags: ['Partner: loans'],
    request: { body: partner.initiateSigningBody },
    responses: {
      200: { description: 'The loan, SIGNING (or further)', schema: partner.loanView },
      404: { description: 'No such loan for this partner and mode', schema: partner.errorBody },
      409: { description: 'The loan is not PENDING (its status named)', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'documents:write', 'workflow:callback:application'],
  }),
  disburseLoan: route({
    id: 'disburseLoan',
    method: 'POST',
    path: '/api/core/loans/{id}/disbursement',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/disburse-loan',
    summary: "Disburse an ACTIVE loan to the borrower's bank account ({id} is the loanUniqueId)",
    description:
      "Asynchronous: answers 202 with the loan, still ACTIVE, its `disbursement` PROCESSING; the loan's workflow transfers net_disbursed through the bank exactly once (the sandbox bank confirms within moments) and the loan becomes DISBURSED with its callback. N identical calls at once make one transfer and answer the same disbursement. If the bank fails (sandbox: reference_id ending in _disburse_fail, or _disburse_fail_once for the first attempt only), the loan stays ACTIVE, `disbursement` is FAILED with the reason, a callback says so, and a new call is the next attempt. A loan that is not ACTIVE is 409.",
    tags: ['Partner: loans'],
    request: { params: partner.loanIdParams },
    responses: {
      202: { description: 'The loan with its disbursement (PROCESSING, or as it stands)', schema: partner.loanView },
      404: { description: 'No such loan for this partner and mode', schema: partner.errorBody },
      409: { description: 'The loan is not ACTIVE (its status named)', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'workflow:callback:application'],
  }),
  rejectLoan: route({
    id: 'rejectLoan',
    method: 'POST',
    path: '/api/core/loans/{id}/reject',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/reject-loan',
    summary: 'Reject a loan before disbursement, with a reason ({id} is the loanUniqueId)',
    description:
      "PENDING, SIGNING or ACTIVE (no transfer under way) -> REJECTED, with the reason in the status history and the callback; the loan's workflow ends (its wait fails with LoanRejected). Rejecting a REJECTED loan answers it again. Once a disbursement is PROCESSING or the loan is DISBURSED it is refused with 409.",
    tags: ['Partner: loans'],
    request: { params: partner.loanIdParams, body: partner.rejectLoanBody },
    responses: {
      200: { description: 'The loan, REJECTED', schema: partner.loanView },
      404: { description: 'No such loan for this partner and mode', schema: partner.errorBody },
      409: { description: 'The loan is being or has been disbursed', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'workflow:callback:application'],
  }),
  startCreditScore: route({
    id: 'startCreditScore',
    method: 'POST',
    path: '/api/core/users/{userId}/credit-score',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/start-credit-score',
    summary: 'Score a borrower from the credit bureaus in the credit-source header (afpi, clik or both)',
    description: [
      "Asynchronous, like KYC: 202 with a reference_id; the workflow asks each bureau side by side (AFPI's fintech data centre, Pusdafil/SILARAS; CLIK) and the result arrives as the `user_credit_score` callback and on GET /api/core/users/{userId} as `credit_score`: score (250-900), grade (A 750+, B 650-749, C 550-649, D 450-549, E below 450) and per source its status, active loans, outstanding (rupiah) and worst days past due in the last 12 months.",
      'Scorecard: 600, plus 3 a month of the longest credit history (up to 36 months), plus 100 for no late payment, 0 for at most 30 days past due, -100 up to 60, -200 up to 90, -300 beyond; -25 for each active loan above 3 (at most -100); clamped to 250-900. A thin file (no bureau knows the borrower) is COMPLETED with score and grade null and thin_file true.',
      'A bureau that keeps failing (after the workflow retries) is that source FAILED with a reason, and the score uses the other source (status COMPLETED); when every source fails the run is FAILED. In live mode no bureau adapter is configured in this release: each source is FAILED with "not configured for live mode", never simulated.',
      "Any borrower of the tenant but a BLOCKED one (400) may be scored: a partner may pre-screen before KYC (the NIK is the borrower's, the director's for a BUSINESS borrower). Idempotent: the same request (same sources) within 15 minutes of a run answers 202 with that run's reference_id and status, while it runs (20 at once included: one run) or once every source has answered, rather than make a new bureau inquiry (inquiries are billed, and recorded at the bureau); a FAILED run, or one a source failed in, may be retried at once, and after 15 minutes a request is a new run. A request for other sources while a run is in progress is 409. `Idempotency-Key` replays the first answer as on every POST.",
      'Sandbox magic values, last four digits of the NIK: 7001 thin file; 7002 delinquent, over 90 days past due (E); 7003 grade B; 7004 grade C; 7005 grade D; 7006 AFPI down (afpi FAILED, CLIK kept); 7007 CLIK down; 7008 both down (FAILED); anything else a good borrower (808, A).',
    ].join('\n\n'),
    tags: ['Partner: credit score'],
    request: { params: partner.userIdParams, headers: partner.creditScoreHeaders },
    responses: {
      202: {
        description: 'Credit score started (or the identical recent run, as it stands)',
        schema: partner.startCreditScoreResponse,
      },
      400: {
        description:
          'credit-source missing or not afpi/clik (details name header.credit-source), or the borrower is BLOCKED',
        schema: partner.errorBody,
      },
      404: { description: 'No such borrower for this partner and mode', schema: partner.errorBody },
      409: { description: 'A run for other sources is in progress', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'workflow:start:creditScore'],
  }),

  // ---------------------------------------------------------------- partner API: repayment (issue 10)
  createLoanVirtualAccount: route({
    id: 'createLoanVirtualAccount',
    method: 'POST',
    path: '/api/core/loans/{id}/virtual-account',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-virtual-account',
    summary: 'A virtual account (bank transfer) for what the loan has due now',
    description:
      "Banks: BCA, BNI, BRI, MANDIRI, PERMATA, CIMB. The number follows SNAP BI (`partner_service_id`, the bank's prefix padded to 8 characters, + `customer_no`, whose last digit is a Luhn check digit); `va_number` is what the borrower types. Closed amount: `amount` is what is due now (overdue included, or the next installment). The loan keeps one number per bank for good; asking again answers the same live VA (its amount and expiry renewed when they moved). Valid 3 days. The payment arrives as a gateway callback and is applied to the ledger; the partner hears `payment_gateway` PAID and the loan's changes. A loan not yet DISBURSED, or REPAID, is 409. Live mode answers 503 (not_configured) until a gateway adapter that opens VAs at the bank is configured.",
    tags: ['Partner: repayment'],
    request: { params: partner.loanIdParams, body: repayment.virtualAccountBody },
    responses: {
      201: { description: 'The live VA', schema: repayment.virtualAccountView },
      404: { description: 'No such loan for this partner and mode', schema: partner.errorBody },
      409: { description: 'The loan is not disbursed, or is REPAID', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  createLoanQris: route({
    id: 'createLoanQris',
    method: 'POST',
    path: '/api/core/loans/{id}/qris',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-qris',
    summary: 'A dynamic QRIS for what the loan has due now, with a PNG of it',
    description:
      'EMVCo merchant-presented mode: tag 01 `12` (dynamic), 26 `ID.CO.QRIS.WWW` with the merchant PAN, 52 MCC 6012, 53 `360`, 54 the amount, 58 `ID`, 59/60 merchant name and city, 62.01 our reference (the bill number the acquirer echoes), 63 CRC-16/CCITT-FALSE. QRIS takes at most Rp10,000,000 per transaction (400 above). Valid 30 minutes; asking again while it is live answers it. `qr_image_url` is a presigned PNG link. Live mode answers 503 (not_configured) until an acquiring gateway adapter is configured.',
    tags: ['Partner: repayment'],
    request: { params: partner.loanIdParams },
    responses: {
      201: { description: 'The QRIS', schema: repayment.qrisView },
      400: { description: 'The amount is over the QRIS limit', schema: partner.errorBody },
      404: { description: 'No such loan', schema: partner.errorBody },
      409: { description: 'The loan is not disbursed, or is REPAID', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write', 'documents:read', 'documents:write'],
  }),
  createLoanPaymentLink: route({
    id: 'createLoanPaymentLink',
    method: 'POST',
    path: '/api/core/loans/{id}/payment-link',
    surface: 'partner',
    auth: 'partnerJwt',
    handler: 'api/partner/create-payment-link',
    summary: 'A hosted payment page the borrower opens in a browser',
    description:
      "The page (phone width) shows what is due now, the schedule, the loan's virtual accounts and live QRIS; in sandbox it has a Pay button that pays through the sandbox gateway. Valid 24 hours; asking again while it is live answers it.",
    tags: ['Partner: repayment'],
    request: { params: partner.loanIdParams },
    responses: {
      201: { description: 'The link', schema: repayment.paymentLinkView },
      404: { description: 'No such loan', schema: partner.errorBody },
      409: { description: 'The loan is not disbursed, or is REPAID', schema: partner.errorBody },
    },
    idempotent: true,
    access: ['table:read', 'table:write'],
  }),
  paymentLinkPage: route({
    id: 'paymentLinkPage',
    method: 'GET',
    path: '/api/core/payment-links/{token}',
    surface: 'partner',
    auth: 'none',
    handler: 'api/partner/payment-page',
    contentType: 'text/html',
    summary: 'The hosted payment page (HTML) a payment link opens',
    tags: ['Partner: repayment'],
    request: {
      params: repayment.paymentLinkParams,
      query: z.object({
        paid: z
          .string()
          .regex(/^\d{1,12}$/)
          .optional(),
      }),
    },
    responses: { 200: { description: 'HTML page' }, 404: { description: 'Expired or unknown link (HTML)' } },
    unmetered: true,
    access: ['table:read', 'documents:read'],
  }),
  paymentLinkPay: route({
    id: 'paymentLinkPay',
    method: 'POST',
    path: '/api/core/payment-links/{token}/pay',
    surface: 'partner',
    auth: 'none',
    handler: 'api/partner/payment-page-pay',
    contentType: 'text/html',
    summary: "Sandbox: the payment page's Pay button (a url-encoded form with `amount`)",
    description:
      'Pays through the sandbox gateway, which calls the callback route back, signed, as for POST /v1/sandbox/payments; answers 303 back to the page. Same-origin form posts only; live links have no button (404).',
    tags: ['Partner: repayment'],
    request: { params: repayment.paymentLinkParams },
    responses: {
      303: { description: 'Back to the page' },
      404: { description: 'Expired, unknown or live link (HTML)' },
    },
    access: ['table:read', 'table:write', 'workflow:start:sandboxGateway'],
  }),
  paymentGatewayCallback: route({
    id: 'paymentGatewayCallback',
    method: 'POST',
    path: '/api/core/payment-gateway/{provider}/status',
    surface: 'partner',
    auth: 'none',
    handler: 'api/partner/payment-gateway-callback',
    summary: "A payment gateway's notification (the guide's callback path): verified, then applied once",
    description:
      "Providers: `sandbox` (header `x-lendstack-gateway-signature: t=<unix>,v1=<hex HMAC-SHA256 of \"t.body\">` with the account's secret from GET /v1/sandbox/payment-gateway, and `x-lendstack-gateway-account: <account_id>`), `xendit` (`x-callback-token`, env XENDIT_CALLBACK_TOKEN) and `midtrans` (`signature_key` in the body, env MIDTRANS_SERVER_KEY). The signature is checked before the body is read: 401 and nothing stored otherwise; a provider not configured is 501. A PAID payment is applied to the loan its VA, QRIS reference or link names, once per the provider's payment id (duplicates and retries answer `duplicate`); when the VA or QRIS carries the borrower app's current unpaid instruction (POST /api/v1/payments/generate) for the same amount, the payment marks it PAID in the same transaction, so the app's notify webhook for it then applies nothing; when the app's webhook paid that instruction first, the first callback of the same amount on its channel is the gateway's report of that money and answers `duplicate` (bound to the webhook's payment), while any further payment to the same VA is real money and is applied; other statuses change nothing (`ignored`); a payment naming no channel is kept as a payment exception (GET /v1/payment-exceptions).",
    tags: ['Partner: repayment'],
    request: { params: repayment.gatewayParams },
    responses: {
      200: { description: 'Received', schema: repayment.gatewayAck },
      401: { description: 'Not signed by the gateway', schema: partner.errorBody },
      404: { description: 'Unknown gateway', schema: partner.errorBody },
    },
    unmetered: true,
    secrets: ['XENDIT_CALLBACK_TOKEN', 'MIDTRANS_SERVER_KEY'],
    access: ['table:read', 'table:write'],
  }),
};

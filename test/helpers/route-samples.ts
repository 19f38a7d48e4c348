/**
 * A real object of every kind a route can name, made over HTTP as a partner would, and a valid
 * request for every route of the table built from them. The fuzz suite mutates these
 * requests; the tenant-isolation suite sends them as someone else.
 *
 * A route with no entry in SAMPLES still gets a request: its path parameters and the id
 * fields of its schemas are filled from the fixtures by field name, so a new route is
 * exercised without anyone adding it here (and a suite that needs more says so).
 */
import { generateKeyPairSync, randomInt } from 'node:crypto';
import * as z from 'zod';
import type { RouteDef } from '#http/route';
import { APP_PIN, appClient, appPhone, newDeviceId, personalInfo } from './app-user.ts';
import { personalBorrower } from './factories.ts';
import { type Answer, authHeaders, type Harness, type RawRequest, type Tenant } from './route-harness.ts';

/** One tenant's objects, one of each kind a route can name. */
export interface Fixtures {
  /** Partner API borrower with its KTP and SELFIE uploaded (KYC not started). */
  userId: string;
  nik: string;
  phone: string;
  /** Platform API webhook endpoint, and an event delivered to it. */
  endpointId: string;
  eventId: string;
  /** Platform API report (a loan book of this month), generated. */
  reportId: string;
  /** Journey customer walked to DISBURSED, and the reference of each step. */
  customerID: string;
  mobile: string;
  pan: string;
  offerID: string;
  breReference: string;
  kycReference: string;
  agreementReference: string;
  disbursalReference: string;
  bankingReference: string;
  sessionId: string;
  /** A KYC run held for manual review (PAN digits 8003), and one waiting for the CKYC OTP (8001). */
  kycReviewReference: string;
  kycOtpReference: string;
  refreshToken: string;
  /** Partner API borrower through KYC to APPROVED, and a PENDING loan of it. */
  approvedUserId: string;
  loanUniqueId: string;
  /**
   * Partner loans of the approved borrower signed and DISBURSED, so each has a ledger (a
   * serviced loan): one owing, with a VA at BCA, a QRIS and a payment link; one paid over
   * what it owed (REPAID, with credit to refund).
   */
  servicedLoanId: string;
  vaNumber: string;
  qrString: string;
  paymentLinkToken: string;
  creditLoanId: string;
  /** Borrower app (the app tenant only): a signed-in user's device, refresh token and biometric id, and the phones of users waiting for each step. */
  appDeviceId: string;
  appRefreshToken: string;
  appBiometricId: string;
  appOnboardingPhone: string;
  appOnboardingDeviceId: string;
  appLoginPhone: string;
}

/** A multipart/form-data part: a field, or a file. */
export type FormPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; bytes: Uint8Array };

/** A request before it is encoded: the route's parts, each as the route's schema sees it. */
export interface Sample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  form?: FormPart[];
  headers?: Record<string, string>;
}

export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
/** Not a readable statement: the analysis FAILS, which still records a reference to poll. */
export const NOT_A_STATEMENT = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');

/** The multipart body and its content type. */
export function multipart(parts: FormPart[], boundary = '----lendstack-harness-boundary') {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      'filename' in part
        ? `form-data; name="${part.name}"; filename="${part.filename}"\r\ncontent-type: ${part.contentType}`
        : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.from('filename' in part ? part.bytes : part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A request line path: the route's path with its parameters (encoded) and the query. */
export function pathOf(route: RouteDef, params: Record<string, string> = {}, query?: Record<string, string>) {
  const path = route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
  return `${path}${search}`;
}

/** The sample as bytes on the wire, with the caller's credentials for the route's scheme. */
export function encode(route: RouteDef, sample: Sample, caller: Tenant | null): RawRequest {
  const headers: Record<string, string> = { ...(caller ? authHeaders(caller, route.auth) : {}), ...sample.headers };
  let body: Uint8Array | string | undefined;
  if (sample.form) {
    const encoded = multipart(sample.form);
    body = encoded.body;
    headers['content-type'] = encoded.contentType;
  } else if (sample.body !== undefined) {
    body = JSON.stringify(sample.body);
    headers['content-type'] = 'application/json';
  }
  return { method: route.method, path: pathOf(route, sample.params, sample.query), headers, body };
}

/** The JSON Schema of a route's request part (the one the OpenAPI document shows). */
export function jsonSchemaOf(schema: z.ZodType | undefined): Record<string, any> | undefined {
  if (!schema) return undefined;
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>;
}

/** Top-level property names of an object schema (every branch of a union). */
export function propertyNames(json: Record<string, any> | undefined): string[] {
  if (!json) return [];
  const branches: Record<string, any>[] = json.anyOf ?? json.oneOf ?? [json];
  return [...new Set(branches.flatMap((b) => Object.keys(b.properties ?? {})))];
}

/**
 * Multipart routes have no body schema in the table (they read the raw event): the form
 * fields that name an object, per route.
 */
export const FORM_ID_FIELDS: Record<string, string[]> = {
  journeyUploadDocument: ['customerID'],
  journeyTriggerBanking: ['customerID'],
};

/**
 * Snake-case body fields that name an object (the platform API's style), per route: ID_FIELD
 * leaves snake case out because most `_id` fields are the partner's own keys (`reference_id`).
 */
export const BODY_SNAKE_ID_FIELDS: Record<string, string[]> = {
  createPaymentLink: ['loan_id'],
};

/** A field that names an object: `id`, `userId`, `customerID`, `referenceID`, … */
const ID_FIELD = /^id$|Id$|ID$/;

/** Where a route takes ids: path parameters, id fields of its query and body, form fields. */
export function idFields(route: RouteDef): { field: string; in: 'path' | 'query' | 'body' | 'form' }[] {
  const path = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ field: m[1] ?? '', in: 'path' as const }));
  const query = propertyNames(jsonSchemaOf(route.request.query))
    .filter((f) => ID_FIELD.test(f))
    .map((field) => ({ field, in: 'query' as const }));
  const body = propertyNames(jsonSchemaOf(route.request.body))
    .filter((f) => ID_FIELD.test(f))
    .map((field) => ({ field, in: 'body' as const }));
  const form = (FORM_ID_FIELDS[route.id] ?? []).map((field) => ({ field, in: 'form' as const }));
  const snake = (BODY_SNAKE_ID_FIELDS[route.id] ?? []).map((field) => ({ field, in: 'body' as const }));
  return [...path, ...query, ...body, ...form, ...snake];
}

/**
 * `referenceID` names a different object on each journey route (a BRE run, a KYC run, an
 * agreement…): which fixture it is, per route. A new route taking a referenceID needs a line.
 */
export const REFERENCE_OF: Record<string, keyof Fixtures> = {
  journeyGetOffers: 'breReference',
  journeyGetAgreement: 'agreementReference',
  journeyGetDisbursal: 'disbursalReference',
  journeyGetBanking: 'bankingReference',
  journeyGetKyc: 'kycReference',
  journeySubmitKycOtp: 'kycOtpReference',
  resolveKycReview: 'kycReviewReference',
};

/** The fixture an id field of a route names, or undefined when there is no fixture of its kind. */
export function fixtureFor(route: RouteDef, field: string, fx: Fixtures): string | undefined {
  if (field === 'referenceID') {
    const kind = REFERENCE_OF[route.id];
    return kind ? fx[kind] : undefined;
  }
  if (field === 'id' && LOAN_CREATION.has(route.id)) return fx.approvedUserId;
  if (field === 'id' && route.id === 'refundLoanCredit') return fx.creditLoanId;
  if (field === 'id' && SERVICED_LOAN.has(route.id)) return fx.servicedLoanId;
  if (field === 'token') return fx.paymentLinkToken;
  if (field === 'loan_id') return fx.servicedLoanId;
  if (field === 'id') {
    // A bare `{id}` names an object of the collection before it: `/v1/borrowers/{id}/block`.
    const collection = /\/([\w-]+)\/\{id\}/.exec(route.path)?.[1] ?? '';
    const kind = ID_OF_COLLECTION[collection];
    return kind ? fx[kind] : undefined;
  }
  const byField: Record<string, string> = {
    userId: fx.userId,
    customerID: fx.customerID,
    sessionId: fx.sessionId,
    eventId: fx.eventId,
    loanUniqueId: fx.loanUniqueId,
    uniqueId: fx.loanUniqueId,
  };
  return byField[field];
}

/** The fixture a bare `{id}` names, by the collection its path puts it in. */
const ID_OF_COLLECTION: Record<string, keyof Fixtures> = {
  'webhook-endpoints': 'endpointId',
  events: 'eventId',
  borrowers: 'userId',
  clients: 'userId',
  users: 'userId',
  loans: 'loanUniqueId',
  // A partner loan is an application (its workflow's execution is named after it).
  applications: 'loanUniqueId',
  reports: 'reportId',
};

/** POST /api/core/loans/{id}[/bnpl]: the `{id}` is the borrower (userId), which must be APPROVED. */
const LOAN_CREATION = new Set(['createLoan', 'createBnplLoan']);

/**
 * Routes whose `{id}` is a serviced loan (disbursed, with a ledger): a PENDING loan is 409 or
 * 404 there, so they name the disbursed fixture.
 */
export const SERVICED_LOAN = new Set([
  'createLoanVirtualAccount',
  'createLoanQris',
  'createLoanPaymentLink',
  'getServicedLoan',
  'createLoanPayment',
  'createSettlementQuote',
  'refundLoanCredit',
  'advanceLoanTime',
]);

/** A partner loan request the sandbox accepts (a new reference_id each time). */
export const loanRequest = () => ({
  principal: 1000000,
  currency: 'IDR',
  tenor_days: 30,
  interest_rate: 0.1,
  rate_period: 'day',
  reference_id: `sample-${randomInt(1e9)}`,
  disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
});

/** The spec's "Update User Details" sample for one customer. */
export function journeyDetails(customerID: string, pan: string) {
  return {
    customerID,
    program: 'PERSONAL_LOAN',
    basicDetails: {
      personalDetails: {
        pan,
        email: 'testuser@gmail.com',
        name: 'Test User',
        dob: '1997-11-18',
        gender: 'MALE',
        currentAddress: { pincode: '560095', currentAddressLine1: 'some_address_L1', currentAddressCity: 'some_city' },
      },
      employmentDetails: { employmentType: 'Salaried', monthlyIncome: '0-25000', employmentOrganization: 'some_org' },
    },
    consents: ['HYBRID_CONSENT', 'BUREAU', 'TNC'].map((type) => ({
      type,
      timestamp: '2024-01-01T00:00:00Z',
      body: 'some_consent_content',
      ipAddress: '192.0.2.1',
      url: 'some_url',
    })),
  };
}

/** A report request any tenant can make: its loan book of December 2026. */
export const REPORT_REQUEST = { type: 'loan_book', from: '2026-12-01', to: '2026-12-31' };

export const LOAN_QUOTE = {
  principal: 10000000,
  currency: 'IDR',
  method: 'declining_equal_installment',
  interest_rate: 12.0,
  rate_period: 'year',
  term: { count: 6, frequency: 'monthly' },
  day_count: '30/360',
  disbursement_date: '2026-01-15',
  first_repayment_date: '2026-02-15',
  fees: [{ type: 'processing', percent: 2.75, tax_percent: 18, deduct_from_principal: true }],
};

/** A P-256 device key as Android exports it (base64 SPKI). */
const APP_PUBLIC_KEY = (
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'der' }) as Buffer
).toString('base64');

/** A valid request per route, for the tenant that owns `fx`. */
const SAMPLES: Record<string, (fx: Fixtures) => Sample> = {
  docsAsset: () => ({ params: { file: 'scalar-api-reference.js' } }),
  consoleAsset: () => ({ params: { file: 'console.js' } }),
  refreshToken: (fx) => ({ body: { refresh_token: fx.refreshToken } }),
  createUser: () => ({ body: personalBorrower() }),
  getUser: (fx) => ({ params: { userId: fx.userId } }),
  createDocument: (fx) => ({ body: { userId: fx.userId, document_type: 'KTP', content_type: 'image/jpeg' } }),
  startKyc: (fx) => ({ params: { userId: fx.userId }, headers: { 'data-source': 'VIDA' } }),
  startCreditScore: (fx) => ({ params: { userId: fx.userId }, headers: { 'credit-source': 'afpi,clik' } }),
  createWebhookEndpoint: () => ({ body: { url: 'http://127.0.0.1:9/hooks', events: ['user_created'] } }),
  listWebhookEndpoints: () => ({ query: { limit: '10', offset: '0' } }),
  deleteWebhookEndpoint: (fx) => ({ params: { id: fx.endpointId } }),
  listWebhookDeliveries: (fx) => ({ params: { id: fx.endpointId }, query: { limit: '10', offset: '0' } }),
  replayWebhookDelivery: (fx) => ({ params: { id: fx.endpointId, eventId: fx.eventId } }),
  listEvents: (fx) => ({ query: { limit: '10', offset: '0', object_id: fx.userId } }),
  getEvent: (fx) => ({ params: { id: fx.eventId } }),
  listKycReviews: () => ({ query: { limit: '10', offset: '0' } }),
  listApplications: () => ({ query: { limit: '10', offset: '0', status: 'DISBURSED' } }),
  getApplication: (fx) => ({ params: { id: fx.loanUniqueId } }),
  createReport: () => ({ body: REPORT_REQUEST }),
  listReports: () => ({ query: { limit: '10', offset: '0' } }),
  getReport: (fx) => ({ params: { id: fx.reportId } }),
  resolveKycReview: (fx) => ({
    params: { referenceID: fx.kycReviewReference },
    body: { decision: 'APPROVED', note: 'documents checked by hand' },
  }),
  createLoanQuote: () => ({ body: LOAN_QUOTE }),
  createLoan: (fx) => ({ params: { id: fx.approvedUserId }, body: loanRequest() }),
  createBnplLoan: (fx) => ({
    params: { id: fx.approvedUserId },
    body: {
      principal: 3000000,
      currency: 'IDR',
      installments: 4,
      frequency: 'weekly',
      interest_rate: 2,
      rate_period: 'month',
      reference_id: `sample-${randomInt(1e9)}`,
    },
  }),
  getLoan: (fx) => ({ params: { uniqueId: fx.loanUniqueId } }),
  initiateLoanSigning: (fx) => ({ body: { loanUniqueId: fx.loanUniqueId } }),
  disburseLoan: (fx) => ({ params: { id: fx.loanUniqueId } }),
  rejectLoan: (fx) => ({ params: { id: fx.loanUniqueId }, body: { reason: 'checked by the isolation suite' } }),
  blockBorrower: (fx) => ({ params: { id: fx.userId }, body: { reason: 'checked by the isolation suite' } }),
  unblockBorrower: (fx) => ({ params: { id: fx.userId }, body: { reason: 'checked by the isolation suite' } }),
  journeyCreateUser: (fx) => ({ body: { customerID: fx.customerID, mobile: fx.mobile } }),
  journeyUpdateDetails: (fx) => ({ body: journeyDetails(fx.customerID, fx.pan) }),
  journeyTriggerOffers: (fx) => ({ body: { customerID: fx.customerID, riskVariables: {} } }),
  journeyGetOffers: (fx) => ({ query: { referenceID: fx.breReference } }),
  journeyAcceptOffer: (fx) => ({
    body: { customerID: fx.customerID, offerDetails: { offerID: fx.offerID, amount: 80000, tenure: 8, interest: 25 } },
  }),
  journeyTriggerAgreement: (fx) => ({ body: { customerID: fx.customerID, program: 'PERSONAL_LOAN' } }),
  journeyGetAgreement: (fx) => ({ query: { referenceID: fx.agreementReference } }),
  journeyTriggerDisbursal: (fx) => ({ body: { customerID: fx.customerID, program: 'PERSONAL_LOAN' } }),
  journeyGetDisbursal: (fx) => ({ query: { referenceID: fx.disbursalReference } }),
  journeyCreateSession: (fx) => ({ body: { customerID: fx.customerID, redirectURL: 'https://partner.example/back' } }),
  journeySessionPage: (fx) => ({ params: { sessionId: fx.sessionId } }),
  journeySessionKyc: (fx) => ({
    params: { sessionId: fx.sessionId },
    form: [{ name: 'selfie', filename: 'selfie.jpg', contentType: 'image/jpeg', bytes: JPEG }],
  }),
  journeySessionKycOtp: (fx) => ({ params: { sessionId: fx.sessionId }, form: [{ name: 'otp', value: '123456' }] }),
  journeySessionAgreement: (fx) => ({ params: { sessionId: fx.sessionId }, form: [] }),
  journeySessionConsent: (fx) => ({ params: { sessionId: fx.sessionId }, form: [{ name: 'consent', value: 'yes' }] }),
  journeyUploadDocument: (fx) => ({
    form: [
      { name: 'customerID', value: fx.customerID },
      { name: 'program', value: 'PERSONAL_LOAN' },
      { name: 'documentType', value: 'SELFIE' },
      { name: 'selfie', filename: 'selfie.jpg', contentType: 'image/jpeg', bytes: JPEG },
    ],
  }),
  journeyTriggerBanking: (fx) => ({
    form: [
      { name: 'customerID', value: fx.customerID },
      { name: 'bankName', value: 'HDFC' },
      { name: 'uploadType', value: 'PDF' },
      { name: 'files', filename: 'statement.pdf', contentType: 'application/pdf', bytes: NOT_A_STATEMENT },
    ],
  }),
  journeyGetBanking: (fx) => ({ query: { referenceID: fx.bankingReference } }),
  journeyTriggerKyc: (fx) => ({ body: { customerID: fx.customerID, program: 'PERSONAL_LOAN' } }),
  journeySubmitKycOtp: (fx) => ({ body: { referenceID: fx.kycOtpReference, otp: '123456' } }),
  journeyGetKyc: (fx) => ({ query: { referenceID: fx.kycReference } }),
  journeyBankList: (fx) => ({ query: { customerID: fx.customerID } }),
  createLoanVirtualAccount: (fx) => ({ params: { id: fx.servicedLoanId }, body: { bank_code: 'BCA' } }),
  createLoanQris: (fx) => ({ params: { id: fx.servicedLoanId } }),
  createLoanPaymentLink: (fx) => ({ params: { id: fx.servicedLoanId } }),
  paymentLinkPage: (fx) => ({ params: { token: fx.paymentLinkToken } }),
  // No form: the button pays what the link asks for.
  paymentLinkPay: (fx) => ({ params: { token: fx.paymentLinkToken } }),
  // Unsigned: what anyone on the internet can send (the suites sign their own where they need one).
  paymentGatewayCallback: (fx) => ({
    params: { provider: 'sandbox' },
    body: {
      id: 'sbp_sample',
      status: 'PAID',
      channel: 'virtual_account',
      amount: '1000',
      va_number: fx.vaNumber,
      sequence: 1,
    },
  }),
  listLoans: () => ({ query: { limit: '10', offset: '0', status: 'DISBURSED' } }),
  getServicedLoan: (fx) => ({ params: { id: fx.servicedLoanId } }),
  createLoanPayment: (fx) => ({
    params: { id: fx.servicedLoanId },
    body: { amount: 1000, method: 'cash', reference: `sample-receipt-${randomInt(1e9)}` },
  }),
  listPayments: (fx) => ({ query: { limit: '10', offset: '0', loan_id: fx.servicedLoanId } }),
  createSettlementQuote: (fx) => ({ params: { id: fx.servicedLoanId }, body: {} }),
  refundLoanCredit: (fx) => ({ params: { id: fx.creditLoanId }, body: { amount: 1, reason: 'overpaid' } }),
  listPaymentExceptions: () => ({ query: { limit: '10', offset: '0' } }),
  createSandboxPayment: (fx) => ({ body: { channel: 'virtual_account', va_number: fx.vaNumber, amount: 1000 } }),
  advanceLoanTime: (fx) => ({ params: { id: fx.servicedLoanId }, body: { days: 1 } }),
  createClient: () => ({ body: personalBorrower() }),
  listClients: () => ({ query: { limit: '10', offset: '0' } }),
  getClient: (fx) => ({ params: { id: fx.userId } }),
  updateClient: (fx) => ({ params: { id: fx.userId }, body: { email: 'changed@example.com' } }),
  approveLoan: (fx) => ({ params: { id: fx.loanUniqueId } }),
  rejectLoanBackOffice: (fx) => ({
    params: { id: fx.loanUniqueId },
    body: { reason: 'checked by the isolation suite' },
  }),
  disburseLoanBackOffice: (fx) => ({ params: { id: fx.loanUniqueId } }),
  createPaymentLink: (fx) => ({ body: { loan_id: fx.servicedLoanId } }),
  // Borrower app: every request carries its device; signed-in routes take the fixture user's (authHeaders).
  appRegisterPhone: () => ({ body: { phone_number: appPhone() }, headers: { 'x-device-id': newDeviceId() } }),
  appVerifyOtp: (fx) => ({
    body: { phone_number: fx.appOnboardingPhone, otp_code: '000000' },
    headers: { 'x-device-id': fx.appOnboardingDeviceId },
  }),
  appKycUpload: () => ({
    form: [
      { name: 'ktp_image', filename: 'ktp.jpg', contentType: 'image/jpeg', bytes: JPEG },
      { name: 'selfie_image', filename: 'selfie.jpg', contentType: 'image/jpeg', bytes: JPEG },
      { name: 'document_type', value: 'KTP' },
    ],
  }),
  appPersonalInfo: (fx) => ({ body: personalInfo(fx.appOnboardingPhone) }),
  appBiometricChallenge: (fx) => ({ headers: { 'x-device-id': fx.appDeviceId } }),
  appRegisterBiometric: () => ({
    body: {
      challenge_id: 'ch_00000000000000000000000000000000',
      public_key: APP_PUBLIC_KEY,
      biometric_type: 'FACE_ID',
    },
  }),
  appLoginSendOtp: (fx) => ({ body: { phone_number: fx.appLoginPhone }, headers: { 'x-device-id': newDeviceId() } }),
  appLoginVerifyOtp: (fx) => ({
    body: { phone_number: fx.appLoginPhone, otp_code: '000000' },
    headers: { 'x-device-id': newDeviceId() },
  }),
  appVerifyPin: () => ({ body: { pin: '135791' } }),
  appBiometricLogin: (fx) => ({
    body: { challenge_id: 'ch_00000000000000000000000000000000', signature: 'MEUCIQ==' },
    headers: { 'x-device-id': fx.appDeviceId },
  }),
  appDeleteBiometric: (fx) => ({ params: { biometric_id: fx.appBiometricId } }),
  appApplyLimit: () => ({ body: { submission_type: 'INITIAL_CREDIT_LIMIT' } }),
  appListTenors: () => ({ query: {} }),
  // The spec's example with the fixture user's PIN: it reaches the limit (none: 404 LIMIT_NOT_FOUND).
  appSubmitLoan: () => ({
    body: {
      product_id: 'prd_app_cash_loan',
      requested_amount: 8_000_000,
      tenor_months_id: 3,
      promo_id: 3,
      security_pin: APP_PIN,
    },
  }),
  appGeneratePayment: () => ({
    body: {
      payment_channel_id: 1,
      amount: 2_750_000,
      loan_repayment_schedules: [
        {
          schedule_id: 'loan_not_a_bill.1',
          total_installment_paid: 2_750_000,
          penalty_paid: 0,
          amount_paid: 2_750_000,
        },
      ],
    },
  }),
  appRevokeToken: (fx) => ({ body: { refresh_token: fx.appRefreshToken, reason: 'USER_LOGOUT' } }),
  appRefreshToken: (fx) => ({
    body: { refresh_token: fx.appRefreshToken },
    headers: { 'x-device-id': fx.appDeviceId },
  }),
  appMasterData: () => ({ params: { category: 'banks' }, headers: { 'x-device-id': newDeviceId() } }),
  listSandboxMessages: (fx) => ({ query: { to: fx.appLoginPhone } }),
};

/**
 * A valid request for the route as the owner of `fx`: its sample, or one generated from the
 * route's schemas with every id field filled from the fixtures.
 */
export function sampleRequest(route: RouteDef, fx: Fixtures): Sample {
  const sample = SAMPLES[route.id];
  if (sample) return sample(fx);
  const generated: Sample = {};
  for (const { field, in: where } of idFields(route)) {
    const value = fixtureFor(route, field, fx) ?? '';
    if (where === 'path') generated.params = { ...generated.params, [field]: value };
    if (where === 'query') generated.query = { ...generated.query, [field]: value };
    if (where === 'body') generated.body = { ...(generated.body as object), [field]: value };
    if (where === 'form') generated.form = [...(generated.form ?? []), { name: field, value }];
  }
  if (route.request.body && generated.body === undefined) generated.body = {};
  return generated;
}

/** Whether a route's sample is written out (true) or generated from its schemas (false). */
export const hasSample = (route: RouteDef) => route.id in SAMPLES;

// ---------------------------------------------------------------------------------- fixtures

const letter = () => String.fromCharCode(65 + randomInt(26));
/** A PAN whose four digits choose the sandbox outcome (random ones choose nothing). */
export const panWith = (digits = String(randomInt(5000, 7999))) =>
  `${letter()}${letter()}${letter()}P${letter()}${digits}${letter()}`;
/** An Indian mobile number, unique enough per run. */
export const indianMobile = () => `9${String(randomInt(100_000_000, 999_999_999))}`;

/**
 * The objects live mode can make without real providers: a borrower, a webhook endpoint (for an
 * event type nothing here emits, so nothing is ever delivered), and a journey customer with a
 * KYC run and a BRE run (both FAILED: no live provider is configured), a bank analysis and a
 * session. Live agreements, disbursals, offers and deliveries need providers, so there are none.
 */
export async function buildLiveFixtures(h: Harness, tenant: Tenant, tag: string): Promise<Partial<Fixtures>> {
  const call = (scheme: RouteDef['auth']) => async (method: string, path: string, body?: unknown) => {
    const res = await h.send({
      method,
      path,
      headers: {
        ...authHeaders(tenant, scheme),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`live fixture ${method} ${path} answered ${res.status}: ${res.text}`);
    return res;
  };
  const journey = call('apiKeyHeader');
  const settled = async (path: string) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const res = await journey('GET', path);
      if (!['PROCESSING', 'ACTION_PENDING'].includes(res.json.data?.status)) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`live fixture ${path} did not settle`);
  };
  const borrower = personalBorrower();
  const userId = (await call('partnerJwt')('POST', '/api/core/users', borrower)).json.userId as string;
  const endpoint = await call('apiKeyBearer')('POST', '/v1/webhook-endpoints', {
    url: 'https://127.0.0.1:9/live-hooks',
    events: ['bnpl'],
  });
  const customerID = `${tag}-live`;
  await journey('POST', '/v2/user/create', { customerID, mobile: indianMobile() });
  await journey('POST', '/v2/user/details/update', journeyDetails(customerID, panWith()));
  const kycReference = (await journey('POST', '/v2/kyc/ckyc', { customerID })).json.data.referenceID as string;
  await settled(`/v2/kyc/details?referenceID=${kycReference}`);
  const breReference = (await journey('POST', '/v2/user/offers', { customerID, riskVariables: {} })).json.data
    .referenceID as string;
  await settled(`/v2/user/offers?referenceID=${breReference}`);
  const statement = multipart(SAMPLES.journeyTriggerBanking?.({ customerID } as Fixtures).form ?? []);
  const banking = await h.send({
    method: 'POST',
    path: '/v2/user/bank/analyse',
    headers: { ...authHeaders(tenant, 'apiKeyHeader'), 'content-type': statement.contentType },
    body: statement.body,
  });
  if (banking.status !== 200) throw new Error(`live fixture banking answered ${banking.status}: ${banking.text}`);
  const session = await journey('POST', '/v2/user/session', { customerID, redirectURL: 'https://partner.example/' });
  const report = await call('apiKeyBearer')('POST', '/v1/reports', REPORT_REQUEST);
  return {
    reportId: report.json.id as string,
    userId,
    nik: borrower.nik as string,
    phone: borrower.phone as string,
    endpointId: endpoint.json.id as string,
    customerID,
    kycReference,
    breReference,
    bankingReference: banking.json.data.referenceID as string,
    sessionId: String(session.json.data.url).split('/').pop() ?? '',
  };
}

/**
 * Signs and disburses a PENDING partner loan as a partner does (the sandbox signs at once and
 * its bank pays at once), and waits until it is DISBURSED: the loan then has its ledger.
 */
export async function disburse(h: Harness, tenant: Tenant, loanUniqueId: string): Promise<void> {
  const partner = async (method: string, path: string, body?: unknown) => {
    const res = await h.send({
      method,
      path,
      headers: {
        ...authHeaders(tenant, 'partnerJwt'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`disbursing: ${method} ${path} answered ${res.status}: ${res.text}`);
    return res;
  };
  const until = async (status: string) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const loan = (await partner('GET', `/api/core/loans/details/${loanUniqueId}`)).json;
      if (loan.status === status) return;
      if (loan.disbursement?.status === 'FAILED') throw new Error(`disbursing: ${loanUniqueId} failed to disburse`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`disbursing: ${loanUniqueId} did not reach ${status}`);
  };
  await partner('POST', '/api/core/loans/signing/initiate', { loanUniqueId });
  await until('ACTIVE');
  await partner('POST', `/api/core/loans/${loanUniqueId}/disbursement`);
  await until('DISBURSED');
}

/**
 * Makes one object of every kind for `tenant` (sandbox), over HTTP, and waits until each has
 * reached the state its routes expect. Webhook deliveries go to `hookUrl`.
 */
export async function buildFixtures(h: Harness, tenant: Tenant, hookUrl: string, tag: string): Promise<Fixtures> {
  const as = (scheme: RouteDef['auth']) => async (method: string, path: string, body?: unknown) => {
    const res = await h.send({
      method,
      path,
      headers: {
        ...authHeaders(tenant, scheme),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`fixture ${method} ${path} answered ${res.status}: ${res.text}`);
    return res;
  };
  const partner = as('partnerJwt');
  const platform = as('apiKeyBearer');
  const journey = as('apiKeyHeader');
  const poll = async (path: string, done: (a: Answer) => boolean) => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const res = await journey('GET', path);
      if (done(res)) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`fixture ${path} did not get there`);
  };

  // Platform: an endpoint first, so the events below are delivered to it.
  const endpoint = await platform('POST', '/v1/webhook-endpoints', { url: hookUrl, events: ['*'] });
  const endpointId = endpoint.json.id as string;

  // Partner API: a borrower with its KYC documents uploaded.
  const partnerSide = async () => {
    const borrower = personalBorrower();
    const userId = (await partner('POST', '/api/core/users', borrower)).json.userId as string;
    for (const type of ['KTP', 'SELFIE']) {
      const doc = await partner('POST', '/api/documents', { userId, document_type: type, content_type: 'image/jpeg' });
      const put = await fetch(doc.json.upload_url, {
        method: 'PUT',
        headers: { 'content-type': 'image/jpeg' },
        body: JPEG,
      });
      if (!put.ok) throw new Error(`fixture upload answered ${put.status}`);
    }
    const refresh = await h.send({ method: 'POST', path: '/api/auth/token/v2', headers: authHeaders(tenant, 'basic') });
    // A second borrower through KYC (the sandbox approves), with a PENDING loan.
    const approvedUserId = (await partner('POST', '/api/core/users', personalBorrower())).json.userId as string;
    for (const type of ['KTP', 'SELFIE']) {
      const doc = await partner('POST', '/api/documents', {
        userId: approvedUserId,
        document_type: type,
        content_type: 'image/jpeg',
      });
      await fetch(doc.json.upload_url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body: JPEG });
    }
    await h.send({
      method: 'POST',
      path: `/api/core/users/${approvedUserId}/kyc`,
      headers: { ...authHeaders(tenant, 'partnerJwt'), 'data-source': 'VIDA' },
    });
    const deadline = Date.now() + 60_000;
    while ((await partner('GET', `/api/core/users/${approvedUserId}`)).json.status !== 'APPROVED') {
      if (Date.now() > deadline) throw new Error('fixture borrower was not APPROVED');
      await new Promise((r) => setTimeout(r, 100));
    }
    const loan = await partner('POST', `/api/core/loans/${approvedUserId}`, loanRequest());
    // Two serviced loans: one owing, with its channels; one overpaid (REPAID, credit to refund).
    const [serviced, credited] = (await Promise.all(
      [0, 1].map(async () => {
        const id = (await partner('POST', `/api/core/loans/${approvedUserId}`, loanRequest())).json
          .loanUniqueId as string;
        await disburse(h, tenant, id);
        return id;
      }),
    )) as [string, string];
    const va = await partner('POST', `/api/core/loans/${serviced}/virtual-account`, { bank_code: 'BCA' });
    const qris = await partner('POST', `/api/core/loans/${serviced}/qris`);
    const link = await partner('POST', `/api/core/loans/${serviced}/payment-link`);
    await platform('POST', `/v1/loans/${credited}/payments`, {
      amount: 5000000,
      method: 'bank_transfer',
      reference: `${tag}-overpaid`,
    });
    return {
      servicedLoanId: serviced,
      vaNumber: va.json.va_number as string,
      qrString: qris.json.qr_string as string,
      paymentLinkToken: String(link.json.url).split('/').pop() ?? '',
      creditLoanId: credited,
      approvedUserId,
      loanUniqueId: loan.json.loanUniqueId as string,
      userId,
      nik: borrower.nik as string,
      phone: borrower.phone as string,
      refreshToken: refresh.json.refresh_token,
    };
  };

  // Journey API: one customer walked to DISBURSED, with a banking analysis and a session.
  const customerID = `${tag}-main`;
  const mobile = indianMobile();
  const pan = panWith();
  const journeySide = async () => {
    await journey('POST', '/v2/user/create', { customerID, mobile });
    await journey('POST', '/v2/user/details/update', journeyDetails(customerID, pan));
    const breReference = (await journey('POST', '/v2/user/offers', { customerID, riskVariables: {} })).json.data
      .referenceID as string;
    const offers = await poll(
      `/v2/user/offers?referenceID=${breReference}`,
      (a) => a.json.data.status !== 'PROCESSING',
    );
    const offerID = offers.json.data.offers[0].offerID as string;
    await journey('POST', '/user/acceptOffer', {
      customerID,
      offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 },
    });
    const kycReference = (await journey('POST', '/v2/kyc/ckyc', { customerID })).json.data.referenceID as string;
    await poll(`/v2/kyc/details?referenceID=${kycReference}`, (a) => a.json.data.status === 'APPROVED');
    const agreementReference = (await journey('POST', '/v2/loan/agreement', { customerID })).json.data
      .referenceID as string;
    await poll(`/v2/loan/agreement?referenceID=${agreementReference}`, (a) => a.json.data.status === 'SUCCESS');
    const disbursalReference = (await journey('POST', '/v2/loan/disburse', { customerID })).json.data
      .referenceID as string;
    await poll(`/v2/loan/disburse?referenceID=${disbursalReference}`, (a) => a.json.data.status === 'SUCCESS');
    const statement = multipart(SAMPLES.journeyTriggerBanking?.({ customerID } as Fixtures).form ?? []);
    const banking = await h.send({
      method: 'POST',
      path: '/v2/user/bank/analyse',
      headers: { ...authHeaders(tenant, 'apiKeyHeader'), 'content-type': statement.contentType },
      body: statement.body,
    });
    if (banking.status !== 200) throw new Error(`fixture banking answered ${banking.status}: ${banking.text}`);
    const session = await journey('POST', '/v2/user/session', { customerID, redirectURL: 'https://partner.example/' });
    return {
      offerID,
      breReference,
      kycReference,
      agreementReference,
      disbursalReference,
      bankingReference: banking.json.data.referenceID as string,
      sessionId: String(session.json.data.url).split('/').pop() ?? '',
    };
  };

  // Two KYC runs that wait for someone: a reviewer (8003) and the customer's OTP (8001).
  const waitingKyc = async (suffix: string, digits: string, until: (a: Answer) => boolean) => {
    const id = `${tag}-${suffix}`;
    await journey('POST', '/v2/user/create', { customerID: id, mobile: indianMobile() });
    await journey('POST', '/v2/user/details/update', journeyDetails(id, panWith(digits)));
    const ref = (await journey('POST', '/v2/kyc/ckyc', { customerID: id })).json.data.referenceID as string;
    await poll(`/v2/kyc/details?referenceID=${ref}`, until);
    return ref;
  };
  // Borrower app users, when this tenant is the app's (the stage's configured tenant).
  const appSide = async () => {
    const none = {
      appDeviceId: '',
      appRefreshToken: '',
      appBiometricId: '',
      appOnboardingPhone: '',
      appOnboardingDeviceId: '',
      appLoginPhone: '',
    };
    if (tenant.partnerId !== process.env.APP_PARTNER_ID || tenant.mode !== process.env.APP_MODE) return none;
    const app = appClient(h.baseUrl, tenant.apiKey);
    const [full, onboarding, login] = await Promise.all([app.signedIn(), app.registered(), app.activated()]);
    await app.kycUpload(onboarding.deviceId, onboarding.onboardingToken);
    const loginToken = await app.loginToken(login.phone, login.deviceId);
    const { generateKeyPairSync } = await import('node:crypto');
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const challenge = await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(full.deviceId) });
    const bio = await app.http('POST', '/api/v1/biometric/register', {
      body: {
        challenge_id: challenge.body.data.challenge_id,
        public_key: key.toString('base64'),
        biometric_type: 'FACE_ID',
      },
      headers: app.as(full.deviceId, full.accessToken),
    });
    tenant.app = {
      appJwt: { accessToken: full.accessToken, deviceId: full.deviceId },
      appOnboarding: { accessToken: onboarding.onboardingToken, deviceId: onboarding.deviceId },
      appLogin: { accessToken: loginToken, deviceId: login.deviceId },
    };
    return {
      appDeviceId: full.deviceId,
      appRefreshToken: full.refreshToken,
      appBiometricId: bio.body.data.biometric_id as string,
      appOnboardingPhone: onboarding.phone,
      appOnboardingDeviceId: onboarding.deviceId,
      appLoginPhone: login.phone,
    };
  };
  const [partnerObjects, journeyObjects, kycReviewReference, kycOtpReference, appObjects] = await Promise.all([
    partnerSide(),
    journeySide(),
    waitingKyc('review', '8003', (a) => a.json.data.outputVariables?.manualReviewRequired === true),
    waitingKyc('otp', '8001', (a) => a.json.data.status === 'ACTION_PENDING'),
    appSide(),
  ]);

  // The events so far have been delivered to the endpoint: one of them is the replay fixture.
  await h.runtime.settle();
  const deliveries = await platform('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
  const eventId = deliveries.json.data[0]?.event_id as string;
  if (!eventId) throw new Error('fixture: no delivery recorded for the webhook endpoint');
  const reportId = (await platform('POST', '/v1/reports', REPORT_REQUEST)).json.id as string;
  await h.runtime.settle();

  return {
    ...partnerObjects,
    ...journeyObjects,
    ...appObjects,
    endpointId,
    eventId,
    reportId,
    customerID,
    mobile,
    pan,
    kycReviewReference,
    kycOtpReference,
  };
}

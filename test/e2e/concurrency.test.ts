/**
 * Concurrency, generated from the route table: every state-changing route (any method but GET,
 * any surface but system) sends the same request 20 times at once and must have one effect and
 * one answer.
 *
 * - One answer: all 20 have the same status and the same body (the request id is the one
 *   thing a body may carry of its own: see `sameAnswer`).
 * - One effect: what the 20 wrote (attributed to their requests by the harness, metering
 *   excepted) is what one identical request writes on a twin of the state: the distinct items
 *   written by shape (the key with its ids, digests and times replaced by their kind), the S3
 *   objects by shape, and the Step Functions calls (StartExecution, SendTaskSuccess…) by count.
 *
 * Each case prepares fresh state in the route's precondition, twice (a fresh partner each
 * time, so nothing of one twin is in the other's keys): one twin takes the single request, the
 * other the burst. The burst is sent with an Idempotency-Key where the route honours one, and
 * without a key where the spec gives a natural key (the journey API's customerID and
 * referenceID: partners call it without keys). A new state-changing route fails the coverage
 * test until it has a case or an exemption with its reason.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#api/routes';
import type { RouteDef } from '#http/route';
import { SANDBOX_SIGNATURE_HEADER, signSandboxCallback } from '#providers/payment-gateways';
import { APP_JPEG, APP_PIN, appClient, appPhone, newDeviceId, personalInfo } from '../helpers/app-user.ts';
import { personalBorrower } from '../helpers/factories.ts';
import {
  type Answer,
  authHeaders,
  type Harness,
  isInfrastructure,
  type RawRequest,
  startHarness,
  type Tenant,
  type Write,
} from '../helpers/route-harness.ts';
import {
  disburse,
  encode,
  indianMobile,
  JPEG,
  journeyDetails,
  LOAN_QUOTE,
  NOT_A_STATEMENT,
  panWith,
  REPORT_REQUEST,
  type Sample,
} from '../helpers/route-samples.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

const BURST = 20;

/** State-changing routes with no case, and why the property does not apply (or is checked apart). */
const EXEMPT: Record<string, string> = {
  issueToken:
    'each Basic exchange is meant to mint a new token pair (a new refresh-token family per login): 20 logins are 20 pairs',
  refreshToken:
    'the refresh token is the body and needs a login of its own per twin; checked below: 20 at once rotate once and all get the same pair',
  paymentLinkPay:
    "the sandbox page's Pay button: each press is a new payment by the borrower, as each POST /v1/sandbox/payments without a key is (a form post carries no Idempotency-Key and the route honours none); the payment it starts is applied once per gateway id (the paymentGatewayCallback case)",
  appSubmitLoan:
    "needs a user with an APPROVED limit, and its effect runs on in the application workflow (review, signature, disbursal, the ledger) after the answer; checked in app-submission.test.ts: the same submission 20 times at once with one Idempotency-Key is one loan and one reservation. Without a key each request is a new submission by design (the spec has no natural key): the limit's conditional decrement lets exactly the fitting ones through (1 of 2, 2 of 20 racing)",
  appPaymentWebhook:
    "signed by the gateway with the app tenant's gateway secret, not an Idempotency-Key route: the same notification 20 times at once applied once, and 20 notifications interleaved with 20 gateway callbacks for the same instruction applied once, are checked in app-payments.test.ts",
  appRefreshToken:
    'the refresh token is the body and needs a signed-in user per twin; checked in app-api.test.ts: 20 at once rotate once and all get the same tokens',
};

/** What a case prepared: the request, and the values of its twin to read as names in keys. */
interface Prepared {
  sample: Sample;
  /** Values particular to this twin (customerID, mobile, PAN…), replaced by their name in keys. */
  names?: Record<string, string>;
}

/** How the burst without an Idempotency-Key must behave. */
type WithoutKey =
  /** The spec gives a natural key: one effect and one answer, as with a key. */
  | 'same answer'
  /** One effect; the answers are those of sequential retries (the first's, then "already done"). */
  | 'one effect';

interface Case {
  /** Fresh state in the route's precondition, as `tenant`. */
  prepare: (tenant: Tenant) => Promise<Prepared>;
  /** Without this, the burst is sent with an Idempotency-Key only (the route must honour one). */
  withoutKey?: WithoutKey;
  /** Sent without a key only (the route honours none and needs none: it stores nothing). */
  keyless?: string;
  /**
   * A part of the body that reads the object's state now rather than the request's outcome,
   * removed before the answers are compared, and why that is still one answer.
   */
  live?: { why: string; strip: (body: any) => void };
  /** The request as sent now, for a part that must be fresh when sent (a signature's time). */
  refresh?: (p: Prepared, t: Tenant) => Prepared;
  /** What must hold of the state after the burst (the one effect, read back), per twin. */
  after?: (t: Tenant, p: Prepared, answers: Answer[]) => Promise<void>;
}

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const tally = { cases: 0, requests: 0, twins: 0, preparedInMs: 0 };
const started = Date.now();

/** Twins prepared at once: their waits (workflows, polls) overlap, and the handlers are warm for the bursts. */
const PREPARE_AT_ONCE = 8;

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness();
  // Every twin is prepared before the first burst, so each burst runs on a quiet runtime.
  const limit = limiter(PREPARE_AT_ONCE);
  for (const route of covered) {
    const c = CASES[route.id] as Case;
    for (const name of ['single', ...variantsOf(route, c).map((v) => v.name)]) {
      twins.set(
        `${route.id} ${name}`,
        limit(() => twin(c)),
      );
    }
  }
  // A twin that could not be prepared fails its own case, not the suite.
  const preparing = Date.now();
  await Promise.allSettled(twins.values());
  tally.twins = twins.size;
  tally.preparedInMs = Date.now() - preparing;
}, 180_000);

afterAll(async () => {
  console.log(
    `concurrency: ${covered.length} routes, ${tally.cases} bursts of ${BURST}, ${tally.requests} requests in the bursts and their single twins, ${Object.keys(EXEMPT).length} routes exempt; ${tally.twins} twins prepared in ${(tally.preparedInMs / 1000).toFixed(1)} s; in all ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await h?.stop();
  await receiver?.close();
});

// ------------------------------------------------------------------------------ state helpers

/** A caller for one tenant and auth scheme that throws on a refusal (preparing state must work). */
const as =
  (tenant: Tenant, scheme: RouteDef['auth']) =>
  async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await h.send({
      method,
      path,
      headers: {
        ...extra,
        ...authHeaders(tenant, scheme),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 400) throw new Error(`preparing: ${method} ${path} answered ${res.status}: ${res.text}`);
    return res;
  };

async function poll(tenant: Tenant, path: string, done: (a: Answer) => boolean): Promise<Answer> {
  const journey = as(tenant, 'apiKeyHeader');
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const res = await journey('GET', path);
    if (done(res)) return res;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`preparing: ${path} did not get there`);
}

let serial = 0;
/** The stages of a journey customer, each building on the one before. */
type Stage = 'new' | 'created' | 'details' | 'offered' | 'accepted' | 'kyc' | 'agreed';
const STAGES: Stage[] = ['new', 'created', 'details', 'offered', 'accepted', 'kyc', 'agreed'];

interface Customer {
  customerID: string;
  mobile: string;
  pan: string;
  offerID?: string;
  names: Record<string, string>;
}

/** A journey customer of `tenant` walked to `stage` (PAN digits choose a sandbox outcome). */
async function customerAt(tenant: Tenant, stage: Stage, digits?: string): Promise<Customer> {
  const journey = as(tenant, 'apiKeyHeader');
  const customerID = `conc-${++serial}-${Date.now().toString(36)}`;
  const mobile = indianMobile();
  const pan = panWith(digits);
  const customer: Customer = { customerID, mobile, pan, names: { customerID, mobile, pan } };
  const reach = (s: Stage) => STAGES.indexOf(stage) >= STAGES.indexOf(s);
  if (reach('created')) await journey('POST', '/v2/user/create', { customerID, mobile });
  if (reach('details')) await journey('POST', '/v2/user/details/update', journeyDetails(customerID, pan));
  if (reach('offered')) {
    const ref = (await journey('POST', '/v2/user/offers', { customerID, riskVariables: {} })).json.data.referenceID;
    const offers = await poll(tenant, `/v2/user/offers?referenceID=${ref}`, (a) => a.json.data.status !== 'PROCESSING');
    customer.offerID = offers.json.data.offers[0].offerID as string;
  }
  if (reach('accepted')) {
    await journey('POST', '/user/acceptOffer', {
      customerID,
      offerDetails: { offerID: customer.offerID, amount: 80000, tenure: 8, interest: 25 },
    });
  }
  if (reach('kyc')) {
    const ref = (await journey('POST', '/v2/kyc/ckyc', { customerID })).json.data.referenceID;
    await poll(tenant, `/v2/kyc/details?referenceID=${ref}`, (a) => a.json.data.status === 'APPROVED');
  }
  if (reach('agreed')) {
    const ref = (await journey('POST', '/v2/loan/agreement', { customerID })).json.data.referenceID;
    await poll(tenant, `/v2/loan/agreement?referenceID=${ref}`, (a) => a.json.data.status === 'SUCCESS');
  }
  return customer;
}

/** A KYC run of a new customer that waits for someone: the customer's OTP (8001) or a reviewer (8003). */
async function waitingKyc(tenant: Tenant, digits: '8001' | '8003') {
  const customer = await customerAt(tenant, 'details', digits);
  const journey = as(tenant, 'apiKeyHeader');
  const ref = (await journey('POST', '/v2/kyc/ckyc', { customerID: customer.customerID })).json.data
    .referenceID as string;
  await poll(tenant, `/v2/kyc/details?referenceID=${ref}`, (a) =>
    digits === '8001' ? a.json.data.status === 'ACTION_PENDING' : a.json.data.outputVariables?.manualReviewRequired,
  );
  return { ...customer, referenceID: ref, names: { ...customer.names, referenceID: ref } };
}

/** A partner API borrower of `tenant` with its KTP and SELFIE uploaded. */
async function borrowerWithDocuments(tenant: Tenant) {
  const partner = as(tenant, 'partnerJwt');
  const borrower = personalBorrower();
  const userId = (await partner('POST', '/api/core/users', borrower)).json.userId as string;
  for (const type of ['KTP', 'SELFIE']) {
    const doc = await partner('POST', '/api/documents', { userId, document_type: type, content_type: 'image/jpeg' });
    const put = await fetch(doc.json.upload_url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: JPEG,
    });
    if (!put.ok) throw new Error(`preparing: upload answered ${put.status}`);
  }
  return { userId, names: { userId, nik: String(borrower.nik), phone: String(borrower.phone) } };
}

/** A webhook endpoint of `tenant` for every event, and one event delivered to it. */
async function delivered(tenant: Tenant) {
  const platform = as(tenant, 'apiKeyBearer');
  const endpoint = await platform('POST', '/v1/webhook-endpoints', {
    url: receiver.url(`/hooks/${tenant.partnerId}`),
    events: ['*'],
  });
  const endpointId = endpoint.json.id as string;
  await as(tenant, 'partnerJwt')('POST', '/api/core/users', personalBorrower());
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    await h.runtime.settle();
    const list = await platform('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
    const eventId = list.json.data[0]?.event_id as string | undefined;
    if (eventId) return { endpointId, eventId, names: { endpointId, eventId } };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('preparing: no delivery recorded');
}

/** A partner API borrower of `tenant` through the sandbox KYC to APPROVED. */
async function approvedBorrower(tenant: Tenant) {
  const { userId, names } = await borrowerWithDocuments(tenant);
  const partner = as(tenant, 'partnerJwt');
  await partner('POST', `/api/core/users/${userId}/kyc`, undefined, { 'data-source': 'VIDA' });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if ((await partner('GET', `/api/core/users/${userId}`)).json.status === 'APPROVED') return { userId, names };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('preparing: the borrower did not reach APPROVED');
}

/** The partner guide's single-payment loan, with a reference_id of its own (its natural key). */
const loanBody = () => ({
  principal: 1000000,
  currency: 'IDR',
  tenor_days: 30,
  interest_rate: 0.1,
  rate_period: 'day',
  fees: [{ type: 'processing', percent: 2, deduct_from_principal: true }],
  reference_id: `conc-order-${++serial}-${Date.now().toString(36)}`,
  disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
});

/** A partner loan of an approved borrower: PENDING, or signed (ACTIVE: the sandbox signs at once). */
async function loanOf(tenant: Tenant, stage: 'PENDING' | 'ACTIVE' | 'DISBURSED') {
  const { userId, names } = await approvedBorrower(tenant);
  const partner = as(tenant, 'partnerJwt');
  const loanUniqueId = (await partner('POST', `/api/core/loans/${userId}`, loanBody())).json.loanUniqueId as string;
  const all = { ...names, loanUniqueId };
  if (stage === 'PENDING') return { loanUniqueId, names: all };
  if (stage === 'DISBURSED') {
    await disburse(h, tenant, loanUniqueId);
    return { loanUniqueId, names: all };
  }
  await partner('POST', '/api/core/loans/signing/initiate', { loanUniqueId });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if ((await partner('GET', `/api/core/loans/details/${loanUniqueId}`)).json.status === 'ACTIVE') {
      return { loanUniqueId, names: all };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('preparing: the loan did not reach ACTIVE');
}

/** A valid one-colour PNG: a selfie the hosted page takes (a few JPEG header bytes are refused as not a photo). */
function selfie(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(48, 0);
  header.writeUInt32BE(48, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: 48 }, () => [224, 172, 105]).flat())]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: 48 }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A hosted-page link for a customer: the session id in its URL is the page's credential. */
async function sessionOf(tenant: Tenant, customerID: string) {
  const session = await as(tenant, 'apiKeyHeader')('POST', '/v2/user/session', {
    customerID,
    redirectURL: 'https://partner.example/back',
  });
  const url = String(session.json.data.url);
  return { url, sessionId: url.split('/').pop() ?? '' };
}

const form = (parts: NonNullable<Sample['form']>) => parts;

/** Each twin's sandbox gateway secret, to sign its callbacks when they are sent. */
const secrets = new Map<string, string>();

/** A serviced loan of `tenant` (a partner loan DISBURSED, so it has its ledger). */
const servicedLoan = (tenant: Tenant) => loanOf(tenant, 'DISBURSED');

/** The platform view of a serviced loan (its ledger). */
async function ledgerOf(tenant: Tenant, id: string) {
  return (await as(tenant, 'apiKeyBearer')('GET', `/v1/loans/${id}`)).json.data;
}

/** A serviced loan with a VA at BCA: the number a payer pays to. */
async function loanWithVa(tenant: Tenant) {
  const { loanUniqueId, names } = await servicedLoan(tenant);
  const va = await as(tenant, 'partnerJwt')('POST', `/api/core/loans/${loanUniqueId}/virtual-account`, {
    bank_code: 'BCA',
  });
  const vaNumber = va.json.va_number as string;
  return { loanUniqueId, vaNumber, names: { ...names, vaNumber } };
}
/**
 * Borrower app state: always in the app tenant (the stage's configuration; locally the
 * runtime's sandbox partner), whatever twin partner the case is given, with a fresh phone
 * and device per twin. The phone (E.164) and the challenge id are the twin's names.
 */
const appOf = () => appClient(h.baseUrl, h.sandbox.apiKey);
const e164 = (phone: string) => `+62${phone.slice(1)}`;
const appHeaders = (deviceId: string, token?: string) => ({
  'x-device-id': deviceId,
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});
const appKycForm = () =>
  form([
    { name: 'ktp_image', filename: 'ktp.jpg', contentType: 'image/jpeg', bytes: APP_JPEG },
    { name: 'selfie_image', filename: 'selfie.jpg', contentType: 'image/jpeg', bytes: APP_JPEG },
    { name: 'document_type', value: 'KTP' },
  ]);

// ---------------------------------------------------------------------------------- the cases

const CASES: Record<string, Case> = {
  // Borrower app: every trigger honours the Idempotency-Key (scoped to the device or the user).
  appRegisterPhone: {
    prepare: async () => {
      const phone = appPhone();
      return {
        sample: { body: { phone_number: phone }, headers: appHeaders(newDeviceId()) },
        names: { phone: e164(phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appVerifyOtp: {
    prepare: async () => {
      const app = appOf();
      const phone = appPhone();
      const deviceId = newDeviceId();
      await app.http('POST', '/api/v1/onboarding/register-phone', {
        body: { phone_number: phone },
        headers: app.as(deviceId),
      });
      const otp_code = await app.otpOf(phone);
      return {
        sample: { body: { phone_number: phone, otp_code }, headers: appHeaders(deviceId) },
        names: { phone: e164(phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appKycUpload: {
    prepare: async () => {
      const user = await appOf().registered();
      return {
        sample: { form: appKycForm(), headers: appHeaders(user.deviceId, user.onboardingToken) },
        names: { phone: e164(user.phone) },
      };
    },
  },
  appPersonalInfo: {
    prepare: async () => {
      const app = appOf();
      const user = await app.registered();
      await app.kycUpload(user.deviceId, user.onboardingToken);
      return {
        sample: { body: personalInfo(user.phone), headers: appHeaders(user.deviceId, user.onboardingToken) },
        names: { phone: e164(user.phone), nik: personalInfo(user.phone).nik },
      };
    },
  },
  appRegisterBiometric: {
    prepare: async () => {
      const app = appOf();
      const user = await app.signedIn();
      const challenge = (await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body
        .data.challenge_id as string;
      const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      return {
        sample: {
          body: { challenge_id: challenge, public_key: key.toString('base64'), biometric_type: 'FACE_ID' },
          headers: appHeaders(user.deviceId, user.accessToken),
        },
        names: { challenge, phone: e164(user.phone) },
      };
    },
  },
  appLoginSendOtp: {
    prepare: async () => {
      const user = await appOf().activated();
      return {
        sample: { body: { phone_number: user.phone }, headers: appHeaders(newDeviceId()) },
        names: { phone: e164(user.phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appLoginVerifyOtp: {
    prepare: async () => {
      const app = appOf();
      const user = await app.activated();
      await app.http('POST', '/api/v1/auth/login/send-otp', {
        body: { phone_number: user.phone },
        headers: app.as(user.deviceId),
      });
      const otp_code = await app.otpOf(user.phone);
      return {
        sample: { body: { phone_number: user.phone, otp_code }, headers: appHeaders(user.deviceId) },
        names: { phone: e164(user.phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appVerifyPin: {
    prepare: async () => {
      const app = appOf();
      const user = await app.activated();
      const token = await app.loginToken(user.phone, user.deviceId);
      return {
        sample: { body: { pin: APP_PIN }, headers: appHeaders(user.deviceId, token) },
        names: { phone: e164(user.phone) },
      };
    },
  },
  appBiometricLogin: {
    prepare: async () => {
      const app = appOf();
      const user = await app.signedIn();
      const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      const first = (await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body.data
        .challenge_id as string;
      await app.http('POST', '/api/v1/biometric/register', {
        body: {
          challenge_id: first,
          public_key: (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
          biometric_type: 'FACE_ID',
        },
        headers: app.as(user.deviceId, user.accessToken),
      });
      const challenge = (await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body
        .data.challenge_id as string;
      const signature = sign('sha256', Buffer.from(challenge), { key: privateKey, dsaEncoding: 'der' }).toString(
        'base64',
      );
      return {
        sample: { body: { challenge_id: challenge, signature }, headers: appHeaders(user.deviceId) },
        names: { challenge, phone: e164(user.phone) },
      };
    },
  },
  appDeleteBiometric: {
    prepare: async () => {
      const app = appOf();
      const user = await app.signedIn();
      const challenge = (await app.http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body
        .data.challenge_id as string;
      const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({
        type: 'spki',
        format: 'der',
      });
      const registered = await app.http('POST', '/api/v1/biometric/register', {
        body: { challenge_id: challenge, public_key: key.toString('base64'), biometric_type: 'FACE_ID' },
        headers: app.as(user.deviceId, user.accessToken),
      });
      const biometricId = registered.body.data.biometric_id as string;
      return {
        sample: { params: { biometric_id: biometricId }, headers: appHeaders(user.deviceId, user.accessToken) },
        names: { biometricId, phone: e164(user.phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appApplyLimit: {
    prepare: async () => {
      const user = await appOf().signedIn();
      return {
        sample: {
          body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
          headers: appHeaders(user.deviceId, user.accessToken),
        },
        names: { phone: e164(user.phone) },
      };
    },
    withoutKey: 'one effect',
  },
  appGeneratePayment: {
    prepare: async () => {
      const app = appOf();
      const user = await app.signedIn();
      // The app user's borrower given a serviced loan by the app tenant's partner (locally the sandbox partner).
      const loanUniqueId = (await as(h.sandbox, 'partnerJwt')('POST', `/api/core/loans/${user.userId}`, loanBody()))
        .json.loanUniqueId as string;
      await disburse(h, h.sandbox, loanUniqueId);
      const bills = await app.http('GET', '/api/v1/loan/bills/outstanding', {
        headers: app.as(user.deviceId, user.accessToken),
      });
      const bill = bills.body.data.bills[0];
      return {
        sample: {
          body: {
            payment_channel_id: 1,
            amount: bill.total_amount,
            loan_repayment_schedules: [
              {
                schedule_id: bill.bill_id,
                total_installment_paid: bill.total_amount,
                penalty_paid: bill.pinalty_amount,
                amount_paid: bill.total_amount,
              },
            ],
          },
          headers: appHeaders(user.deviceId, user.accessToken),
        },
        names: { phone: e164(user.phone), loanUniqueId, userId: user.userId },
      };
    },
    // The request is its natural key: the same bills asked again while the instruction is live
    // answer the same instruction (one VA, one instruction, one payment_id for 20 askers).
    withoutKey: 'same answer',
  },
  appRevokeToken: {
    prepare: async () => {
      const user = await appOf().signedIn();
      return {
        sample: {
          body: { refresh_token: user.refreshToken, reason: 'USER_LOGOUT' },
          headers: appHeaders(user.deviceId, user.accessToken),
        },
        names: { phone: e164(user.phone) },
      };
    },
    withoutKey: 'same answer',
  },
  // Partner API: every state-changing POST honours the Idempotency-Key.
  createUser: { prepare: async () => ({ sample: { body: personalBorrower() } }) },
  createDocument: {
    prepare: async (t) => {
      const partner = as(t, 'partnerJwt');
      const userId = (await partner('POST', '/api/core/users', personalBorrower())).json.userId as string;
      return { sample: { body: { userId, document_type: 'KTP', content_type: 'image/jpeg' } }, names: { userId } };
    },
  },
  startCreditScore: {
    prepare: async (t) => {
      const { userId, names } = await borrowerWithDocuments(t);
      return { sample: { params: { userId }, headers: { 'credit-source': 'afpi,clik' } }, names };
    },
    // One run per borrower and sources within 15 minutes (README): the natural key.
    withoutKey: 'same answer',
    live: {
      why: 'a request after the run finished answers the same run (same reference_id) with its status now, COMPLETED',
      strip: (body) => {
        if (body?.credit_score) delete body.credit_score.status;
      },
    },
  },
  startKyc: {
    prepare: async (t) => {
      const { userId, names } = await borrowerWithDocuments(t);
      return { sample: { params: { userId }, headers: { 'data-source': 'VIDA' } }, names };
    },
  },

  createLoan: {
    prepare: async (t) => {
      const { userId, names } = await approvedBorrower(t);
      const body = loanBody();
      return { sample: { params: { id: userId }, body }, names: { ...names, reference_id: body.reference_id } };
    },
    // reference_id is the partner's natural key: the same request is the same loan.
    withoutKey: 'same answer',
  },
  createBnplLoan: {
    prepare: async (t) => {
      const { userId, names } = await approvedBorrower(t);
      const body = {
        principal: 3000000,
        currency: 'IDR',
        installments: 4,
        frequency: 'weekly',
        interest_rate: 2,
        rate_period: 'month',
        method: 'flat',
        reference_id: `conc-bnpl-${++serial}-${Date.now().toString(36)}`,
        merchant_reference: 'merchant-42',
        disbursement_account: { bank_code: 'BCA', account_number: '1234567890', account_name: 'Siti Rahayu' },
      };
      return { sample: { params: { id: userId }, body }, names: { ...names, reference_id: body.reference_id } };
    },
    withoutKey: 'same answer',
  },
  initiateLoanSigning: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'PENDING');
      return { sample: { body: { loanUniqueId } }, names };
    },
    // The answer is the loan as it stands, which the sandbox signer moves on (SIGNING, then ACTIVE).
    withoutKey: 'one effect',
  },
  disburseLoan: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'ACTIVE');
      return { sample: { params: { id: loanUniqueId } }, names };
    },
    withoutKey: 'one effect',
  },
  rejectLoan: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'PENDING');
      return { sample: { params: { id: loanUniqueId }, body: { reason: 'the order was cancelled' } }, names };
    },
    withoutKey: 'one effect',
  },

  // Platform API.
  blockBorrower: {
    prepare: async (t) => {
      const { userId, names } = await approvedBorrower(t);
      return { sample: { params: { id: userId }, body: { reason: 'fraud suspected' } }, names };
    },
    withoutKey: 'one effect',
  },
  unblockBorrower: {
    prepare: async (t) => {
      const { userId, names } = await approvedBorrower(t);
      await as(t, 'apiKeyBearer')('POST', `/v1/borrowers/${userId}/block`, { reason: 'fraud suspected' });
      return { sample: { params: { id: userId }, body: { reason: 'cleared' } }, names };
    },
    withoutKey: 'one effect',
  },
  createWebhookEndpoint: {
    prepare: async () => ({ sample: { body: { url: 'http://127.0.0.1:9/hooks', events: ['user_created'] } } }),
  },
  deleteWebhookEndpoint: {
    prepare: async (t) => {
      const endpoint = await as(t, 'apiKeyBearer')('POST', '/v1/webhook-endpoints', {
        url: 'http://127.0.0.1:9/hooks',
        events: ['user_created'],
      });
      const id = endpoint.json.id as string;
      return { sample: { params: { id } }, names: { id } };
    },
    withoutKey: 'one effect',
  },
  replayWebhookDelivery: {
    prepare: async (t) => {
      const { endpointId, eventId, names } = await delivered(t);
      return { sample: { params: { id: endpointId, eventId } }, names };
    },
  },
  resolveKycReview: {
    prepare: async (t) => {
      const { referenceID, names } = await waitingKyc(t, '8003');
      return {
        sample: { params: { referenceID }, body: { decision: 'APPROVED', note: 'documents checked by hand' } },
        names,
      };
    },
    withoutKey: 'one effect',
  },
  createLoanQuote: {
    prepare: async () => ({ sample: { body: LOAN_QUOTE } }),
    keyless: 'stores nothing: the same terms are the same quote',
  },

  // Journey API: partners call it without keys; customerID (and a run's referenceID) is the natural key.
  journeyCreateUser: {
    prepare: async (t) => {
      const { customerID, mobile, names } = await customerAt(t, 'new');
      return { sample: { body: { customerID, mobile } }, names };
    },
    withoutKey: 'same answer',
  },
  journeyUpdateDetails: {
    prepare: async (t) => {
      const { customerID, pan, names } = await customerAt(t, 'created');
      return { sample: { body: journeyDetails(customerID, pan) }, names };
    },
    withoutKey: 'same answer',
  },
  journeyTriggerOffers: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'details');
      return { sample: { body: { customerID, riskVariables: {} } }, names };
    },
    withoutKey: 'same answer',
  },
  journeyAcceptOffer: {
    prepare: async (t) => {
      const { customerID, offerID, names } = await customerAt(t, 'offered');
      return {
        sample: { body: { customerID, offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 } } },
        names: { ...names, offerID: String(offerID) },
      };
    },
    withoutKey: 'same answer',
  },
  journeyTriggerKyc: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'accepted');
      return { sample: { body: { customerID, program: 'PERSONAL_LOAN' } }, names };
    },
    withoutKey: 'same answer',
  },
  journeySubmitKycOtp: {
    prepare: async (t) => {
      const { referenceID, names } = await waitingKyc(t, '8001');
      return { sample: { body: { referenceID, otp: '123456' } }, names };
    },
    // The same OTP again is answered as the first (the run keeps its digest), not re-checked.
    withoutKey: 'same answer',
  },
  journeyCreateSession: {
    // Each call without a key is a new one-hour link by design; with a key, one link.
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'created');
      return { sample: { body: { customerID, redirectURL: 'https://partner.example/back' } }, names };
    },
  },
  journeyTriggerAgreement: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'kyc');
      return { sample: { body: { customerID, program: 'PERSONAL_LOAN' } }, names };
    },
    withoutKey: 'same answer',
  },
  journeyTriggerDisbursal: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'agreed');
      return { sample: { body: { customerID, program: 'PERSONAL_LOAN' } }, names };
    },
    withoutKey: 'same answer',
  },
  journeyUploadDocument: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'details');
      return {
        sample: {
          form: form([
            { name: 'customerID', value: customerID },
            { name: 'program', value: 'PERSONAL_LOAN' },
            { name: 'documentType', value: 'SELFIE' },
            { name: 'selfie', filename: 'selfie.jpg', contentType: 'image/jpeg', bytes: JPEG },
          ]),
        },
        names,
      };
    },
    // No natural key: each upload is a new document (its own documentID), as sequential ones are.
  },
  // The hosted session page: a borrower's form posts, answered with a redirect to the page and
  // a notice (the first `?n=<done>`, the others what a second post finds, e.g. step_closed).
  journeySessionKyc: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'accepted');
      const { sessionId } = await sessionOf(t, customerID);
      return {
        sample: {
          params: { sessionId },
          form: [{ name: 'selfie', filename: 'selfie.png', contentType: 'image/png', bytes: selfie() }],
        },
        names: { ...names, sessionId },
      };
    },
    withoutKey: 'one effect',
  },
  journeySessionKycOtp: {
    prepare: async (t) => {
      const { customerID, names } = await waitingKyc(t, '8001');
      const { sessionId } = await sessionOf(t, customerID);
      return {
        sample: { params: { sessionId }, form: [{ name: 'otp', value: '123456' }] },
        names: { ...names, sessionId },
      };
    },
    withoutKey: 'one effect',
  },
  journeySessionAgreement: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'kyc');
      const { sessionId } = await sessionOf(t, customerID);
      return { sample: { params: { sessionId }, form: [] }, names: { ...names, sessionId } };
    },
    withoutKey: 'one effect',
  },
  journeySessionConsent: {
    prepare: async (t) => {
      // A customer sent to the page signs there: the agreement the partner triggers waits for the consent.
      const { customerID, names } = await customerAt(t, 'kyc');
      const { url, sessionId } = await sessionOf(t, customerID);
      await as(t, 'apiKeyHeader')('POST', '/v2/loan/agreement', { customerID });
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
        if ((await (await fetch(url)).text()).includes('name="consent"')) {
          return {
            sample: { params: { sessionId }, form: [{ name: 'consent', value: 'yes' }] },
            names: { ...names, sessionId },
          };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('preparing: the page never asked for the consent');
    },
    withoutKey: 'one effect',
  },
  journeyTriggerBanking: {
    prepare: async (t) => {
      const { customerID, names } = await customerAt(t, 'created');
      return {
        sample: {
          form: form([
            { name: 'customerID', value: customerID },
            { name: 'bankName', value: 'HDFC' },
            { name: 'uploadType', value: 'PDF' },
            { name: 'files', filename: 'statement.pdf', contentType: 'application/pdf', bytes: NOT_A_STATEMENT },
          ]),
        },
        names,
      };
    },
  },

  // Repayment (issue 10): the channels a borrower pays through, payments, the sandbox gateway and clock.
  createLoanVirtualAccount: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { params: { id: loanUniqueId }, body: { bank_code: 'BCA' } }, names };
    },
    // The loan keeps one number per bank: concurrent askers all get the one VA.
    withoutKey: 'same answer',
  },
  createLoanQris: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { params: { id: loanUniqueId } }, names };
    },
    // Asking again while the QRIS is live answers it: one QRIS (and one PNG) for the loan.
    withoutKey: 'same answer',
    live: {
      why: 'qr_image_url is presigned when answered (its signature carries the time); the object it names must be the same',
      strip: (body) => {
        if (typeof body?.qr_image_url === 'string') body.qr_image_url = body.qr_image_url.split('?')[0];
      },
    },
  },
  createLoanPaymentLink: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { params: { id: loanUniqueId } }, names };
    },
    withoutKey: 'same answer',
  },
  paymentGatewayCallback: {
    // The same signed PAID callback 20 times at once (a gateway retrying): applied once per its payment id.
    prepare: async (t) => {
      const { loanUniqueId, vaNumber, names } = await loanWithVa(t);
      const info = await as(t, 'apiKeyBearer')('GET', '/v1/sandbox/payment-gateway');
      secrets.set(t.partnerId, info.json.data.secret as string);
      const id = `sbp_conc_${++serial}_${Date.now().toString(36)}`;
      const body = {
        id,
        status: 'PAID',
        channel: 'virtual_account',
        amount: '50000',
        va_number: vaNumber,
        paid_at: new Date().toISOString(),
        sequence: 2,
      };
      return {
        sample: { params: { provider: 'sandbox' }, body, headers: { 'x-lendstack-gateway-account': t.partnerId } },
        names: { ...names, loanUniqueId, gatewayPaymentId: id },
      };
    },
    // Signed when sent: the signature's time must be within the gateway's 300 s window.
    refresh: (p, t) => ({
      ...p,
      sample: {
        ...p.sample,
        headers: {
          ...p.sample.headers,
          [SANDBOX_SIGNATURE_HEADER]: signSandboxCallback(
            JSON.stringify(p.sample.body),
            secrets.get(t.partnerId) ?? '',
          ),
        },
      },
    }),
    // The gateway's payment id is the natural key: the first is `applied`, the others `duplicate`.
    withoutKey: 'one effect',
    after: async (t, p, answers) => {
      expect(answers.filter((a) => a.json?.outcome === 'applied')).toHaveLength(1);
      expect((await ledgerOf(t, String(p.names?.loanUniqueId))).paid_total).toBe(50000);
    },
  },
  createLoanPayment: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      const reference = `conc-receipt-${++serial}-${Date.now().toString(36)}`;
      return {
        sample: { params: { id: loanUniqueId }, body: { amount: 50000, method: 'cash', reference } },
        names: { ...names, reference },
      };
    },
    // The reference is the natural key: 201 for the payment, 200 "already recorded" for the others.
    withoutKey: 'one effect',
    after: async (t, p) => {
      const loan = await ledgerOf(t, String(p.sample.params?.id));
      expect(loan.paid_total).toBe(50000);
      const payments = await as(t, 'apiKeyBearer')('GET', `/v1/payments?loan_id=${p.sample.params?.id}`);
      expect(payments.json.meta.total).toBe(1);
    },
  },
  createSettlementQuote: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { params: { id: loanUniqueId }, body: {} }, names };
    },
    keyless: 'a POST that stores nothing: the quote is computed from the ledger as it stands',
  },
  refundLoanCredit: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      await as(t, 'apiKeyBearer')('POST', `/v1/loans/${loanUniqueId}/payments`, {
        amount: 5000000,
        method: 'bank_transfer',
        reference: `conc-overpaid-${++serial}`,
      });
      return { sample: { params: { id: loanUniqueId }, body: { amount: 1000, reason: 'overpaid' } }, names };
    },
    // No natural key: without one, each refund is a refund (until the credit runs out).
    after: async (t, p) => {
      expect((await ledgerOf(t, String(p.sample.params?.id))).refunded).toBe(1000);
    },
  },
  createSandboxPayment: {
    prepare: async (t) => {
      const { loanUniqueId, vaNumber, names } = await loanWithVa(t);
      return {
        sample: { body: { channel: 'virtual_account', va_number: vaNumber, amount: 50000 } },
        names: { ...names, loanUniqueId },
      };
    },
    // No natural key: without one, each call is a borrower paying again.
    after: async (t, p) => {
      await h.runtime.settle();
      const loan = await ledgerOf(t, String(p.names?.loanUniqueId));
      expect(loan.paid_total).toBe(50000);
    },
  },
  advanceLoanTime: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { params: { id: loanUniqueId }, body: { days: 1 } }, names };
    },
    // Without a key each call is a move of its days (checked below: 20 at once move 20 days).
    after: async (t, p) => {
      expect((await ledgerOf(t, String(p.sample.params?.id))).clock_offset_days).toBe(1);
    },
  },

  // Platform API clients and back-office loan actions (issue 12).
  createClient: { prepare: async () => ({ sample: { body: personalBorrower() } }) },
  createReport: {
    // One report, one workflow, one CSV object for 20 askers (the limit of 10 a minute is lifted by the harness).
    prepare: async () => ({ sample: { body: REPORT_REQUEST } }),
    after: async (t) => {
      await h.runtime.settle();
      const listed = await as(t, 'apiKeyBearer')('GET', '/v1/reports');
      expect(listed.json.meta.total).toBe(1);
      const report = await as(t, 'apiKeyBearer')('GET', `/v1/reports/${listed.json.data[0].id}`);
      expect(report.json.status).toBe('succeeded');
    },
  },
  updateClient: {
    prepare: async (t) => {
      const userId = (await as(t, 'partnerJwt')('POST', '/api/core/users', personalBorrower())).json.userId as string;
      return { sample: { params: { id: userId }, body: { email: 'changed@example.com' } }, names: { userId } };
    },
  },
  approveLoan: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'PENDING');
      return { sample: { params: { id: loanUniqueId } }, names };
    },
    // As initiateLoanSigning: the answer is the loan as it stands, which the sandbox signer moves on.
    withoutKey: 'one effect',
  },
  rejectLoanBackOffice: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'PENDING');
      return { sample: { params: { id: loanUniqueId }, body: { reason: 'the order was cancelled' } }, names };
    },
    withoutKey: 'one effect',
  },
  disburseLoanBackOffice: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await loanOf(t, 'ACTIVE');
      return { sample: { params: { id: loanUniqueId } }, names };
    },
    withoutKey: 'one effect',
  },
  createPaymentLink: {
    prepare: async (t) => {
      const { loanUniqueId, names } = await servicedLoan(t);
      return { sample: { body: { loan_id: loanUniqueId } }, names };
    },
    // The partner's issuePaymentLink: asking again while the link is live answers it.
    withoutKey: 'same answer',
  },
};

// ------------------------------------------------------------------------- effects and answers

/** Ids, digests, times and numbers in a key, replaced by their kind, and the twin's own names. */
function shapeOf(key: string, names: Record<string, string>): string {
  let shape = key;
  for (const [name, value] of Object.entries(names).sort(([, a], [, b]) => b.length - a.length)) {
    if (value) shape = shape.replaceAll(value, `<${name}>`);
  }
  return (
    shape
      // A QRIS bill number and a payment link token, issued with the channel (read before their digits are a number).
      .replace(/\bLS[0-9A-F]{18}\b/g, '<qr_reference>')
      .replace(/\bpl_[A-Za-z0-9_-]{24}(?![A-Za-z0-9_-])/g, '<link_token>')
      .replace(/\b([a-z]{2,8})_[0-9a-z]{26}\b/g, '<$1_id>')
      .replace(/[0-9a-f]{64}/g, '<digest>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, '<time>')
      .replace(/[0-9A-HJKMNP-TV-Z]{26}/g, '<ulid>')
      .replace(/\d{10,}/g, '<number>')
  );
}

/**
 * What requests did, comparable across twins: per shape, how many distinct items (or S3
 * objects) were written; per Step Functions call, how many were made.
 */
function effectOf(writes: Write[], names: Record<string, string>): Record<string, number> {
  const items = new Map<string, Set<string>>();
  const calls: Record<string, number> = {};
  for (const write of writes.filter((w) => !isInfrastructure(w))) {
    if (write.key.startsWith('stepfunctions#')) {
      // An execution is started once per name, however often asked: distinct names are executions.
      const names = items.get(`stepfunctions ${write.op}`) ?? new Set<string>();
      items.set(`stepfunctions ${write.op}`, names.add(write.key));
      continue;
    }
    if (write.key === 'stepfunctions') {
      calls[`stepfunctions ${write.op}`] = (calls[`stepfunctions ${write.op}`] ?? 0) + 1;
      continue;
    }
    const kind = write.op.startsWith('S3') ? 's3' : write.op.startsWith('Delete') ? 'deleted' : 'item';
    const shape = `${kind} ${shapeOf(write.key, { partnerId: h.sandbox.partnerId, ...names })}`;
    const keys = items.get(shape) ?? new Set<string>();
    keys.add(write.key);
    items.set(shape, keys);
  }
  const effect: Record<string, number> = { ...calls };
  for (const [shape, keys] of items) effect[shape] = keys.size;
  return Object.fromEntries(Object.entries(effect).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** JSON with object keys sorted at every level: the same value prints the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The answer as compared across the burst: its status and its body as a JSON value (the order
 * of an object's keys is not part of it: the winner of a create answers from its request, the
 * others from the stored item). No request id or time is removed: the bodies of these routes
 * carry none of their own (a replayed answer is the stored body, byte for byte), so only a
 * case's `live` part, with its reason, is left out.
 */
function answerOf(answer: Answer, c: Case): string {
  if (answer.json === undefined) return `${answer.status} ${answer.text}`;
  const body = structuredClone(answer.json);
  c.live?.strip(body);
  return `${answer.status} ${canonical(body)}`;
}

/** The distinct answers of a burst, each with how many got it. */
function answersOf(answers: Answer[], c: Case): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[answerOf(a, c)] = (counts[answerOf(a, c)] ?? 0) + 1;
  return counts;
}

// ------------------------------------------------------------------------------------ routes

const stateChanging = routeList.filter((r) => r.method !== 'GET' && r.surface !== 'system');
/** CONCURRENCY_ROUTES=<id>,<id> prepares and runs only those routes' cases (a developer's loop; CI runs all). */
const only = process.env.CONCURRENCY_ROUTES?.split(',').filter(Boolean);
const covered = stateChanging.filter((r) => !EXEMPT[r.id] && CASES[r.id] && (!only || only.includes(r.id)));

/** The variants a route's burst is sent in. */
function variantsOf(route: RouteDef, c: Case): { name: string; key: boolean; answers: 'one' | 'any' }[] {
  if (c.keyless) return [{ name: 'without a key (it stores nothing)', key: false, answers: 'one' }];
  const variants: { name: string; key: boolean; answers: 'one' | 'any' }[] = [];
  if (route.idempotent) variants.push({ name: 'with one Idempotency-Key', key: true, answers: 'one' });
  if (c.withoutKey === 'same answer')
    variants.push({ name: 'without a key (natural key)', key: false, answers: 'one' });
  if (c.withoutKey === 'one effect') variants.push({ name: 'without a key', key: false, answers: 'any' });
  return variants;
}

describe('every state-changing route has a concurrency case', () => {
  it('has a case or an exemption with its reason for every route that is not a GET', () => {
    const problems: string[] = [];
    for (const route of stateChanging) {
      if (EXEMPT[route.id] || CASES[route.id]) {
        if (CASES[route.id] && !variantsOf(route, CASES[route.id] as Case).length) {
          problems.push(`${route.id} honours no Idempotency-Key and its case names no natural key (withoutKey)`);
        }
        continue;
      }
      problems.push(
        `${route.id} (${route.method} ${route.path}): add a case to CASES, or an exemption with its reason`,
      );
    }
    for (const id of [...Object.keys(EXEMPT), ...Object.keys(CASES)]) {
      if (!stateChanging.some((r) => r.id === id)) problems.push(`${id} is not a state-changing route of the table`);
    }
    expect(problems).toEqual([]);
  });
});

describe('the same request 20 times at once: one effect, one answer', () => {
  for (const route of covered) {
    const c = CASES[route.id] as Case;
    for (const variant of variantsOf(route, c)) {
      it(`${route.method} ${route.path} ${variant.name}`, async () => {
        tally.cases++;
        const started = Date.now();
        const headers: Record<string, string> = variant.key ? { 'idempotency-key': `conc-${route.id}-${started}` } : {};
        const request = (p: Prepared, t: Tenant) => {
          const raw = encode(route, (c.refresh?.(p, t) ?? p).sample, t);
          return { ...raw, headers: { ...raw.headers, ...headers } };
        };
        // What one request does, once per route (the variants differ only in the key, which is metering).
        const once = singles.get(route.id) ?? single(route, request);
        singles.set(route.id, once);
        const [one, burst] = await Promise.all([once, twinOf(`${route.id} ${variant.name}`)]);
        const prepared = Date.now();
        // One request, sent 20 times: the same bytes (a signature made when sent is made once).
        const same = request(burst.prepared, burst.tenant);
        const many = await Promise.all(Array.from({ length: BURST }, () => h.send(same)));
        tally.requests += BURST;
        if (process.env.CONCURRENCY_DEBUG) {
          console.log(`${route.id}: prepared in ${prepared - started} ms, sent in ${Date.now() - prepared} ms`);
        }
        expect(one.status, one.text).toBeLessThan(400);
        // A single request that changed nothing means the twin was not in the route's precondition.
        if (!c.keyless) expect(Object.keys(one.effect), one.text).not.toEqual([]);
        const effectMany = effectOf(
          many.flatMap((a) => a.writes),
          { ...burst.prepared.names, partner: burst.tenant.partnerId },
        );
        if (variant.answers === 'one') {
          const answers = answersOf(many, c);
          expect(Object.keys(answers), JSON.stringify(answers, null, 1).slice(0, 2000)).toHaveLength(1);
        }
        expect(many.some((a) => a.status === one.status)).toBe(true);
        expect(effectMany).toEqual(one.effect);
        await c.after?.(burst.tenant, burst.prepared, many);
      });
    }
  }
});

const singles = new Map<string, Promise<{ status: number; text: string; effect: Record<string, number> }>>();

/** One request on a twin of the state: the effect a burst must not exceed. */
async function single(route: RouteDef, request: (p: Prepared, t: Tenant) => RawRequest) {
  const { tenant, prepared } = await twinOf(`${route.id} single`);
  const answer = await h.send(request(prepared, tenant));
  tally.requests++;
  const effect = effectOf(answer.writes, { ...prepared.names, partner: tenant.partnerId });
  return { status: answer.status, text: `${route.id}: ${answer.text.slice(0, 300)}`, effect };
}

interface Twin {
  tenant: Tenant;
  prepared: Prepared;
}
const twins = new Map<string, Promise<Twin>>();

/** A fresh partner with fresh state in the route's precondition. */
async function twin(c: Case): Promise<Twin> {
  const tenant = await h.tenant('sandbox');
  return { tenant, prepared: await c.prepare(tenant) };
}

function twinOf(name: string): Promise<Twin> {
  const found = twins.get(name);
  if (!found) throw new Error(`no twin prepared for ${name}`);
  return found;
}

/** Runs the functions given to it at most `n` at a time. */
function limiter(n: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  return <T>(fn: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const run = () => {
        running++;
        fn()
          .then(resolve, reject)
          .finally(() => {
            running--;
            queue.shift()?.();
          });
      };
      if (running < n) run();
      else queue.push(run);
    });
}

describe('POST /v1/sandbox/loans/{id}/advance-time 20 times at once without a key', () => {
  it('moves the clock once per request answered 200, as calls one after another do: no move is lost to another', async () => {
    const tenant = await h.tenant('sandbox');
    const { loanUniqueId } = await servicedLoan(tenant);
    const before = await ledgerOf(tenant, loanUniqueId);
    const answers = await Promise.all(
      Array.from({ length: BURST }, () =>
        h.send({
          method: 'POST',
          path: `/v1/sandbox/loans/${loanUniqueId}/advance-time`,
          headers: { ...authHeaders(tenant, 'apiKeyBearer'), 'content-type': 'application/json' },
          body: JSON.stringify({ days: 1 }),
        }),
      ),
    );
    tally.requests += BURST;
    // A move that lost too many races to the others is refused as busy (409, retry) and moved nothing.
    const moved = answers.filter((a) => a.status === 200).length;
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => `${a.status} ${a.json?.error?.code}`)).toEqual(refused.map(() => '409 ledger_busy'));
    expect(moved).toBeGreaterThan(0);
    const after = await ledgerOf(tenant, loanUniqueId);
    expect(after.clock_offset_days).toBe(before.clock_offset_days + moved);
  });
});

describe('POST /api/auth/refresh 20 times at once with one token (exempt above: a login per twin)', () => {
  it('rotates once, and all 20 get the same pair, whose refresh token is live', async () => {
    const tenant = await h.tenant('sandbox');
    const login = await as(tenant, 'basic')('POST', '/api/auth/token/v2');
    const refresh = (token: string) =>
      h.send({
        method: 'POST',
        path: '/api/auth/refresh',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
      });
    const answers = await Promise.all(Array.from({ length: BURST }, () => refresh(login.json.refresh_token)));
    tally.requests += BURST;
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    // One effect: the spend and one successor; no family revoked.
    const written = answers.flatMap((a) => a.writes.map((w) => w.key));
    expect(written.filter((k) => k.startsWith('RTF#'))).toEqual([]);
    expect(new Set(written.filter((k) => k.startsWith('RT#'))).size).toBe(2);
    const next = await refresh(answers[0]?.json.refresh_token);
    expect(next.status).toBe(200);
  });
});

/**
 * Tenant isolation, generated from the route table. Every route that names an object (a path
 * parameter, an id field of its query, body or form) is called with partner A's real object
 * as two other tenants: another partner, and A itself in live mode. Each must answer as if the
 * object did not exist (404, or 403; the journey API's FBX-E-006 / FBX-E-008), write nothing,
 * change nothing in the table, and show nothing of A's. Then the same requests as A find the
 * objects, so the refusals were about the caller and not a broken request.
 *
 * A new route is in the matrix as soon as it is in the table: its ids are filled from the
 * fixtures by field name (route-samples.ts). It fails until it has a fixture for every id it
 * takes, or an exemption below saying why it names nothing of a tenant's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#api/routes';
import type { RouteDef } from '#http/route';
import { SANDBOX_SIGNATURE_HEADER, signSandboxCallback } from '#providers/payment-gateways';
import { personalBorrower } from '../helpers/factories.ts';
import {
  type Answer,
  authHeaders,
  changedKeys,
  type Harness,
  isInfrastructure,
  startHarness,
  type Tenant,
} from '../helpers/route-harness.ts';
import {
  buildFixtures,
  buildLiveFixtures,
  encode,
  type Fixtures,
  fixtureFor,
  idFields,
  indianMobile,
  journeyDetails,
  sampleRequest,
} from '../helpers/route-samples.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

/** Routes that name no object of a tenant's, and why. Every other route is in the matrix. */
const EXEMPT: Record<string, string> = {
  health: 'public; names nothing',
  openapi: 'public; names nothing',
  docs: 'public; names nothing',
  docsAsset: "public; names a file of the package's, nothing of a tenant's",
  console: 'public static page; names nothing (its data comes through the platform API with the key entered)',
  consoleAsset: "public; names a file of the package's, nothing of a tenant's",
  listApplications: "lists the caller's own applications (another tenant's never appear: checked below)",
  listKycReviews: "lists the caller's own KYC runs in review (another tenant's never appear: checked below)",
  issueToken: 'takes the credentials themselves; names no object',
  refreshToken: 'the refresh token is a credential of its own partner and mode, not the id of an object',
  createUser: 'creates; names no object (its natural keys, NIK and phone, are per tenant: checked below)',
  createWebhookEndpoint: 'creates; names no object',
  listWebhookEndpoints: "lists the caller's own endpoints (another tenant's never appear: checked below)",
  listEvents: "lists the caller's own events (another tenant's never appear, even filtered by A's ids: checked below)",
  createLoanQuote: 'stores nothing and names nothing',
  journeyCreateUser:
    "customerID is the partner's own key for a new customer: under another tenant it is another customer (checked below)",
  journeyBankList: 'customerID is optional and never looked up: the list is the same for everyone',
  paymentLinkPage:
    'the link token in the URL is the credential (auth none): no other tenant to call it as; tenancy comes from the link record',
  paymentLinkPay:
    "the link token in the URL is the credential (auth none); the payment it starts is matched to the link's own account only (checked below for the gateway path it takes)",
  paymentGatewayCallback:
    "authenticated by the gateway's signature, not a tenant's key; a sandbox account's callback is matched only to that account's own channels (checked below: another account's signed callback naming A's VA changes nothing of A's)",
  createSandboxPayment:
    "names a channel by its number, not an id; the gateway's callback pays only the calling account's channels (checked below: another partner paying A's VA ends as its own payment exception)",
  getSandboxGateway: "names nothing: the caller's own gateway account (checked below: each account has its own secret)",
  listLoans: "lists the caller's own serviced loans (checked below, filtered by A's borrower too)",
  listPayments: "lists the caller's own payments (checked below, filtered by A's loans too)",
  listPaymentExceptions: "lists the caller's own payment exceptions (checked below)",
  createClient:
    'creates; names no object (its natural keys, NIK and phone, are per tenant: as createUser, checked below)',
  listClients: "lists the caller's own clients (checked below, searched by A's phone and NIK too)",
  createReport:
    "creates; names no object (the report is the caller's own: another tenant's GET of it is in the matrix, getReport)",
  listReports:
    "lists the caller's own reports (another partner's and the live mode's lists never show A's: checked in reports.test.ts)",
  listSandboxMessages:
    "reads the caller's own tenant's outbox by phone (a phone is not an object id; another tenant's outbox is under its own key: checked in app-api.test.ts)",
};

/**
 * The hosted session page's routes: the session id in the URL is the credential (auth none),
 * so there is no other partner or mode to call them as. Tenancy comes from the session record.
 */
const isSessionLink = (route: RouteDef) =>
  route.auth === 'none' && idFields(route).every((f) => f.field === 'sessionId') && idFields(route).length > 0;

function exemption(route: RouteDef): string | undefined {
  if (EXEMPT[route.id]) return EXEMPT[route.id];
  if (route.surface === 'app') {
    return "the borrower app's tenant is the stage's configuration, not the caller's credential: there is no other partner or mode to call it as. Its routes act on the signed-in user's own records (the user comes from the token, never from the request); one user reaching another's biometric_id or refresh token is checked in app-api.test.ts";
  }
  if (isSessionLink(route))
    return 'the session id in the URL is the credential (auth none): no other tenant to call it as';
  return undefined;
}

const covered = routeList.filter((r) => !exemption(r));

/** The journey API's codes for "no such object" (journey-api.txt, Generic Status Codes). */
const JOURNEY_NOT_FOUND = new Set(['FBX-E-005', 'FBX-E-006', 'FBX-E-008']);

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** Partner A in sandbox mode owns the objects; B is another partner; A live is A's other mode. */
let a: Tenant;
let b: Tenant;
let aLive: Tenant;
let fx: Fixtures;
/** A's live objects: the kinds live mode can make without real providers. */
let fxLive: Partial<Fixtures>;
const callers = [
  { name: 'another partner', tenant: () => b },
  { name: 'the same partner in live mode', tenant: () => aLive },
] as const;
const tally = { cases: 0, requests: 0 };
const started = Date.now();

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness();
  a = h.sandbox;
  [fx, b, aLive] = await Promise.all([
    buildFixtures(h, a, receiver.url('/hooks/a'), 'iso'),
    h.tenant('sandbox'),
    h.tenant('live', a.partnerId),
  ]);
  fxLive = await buildLiveFixtures(h, aLive, 'iso');
}, 240_000);

afterAll(async () => {
  console.log(
    `tenant isolation: ${covered.length} routes in the matrix, ${tally.cases} cases (as another partner, as live mode, and a sandbox key on live objects), ${tally.requests} requests, ${routeList.length - covered.length} routes exempt, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await h?.stop();
  await receiver?.close();
});

/** The owner's values the request did not carry, found in the answer: an answer must not reveal them. */
function revealed(answer: Answer, sent: string, owner: Partial<Fixtures>): string[] {
  const own = [a.partnerId, ...Object.values(owner)].filter((v): v is string => typeof v === 'string' && v.length >= 8);
  return own.filter((v) => answer.text.includes(v) && !sent.includes(v));
}

const sentText = (request: Parameters<Harness['send']>[0]) =>
  `${request.path}\n${typeof request.body === 'string' ? request.body : Buffer.from(request.body ?? '').toString('latin1')}`;

/** Why an answer is not "no such object" for this route, or undefined when it is. */
function notARefusal(route: RouteDef, answer: Answer): string | undefined {
  if (answer.status === 400) {
    // Refused before the lookup: the request itself is wrong, so nothing was learnt about isolation.
    return `answered 400, so the request never reached the lookup: give ${route.id} a valid sample in test/helpers/route-samples.ts (${answer.text.slice(0, 300)})`;
  }
  if (answer.status !== 404 && answer.status !== 403) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (route.surface !== 'journey') return undefined;
  const code = answer.json?.statusCode ?? answer.json?.status;
  return JOURNEY_NOT_FOUND.has(code) ? undefined : `answered ${answer.status} with ${code}, not a not-found code`;
}

async function sendCounted(request: Parameters<Harness['send']>[0]) {
  tally.requests++;
  return h.send(request);
}

describe('the matrix covers the route table', () => {
  it('has a fixture for every id each route takes, or an exemption saying why the route names nothing', () => {
    const problems: string[] = [];
    for (const route of routeList) {
      if (exemption(route)) continue;
      const ids = idFields(route);
      if (!ids.length) {
        problems.push(`${route.id} (${route.method} ${route.path}) takes no id: add it to EXEMPT with the reason`);
      }
      for (const { field, in: where } of ids) {
        if (!fixtureFor(route, field, fakeFixtures)) {
          problems.push(`${route.id}: no fixture for ${where} ${field} (route-samples.ts: fixtureFor, REFERENCE_OF)`);
        }
      }
    }
    const stale = Object.keys(EXEMPT).filter((id) => !routeList.some((r) => r.id === id));
    for (const id of stale) problems.push(`EXEMPT names ${id}, which is not in the route table`);
    expect(problems).toEqual([]);
  });
});

/** Every fixture field set, to ask fixtureFor which kinds exist before the real ones are made. */
const fakeFixtures = new Proxy({} as Fixtures, { get: (_t, key) => `fixture-${String(key)}` });

describe("another tenant's objects are not there", () => {
  for (const route of covered) {
    for (const caller of callers) {
      it(`${route.method} ${route.path} as ${caller.name}: not found, nothing written or changed, nothing shown`, async () => {
        const missing = idFields(route).filter(({ field }) => !fixtureFor(route, field, fx));
        expect(missing, 'no fixture for these ids: see the first test of this file').toEqual([]);
        tally.cases++;
        const request = encode(route, sampleRequest(route, fx), caller.tenant());
        const before = await h.snapshot();
        const answer = await sendCounted(request);
        const after = await h.snapshot();
        expect(notARefusal(route, answer)).toBeUndefined();
        expect(answer.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
        expect(changedKeys(before, after)).toEqual([]);
        expect(revealed(answer, sentText(request), fx)).toEqual([]);
      });
    }
  }
});

describe("A's live objects are not there for A's sandbox key (a sandbox key never reads or changes live data)", () => {
  for (const route of covered) {
    it(`${route.method} ${route.path} with a live id as the same partner in sandbox mode`, async (context) => {
      const missing = idFields(route).filter(({ field }) => !fixtureFor(route, field, fxLive as Fixtures));
      if (missing.length) {
        // Live mode makes no offers, agreements, disbursals or deliveries without real providers.
        context.skip(`no live ${missing.map((m) => m.field).join(', ')} to ask for`);
      }
      tally.cases++;
      const request = encode(route, sampleRequest(route, { ...fx, ...fxLive }), a);
      const before = await h.snapshot();
      const answer = await sendCounted(request);
      const after = await h.snapshot();
      expect(notARefusal(route, answer)).toBeUndefined();
      expect(answer.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
      expect(changedKeys(before, after)).toEqual([]);
      expect(revealed(answer, sentText(request), fxLive)).toEqual([]);
    });
  }
});

describe("natural keys and listings are per tenant: another tenant's never collide or show", () => {
  /** A's items (sandbox), to check that what others do leaves them as they were. */
  const itemsOfA = async () => {
    const all = await h.snapshot();
    const prefix = `T#${a.partnerId}#sandbox#`;
    return new Map([...all].filter(([k]) => k.startsWith(prefix)));
  };
  const as = (tenant: Tenant, scheme: RouteDef['auth']) => (method: string, path: string, body?: unknown) =>
    sendCounted({
      method,
      path,
      headers: {
        ...authHeaders(tenant, scheme),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("A's customerID, mobile and PAN are new to another partner and to A's live mode (journey)", async () => {
    const before = await itemsOfA();
    for (const caller of callers) {
      const journey = as(caller.tenant(), 'apiKeyHeader');
      // The same customerID with another mobile: CUR-E-002 would say A has this customer.
      const same = await journey('POST', '/v2/user/create', { customerID: fx.customerID, mobile: indianMobile() });
      expect(same.status, same.text).toBe(200);
      expect(same.json.data.stage ?? 'USER_CREATED').toBe('USER_CREATED');
      // Another customerID with A's mobile: dedupe by mobile must not reach across tenants.
      const mobile = await journey('POST', '/v2/user/create', { customerID: `${fx.customerID}-m`, mobile: fx.mobile });
      expect(mobile.status, mobile.text).toBe(200);
      // A's PAN on the caller's own customer: UUD-E-001 would say A has a customer with it.
      const details = await journey('POST', '/v2/user/details/update', journeyDetails(fx.customerID, fx.pan));
      expect(details.status, details.text).toBe(200);
    }
    expect(changedKeys(before, await itemsOfA())).toEqual([]);
  });

  it("A's NIK and phone are new to another partner and to A's live mode (partner API)", async () => {
    const before = await itemsOfA();
    for (const caller of callers) {
      const created = await as(caller.tenant(), 'partnerJwt')(
        'POST',
        '/api/core/users',
        personalBorrower({ nik: fx.nik, phone: fx.phone }),
      );
      expect(created.status, created.text).toBe(201);
    }
    expect(changedKeys(before, await itemsOfA())).toEqual([]);
  });

  it("A's clients are not in another tenant's list, even searched by A's phone and NIK", async () => {
    const own = await as(a, 'apiKeyBearer')('GET', `/v1/clients?nik=${fx.nik}`);
    expect(own.text, 'A finds its own client by NIK').toContain(fx.userId);
    for (const caller of callers) {
      for (const query of ['limit=100', `phone=${encodeURIComponent(fx.phone)}`, `nik=${fx.nik}`]) {
        const list = await as(caller.tenant(), 'apiKeyBearer')('GET', `/v1/clients?${query}`);
        expect(list.status, `${caller.name} ${query}: ${list.text}`).toBe(200);
        expect(list.text).not.toContain(fx.userId);
      }
    }
  });

  it("A's events are not in another tenant's list, even asked for by A's own object id", async () => {
    const own = await as(a, 'apiKeyBearer')('GET', `/v1/events?object_id=${fx.userId}`);
    expect(own.status).toBe(200);
    expect(own.json.meta.total, own.text).toBeGreaterThan(0);
    for (const caller of callers) {
      for (const query of [`?object_id=${fx.userId}`, '?limit=100']) {
        const list = await as(caller.tenant(), 'apiKeyBearer')('GET', `/v1/events${query}`);
        expect(list.status).toBe(200);
        expect(list.text).not.toContain(fx.userId);
        expect(list.text).not.toContain(fx.eventId);
      }
      const filtered = await as(caller.tenant(), 'apiKeyBearer')('GET', `/v1/events?object_id=${fx.userId}`);
      expect(filtered.json.meta.total).toBe(0);
    }
  });

  it("A's applications and KYC runs in review are not in another tenant's lists", async () => {
    const own = await as(a, 'apiKeyBearer')('GET', '/v1/applications?limit=100');
    expect(own.text).toContain(fx.loanUniqueId);
    const ownIds: string[] = own.json.data.map((x: { id: string }) => x.id);
    expect(ownIds.some((id) => id.startsWith('app_'))).toBe(true);
    const reviews = await as(a, 'apiKeyBearer')('GET', '/v1/kyc-reviews?limit=100');
    expect(reviews.text).toContain(fx.kycReviewReference);
    for (const caller of callers) {
      const apps = await as(caller.tenant(), 'apiKeyBearer')('GET', '/v1/applications?limit=100');
      expect(apps.status).toBe(200);
      // (Another tenant may have a customer of its own with A's customerID: checked above. Ids never collide.)
      for (const id of ownIds) expect(apps.text).not.toContain(id);
      const inReview = await as(caller.tenant(), 'apiKeyBearer')('GET', '/v1/kyc-reviews?limit=100');
      expect(inReview.status).toBe(200);
      expect(inReview.text).not.toContain(fx.kycReviewReference);
    }
  });

  it("A's webhook endpoints are not in another tenant's list", async () => {
    for (const caller of callers) {
      const list = await as(caller.tenant(), 'apiKeyBearer')('GET', '/v1/webhook-endpoints');
      expect(list.status).toBe(200);
      expect(list.text).not.toContain(fx.endpointId);
    }
  });

  it("an object of the caller's own does not reach A's objects inside it (offer, delivery)", async () => {
    const before = await h.snapshot();
    // B's own customer (the same customerID as A's, made above) accepting A's offer: AOP-E-002.
    const accept = await as(b, 'apiKeyHeader')('POST', '/user/acceptOffer', {
      customerID: fx.customerID,
      offerDetails: { offerID: fx.offerID, amount: 80000, tenure: 8, interest: 25 },
    });
    expect([400, 404], accept.text).toContain(accept.status);
    expect(['AOP-E-002', 'FBX-E-006']).toContain(accept.json.statusCode);
    // B's own endpoint, replaying A's event.
    const platform = as(b, 'apiKeyBearer');
    const own = await platform('POST', '/v1/webhook-endpoints', { url: receiver.url('/hooks/b'), events: ['*'] });
    const mid = await h.snapshot();
    const replay = await platform('POST', `/v1/webhook-endpoints/${own.json.id}/deliveries/${fx.eventId}/replay`);
    expect(replay.status, replay.text).toBe(404);
    expect(replay.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
    expect(changedKeys(mid, await h.snapshot())).toEqual([]);
    expect(accept.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
    expect(changedKeys(before, mid).filter((k) => !k.includes(b.partnerId))).toEqual([]);
  });
});

describe("serviced loans, payments and the gateway: another tenant's never show or pay A's", () => {
  const as = (tenant: Tenant, scheme: RouteDef['auth']) => (method: string, path: string, body?: unknown) =>
    sendCounted({
      method,
      path,
      headers: {
        ...authHeaders(tenant, scheme),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  /** A's sandbox items, the ledgers included. */
  const itemsOfA = async () => {
    const all = await h.snapshot();
    const prefix = `T#${a.partnerId}#sandbox#`;
    return new Map([...all].filter(([k]) => k.startsWith(prefix)));
  };
  const paidTotal = async (loanId: string) => {
    const loan = await as(a, 'apiKeyBearer')('GET', `/v1/loans/${loanId}`);
    expect(loan.status, loan.text).toBe(200);
    return loan.json.data.paid_total as number;
  };
  /** A sandbox gateway callback body, PAID, naming a VA number. */
  const paidCallback = (vaNumber: string, id: string) =>
    JSON.stringify({
      id,
      status: 'PAID',
      channel: 'virtual_account',
      amount: '50000',
      va_number: vaNumber,
      paid_at: new Date().toISOString(),
      sequence: 2,
    });

  it("A's loans, payments and payment exceptions are in no other tenant's lists, even filtered by A's ids", async () => {
    const platformA = as(a, 'apiKeyBearer');
    // A payment exception of A's: the sandbox gateway pays a VA number no bank issued.
    const stray = await platformA('POST', '/v1/sandbox/payments', {
      channel: 'virtual_account',
      va_number: '8808999999999999',
      amount: 25000,
    });
    expect(stray.status, stray.text).toBe(202);
    await h.runtime.settle();
    const own = {
      loans: await platformA('GET', '/v1/loans?limit=100'),
      payments: await platformA('GET', `/v1/payments?loan_id=${fx.creditLoanId}`),
      exceptions: await platformA('GET', '/v1/payment-exceptions?limit=100'),
    };
    // The lists show A its own, so their absence below is about the caller.
    expect(own.loans.text).toContain(fx.servicedLoanId);
    expect(own.payments.json.data.length, own.payments.text).toBeGreaterThan(0);
    expect(own.exceptions.text).toContain(stray.json.data.id);
    const secrets = [
      fx.servicedLoanId,
      fx.creditLoanId,
      fx.approvedUserId,
      stray.json.data.id as string,
      ...own.payments.json.data.map((p: { id: string }) => p.id),
      ...own.exceptions.json.data.map((e: { id: string }) => e.id),
    ];
    for (const caller of callers) {
      const platform = as(caller.tenant(), 'apiKeyBearer');
      for (const path of [
        '/v1/loans?limit=100',
        `/v1/loans?borrower_id=${fx.approvedUserId}`,
        '/v1/payments?limit=100',
        `/v1/payments?loan_id=${fx.servicedLoanId}`,
        `/v1/payments?loan_id=${fx.creditLoanId}`,
        '/v1/payment-exceptions?limit=100',
      ]) {
        const list = await platform('GET', path);
        expect(list.status, `${caller.name} ${path}: ${list.text}`).toBe(200);
        expect(list.json.data, `${caller.name} ${path}`).toEqual([]);
        expect(list.json.meta.total, `${caller.name} ${path}`).toBe(0);
        expect(secrets.filter((v) => list.text.includes(v))).toEqual([]);
      }
    }
  });

  it('each sandbox account has its own gateway secret; live keys have no sandbox gateway', async () => {
    const secretOf = async (t: Tenant) => {
      const info = await as(t, 'apiKeyBearer')('GET', '/v1/sandbox/payment-gateway');
      expect(info.status, info.text).toBe(200);
      expect(info.json.data.account_id).toBe(t.partnerId);
      return info.json.data.secret as string;
    };
    expect(await secretOf(b)).not.toBe(await secretOf(a));
    for (const [method, path] of [
      ['GET', '/v1/sandbox/payment-gateway'],
      ['POST', '/v1/sandbox/payments'],
      ['POST', `/v1/sandbox/loans/${fx.servicedLoanId}/advance-time`],
    ] as const) {
      const answer = await as(aLive, 'apiKeyBearer')(
        method,
        path,
        method === 'POST' ? { channel: 'virtual_account', va_number: fx.vaNumber, amount: 1000, days: 1 } : undefined,
      );
      expect(answer.status, `${path}: ${answer.text}`).toBe(404);
      expect(answer.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
    }
  });

  it("another account's signed gateway callback naming A's VA pays nothing of A's (it is that account's exception)", async () => {
    const secretB = (await as(b, 'apiKeyBearer')('GET', '/v1/sandbox/payment-gateway')).json.data.secret as string;
    const paidBefore = await paidTotal(fx.servicedLoanId);
    const before = await itemsOfA();
    const id = `sbp_cross_${Date.now()}`;
    const body = paidCallback(fx.vaNumber, id);
    const send = (account: string) =>
      sendCounted({
        method: 'POST',
        path: '/api/core/payment-gateway/sandbox/status',
        headers: {
          'content-type': 'application/json',
          [SANDBOX_SIGNATURE_HEADER]: signSandboxCallback(body, secretB),
          'x-lendstack-gateway-account': account,
        },
        body,
      });
    // B's secret claiming to be A's account: not A's signature.
    const forged = await send(a.partnerId);
    expect(forged.status, forged.text).toBe(401);
    expect(forged.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
    // B's own account, naming A's VA: verified, but A's VA is no channel of B's.
    const crossed = await send(b.partnerId);
    expect(crossed.status, crossed.text).toBe(200);
    expect(crossed.json).toEqual({ received: true, outcome: 'exception' });
    expect(changedKeys(before, await itemsOfA())).toEqual([]);
    expect(await paidTotal(fx.servicedLoanId)).toBe(paidBefore);
    const exceptionsB = await as(b, 'apiKeyBearer')('GET', '/v1/payment-exceptions?limit=100');
    expect(exceptionsB.text).toContain(id);
    expect(revealed(crossed, sentText({ method: 'POST', path: '', body }), fx)).toEqual([]);
  });

  it("another partner paying A's VA through the sandbox gateway pays nothing of A's", async () => {
    const paidBefore = await paidTotal(fx.servicedLoanId);
    const before = await itemsOfA();
    const paid = await as(b, 'apiKeyBearer')('POST', '/v1/sandbox/payments', {
      channel: 'virtual_account',
      va_number: fx.vaNumber,
      amount: 50000,
    });
    expect(paid.status, paid.text).toBe(202);
    // The gateway's callback (signed with B's account) has arrived once the runtime is settled.
    expect(changedKeys(before, await itemsOfA())).toEqual([]);
    expect(await paidTotal(fx.servicedLoanId)).toBe(paidBefore);
    const exceptionsB = await as(b, 'apiKeyBearer')('GET', '/v1/payment-exceptions?limit=100');
    expect(exceptionsB.text).toContain(paid.json.data.id);
  });
});

describe('the same requests as the owner find the objects (the refusals were about the caller)', () => {
  // Reads first, then changes; deletions last, so no control takes away another's object.
  const order = (r: RouteDef) => (r.method === 'GET' ? 0 : r.method === 'DELETE' ? 2 : 1);
  for (const route of [...covered].sort((x, y) => order(x) - order(y))) {
    it(`${route.method} ${route.path} as its owner`, async () => {
      const answer = await sendCounted(encode(route, sampleRequest(route, fx), a));
      expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
      expect([400, 401, 403, 404], `${answer.status}: ${answer.text.slice(0, 300)}`).not.toContain(answer.status);
    });
  }
});

/**
 * Every route of the table under hostile input (fast-check, fixed seed, bounded runs): built
 * around the route's valid request, so the hostile part reaches as deep as it can go. For
 * every request, whatever it is:
 *   - never a 5xx (a refusal is the caller's 4xx; a crash is our bug);
 *   - never a stack, a source location or an internal name in the body;
 *   - never a write when the request is refused (the rate-limit counter and the
 *     Idempotency-Key record excepted: see INFRASTRUCTURE_KEY).
 * A route added to the table is fuzzed from its schemas without anyone adding it here.
 *
 * FUZZ_RUNS and FUZZ_SEED change the depth and the draw (e.g. a long run before a release);
 * FUZZ_COLLECT=1 lists every violation at the end instead of stopping at a route's first.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '#api/routes';
import type { RouteDef } from '#http/route';
import { describeRequest, hostileRequests, pct } from '../helpers/hostile.ts';
import { leaksIn } from '../helpers/leaks.ts';
import {
  type Answer,
  type Harness,
  isInfrastructure,
  type RawRequest,
  startHarness,
} from '../helpers/route-harness.ts';
import { buildFixtures, type Fixtures, sampleRequest } from '../helpers/route-samples.ts';
import { startReceiver } from '../helpers/webhook-receiver.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const COLLECT = process.env.FUZZ_COLLECT === '1';
const collected: string[] = [];
/**
 * The time the routes' runs may take together (FUZZ_BUDGET_MS; by default a second a route,
 * about what an idle 2-core machine needs for its RUNS): each route gets an equal share
 * of what is left, so a slow machine runs fewer requests (said in the summary) instead of
 * stretching CI. On an idle 2-core machine every route runs all its RUNS well within it.
 */
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? Math.max(60_000, routeList.length * 1_000));
/** The least a route gets, whatever the others took: enough for a few requests on a loaded machine. */
const MIN_SHARE_MS = 4_000;

let h: Harness;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let fx: Fixtures;
const tally = { routes: 0, requests: 0, byStatus: new Map<number, number>(), cut: [] as string[] };
let budgetStart = 0;
const started = Date.now();

beforeAll(async () => {
  receiver = await startReceiver();
  h = await startHarness();
  fx = await buildFixtures(h, h.sandbox, receiver.url('/hooks/fuzz'), 'fuzz');
}, 240_000);

afterAll(async () => {
  const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
  console.log(
    `fuzz: ${tally.routes} routes, ${tally.requests} requests (seed ${SEED}, ${RUNS} runs a route) in ${((Date.now() - started) / 1000).toFixed(1)} s; statuses ${statuses.join(', ')}`,
  );
  if (tally.cut.length) console.log(`fuzz: the time budget cut the runs of ${tally.cut.join(', ')}`);
  if (COLLECT) console.log(`${collected.length} violations\n\n${collected.join('\n\n')}`);
  await h?.stop();
  await receiver?.close();
});

/**
 * Refusals whose write is the point, by route: what they may write and why. Anything else a
 * refused request writes is a violation.
 */
const WRITES_WHEN_REFUSED: Record<string, { keys: RegExp; why: string }> = {
  appRegisterPhone: {
    keys: /#APPOTPCAP#/,
    why: 'the hourly OTP caps count every send attempt that passed validation (a resend refused by the cooldown still counts against the hour)',
  },
  appLoginSendOtp: { keys: /#APPOTPCAP#/, why: 'as register-phone: the hourly caps count the attempt' },
  appVerifyOtp: {
    keys: /#APPOTP#/,
    why: 'a wrong code counts against the code (5 tries, then it is spent): the 400 records the try',
  },
  appLoginVerifyOtp: { keys: /#APPOTP#/, why: 'as verify-otp: a wrong code counts against the code' },
  appVerifyPin: {
    keys: /\|APPCRED$/,
    why: 'a PIN attempt is counted before the PIN is checked (so guesses at once cannot exceed the lockout): a 401 has counted',
  },
  appSubmitLoan: {
    keys: /\|APPCRED$/,
    why: "the submission's PIN is counted before it is checked, as verify-pin's (a 401 has counted; a right PIN clears the counter before the limit refuses)",
  },
  appBiometricLogin: {
    keys: /#APPCH#|#APPDEV#/,
    why: 'the challenge is spent before the signature is checked (no replay), and a failed signature counts against the device key',
  },
  appRegisterBiometric: { keys: /#APPCH#/, why: 'the challenge is spent once used, whatever follows' },
  appKycUpload: {
    keys: /\|PROFILE$|^OUTBOX#|^S3 |\/documents|lendstack-local-documents/,
    why: 'a rejected KYC (422 LOW_FACE_MATCH_SCORE and its kin) is an outcome: the images are kept and the borrower records REJECTED with user_verify',
  },
  appRefreshToken: {
    keys: /^APPRTF#/,
    why: 'a spent refresh token presented again past its grace revokes its session (reuse detection): the 401 records the revocation',
  },
  refreshToken: {
    keys: /^RTF#/,
    why: 'a spent refresh token presented again past its grace revokes its whole family (reuse detection): the 401 records the revocation',
  },
};

/** What is wrong with an answer, by the three rules; empty when nothing is. */
function violations(route: RouteDef | undefined, req: RawRequest, answer: Answer): string[] {
  const found: string[] = [];
  if (answer.status >= 500) found.push(`answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  const sent = `${req.path}\n${JSON.stringify(req.headers)}\n${typeof req.body === 'string' ? req.body : Buffer.from(req.body ?? '').toString('utf8')}`;
  // A route that serves a package's file (the docs' script) answers that file, not data: its
  // success body is third-party code full of error names, which leaks nothing of ours.
  const servesFile = route?.files && answer.status < 400;
  if (!servesFile) for (const leak of leaksIn(answer.text, sent)) found.push(`leaks ${leak} (status ${answer.status})`);
  const allowed = route && WRITES_WHEN_REFUSED[route.id];
  const writes = answer.writes.filter((w) => !isInfrastructure(w) && !allowed?.keys.test(w.key));
  if (answer.status >= 400 && writes.length) {
    found.push(`refused with ${answer.status} but wrote ${writes.map((w) => `${w.op} ${w.key}`).join(', ')}`);
  }
  return found;
}

/**
 * Hosted-page actions allow 20 a minute per session link: the fuzz stands a placeholder in for
 * the link and sends each batch of requests through a fresh session, so the hostile part is
 * judged rather than the limit (which is fuzzed too: the placeholder keeps its mutations).
 */
const SESSION_PLACEHOLDER = 'fuzzSessionPlaceholder'.padEnd(43, '0');
const SESSION_BATCH = 15;
let sessionRequests = 0;
let liveSession = '';

async function throughLiveSession(req: RawRequest): Promise<RawRequest> {
  if (!req.path.includes(SESSION_PLACEHOLDER)) return req;
  if (sessionRequests++ % SESSION_BATCH === 0) {
    const created = await h.send({
      method: 'POST',
      path: '/v2/user/session',
      headers: { 'x-api-key': h.sandbox.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ customerID: fx.customerID, redirectURL: 'https://partner.example/' }),
    });
    liveSession = String(created.json.data.url).split('/').pop() ?? '';
  }
  return { ...req, path: req.path.replaceAll(SESSION_PLACEHOLDER, liveSession) };
}

/** Sends one request and throws what is wrong with its answer (fast-check then reports the request). */
const sendAndJudge = (route?: RouteDef) => async (generated: RawRequest) => {
  const req = await throughLiveSession(generated);
  const answer = await h.send(req);
  tally.requests++;
  tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
  const found = violations(route, req, answer);
  if (!found.length) return;
  const report = `${found.join('\n')}\n--- request\n${describeRequest(req)}`;
  if (!COLLECT) throw new Error(report);
  collected.push(`${route?.id ?? 'no route'}: ${report}`);
};

/** One seed per route, stable across runs and independent of the table's order. */
const seedOf = (route: RouteDef) => [...route.id].reduce((s, c) => (s * 31 + c.charCodeAt(0)) | 0, SEED);

describe('every route under hostile input: no 5xx, no internals in the body, no write when refused', () => {
  routeList.forEach((route, index) => {
    it(`${route.method} ${route.path}`, async () => {
      tally.routes++;
      budgetStart ||= Date.now();
      const share = Math.max(MIN_SHARE_MS, (BUDGET_MS - (Date.now() - budgetStart)) / (routeList.length - index));
      const sample = sampleRequest(route, { ...fx, sessionId: SESSION_PLACEHOLDER });
      const arbitrary = hostileRequests(route, sample, h.sandbox);
      const before = tally.requests;
      await fc.assert(fc.asyncProperty(arbitrary, sendAndJudge(route)), {
        seed: seedOf(route),
        numRuns: RUNS,
        endOnFailure: true,
        interruptAfterTimeLimit: share,
        markInterruptAsFailure: false,
      });
      if (tally.requests - before < RUNS) tally.cut.push(`${route.id} (${tally.requests - before}/${RUNS})`);
    });
  });

  it('paths and methods no route matches', async () => {
    const prefixes = ['/v2', '/v2/user', '/user', '/api', '/api/core/users', '/v1', '/v1/webhook-endpoints', ''];
    const arbitrary = fc
      .record({
        prefix: fc.constantFrom(...prefixes),
        rest: fc.array(
          fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }).map(pct), fc.constantFrom('..', '%2F', '%00', '%')),
          {
            maxLength: 4,
          },
        ),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        body: fc.option(fc.constantFrom('{', '{}', 'null', '[[[[[[]]]]]]'), { nil: undefined }),
      })
      .map(({ prefix, rest, method, body }) => ({
        method,
        path: `${prefix}/${rest.join('/')}`,
        headers: { 'x-api-key': h.sandbox.apiKey, 'content-type': 'application/json' },
        body,
      }));
    await fc.assert(fc.asyncProperty(arbitrary, sendAndJudge()), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  });
});

/** What the fuzz found, pinned: each of these was a 5xx (or a hung request) before its fix. */
describe('regressions the fuzz found', () => {
  const journey = (path: string, body: string | Uint8Array, contentType: string) =>
    h.send({ method: 'POST', path, headers: { 'x-api-key': h.sandbox.apiKey, 'content-type': contentType }, body });
  const details = (extra: string) =>
    `{"customerID":"${fx.customerID}","program":"PERSONAL_LOAN","consents":[{"type":"TNC"}],"riskVariables":${extra}}`;

  it.each([
    ['no boundary', 'multipart/form-data'],
    ['an empty boundary', 'multipart/form-data; boundary='],
  ])(
    'refuses a multipart upload whose content type has %s with 400, not 500 (busboy throws at once)',
    async (_what, type) => {
      for (const path of ['/v2/document/upload', '/v2/user/bank/analyse']) {
        const answer = await journey(
          path,
          '--x\r\ncontent-disposition: form-data; name="customerID"\r\n\r\nc\r\n--x--',
          type,
        );
        expect(answer.status, answer.text).toBe(400);
      }
    },
  );

  it.each([
    [
      'nests 20,000 levels deep (the SDK marshaller overflowed the stack)',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    ],
    ['nests 33 levels deep (DynamoDB stores 32)', `${'{"a":'.repeat(33)}1${'}'.repeat(33)}`],
    ['holds 1.6e-160 (DynamoDB: number underflow)', '{"x":1.6069669897145192e-160}'],
    ['holds 3.9e29 (the SDK refuses numbers past MAX_SAFE_INTEGER)', '{"x":3.903441196501576e+29}'],
    ['holds 1e309 (Infinity once parsed)', '{"x":1e309}'],
    ['has a field with an empty name (DynamoDB: empty attribute name)', '{"x":{"":{}}}'],
  ])('refuses a JSON body whose free-form field %s with 400, and writes nothing', async (_what, value) => {
    const answer = await journey('/v2/user/details/update', details(value), 'application/json');
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json.statusCode).toBe('UUD-E-002');
    expect(answer.writes.filter((w) => !isInfrastructure(w))).toEqual([]);
  });

  it('refuses a JSON body over 128 KB with 400 before reading it (a 400 KB item is the most the table holds)', async () => {
    const answer = await journey(
      '/v2/user/details/update',
      details(JSON.stringify('é'.repeat(200_000))),
      'application/json',
    );
    expect(answer.status, answer.text).toBe(400);
    expect(answer.text).toContain('128 KB');
  });

  it('refuses a referenceID or offerID too long to be a table key (2 KB) with 400, not 500', async () => {
    const long = 'A'.repeat(3000);
    const otp = await journey(
      '/v2/kyc/ckyc/otp',
      JSON.stringify({ referenceID: long, otp: '123456' }),
      'application/json',
    );
    expect(otp.status, otp.text).toBe(400);
    const accept = await journey(
      '/user/acceptOffer',
      JSON.stringify({
        customerID: fx.customerID,
        offerDetails: { offerID: long, amount: 80000, tenure: 8, interest: 25 },
      }),
      'application/json',
    );
    expect(accept.status, accept.text).toBe(400);
    const poll = await h.send({
      method: 'GET',
      path: `/v2/user/offers?referenceID=${long}`,
      headers: { 'x-api-key': h.sandbox.apiKey },
    });
    expect(poll.status, poll.text).toBe(400);
  });

  it('answers a query parameter or header named like an Object member (constructor, __proto__), not 502', async () => {
    for (const query of ['constructor=1', '__proto__=-0', 'toString=', 'hasOwnProperty=x']) {
      const answer = await h.send({ method: 'GET', path: `/health?${query}` });
      expect(answer.status, `${query}: ${answer.text}`).toBe(200);
    }
    const header = await h.send({ method: 'GET', path: '/health', headers: { constructor: 'x', ['__proto__']: 'y' } });
    expect(header.status).toBe(200);
  });

  it('answers a path that starts with // (the local gateway read it as a host and never answered)', async () => {
    const answer = await h.send({ method: 'GET', path: '//%F3%AA%90%94/x' });
    expect(answer.status).toBe(404);
  });
});

describe('the suite itself', () => {
  it('sent requests for every route of the table', () => {
    expect(tally.routes).toBe(routeList.length);
  });
});

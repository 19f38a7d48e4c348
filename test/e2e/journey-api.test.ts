/** The journey API over HTTP with x-api-key, using the spec's own sample payloads. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedRange } from '#core/banking';
import { claimJourneyRun, findBorrowerByCustomerId } from '#store/borrowers';
import { type BreRun, breRunPut } from '#store/credit';
import { stateMachineArn } from '#store/workflows';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { client, eventually } from '../helpers/http.ts';
import { sampleAadhaarXml } from '../helpers/kyc.ts';

let runtime: LocalRuntime;
let api: ReturnType<typeof client>;
/** DynamoDB writes by operation (TransactWriteItems also counts its items), while `counting`. */
const writes = new Map<string, number>();
let counting = false;
const WRITES = /^(Put|Update|Delete|TransactWrite|BatchWrite)(Item|Items)?Command$/;

/** The sandbox tenant the runtime's API key belongs to (for reads and writes beside the API). */
const tenant = () => ({ partnerId: runtime.credentials.partnerId, mode: 'sandbox' as const });

/** The mobile a test customer was created with (journey create is keyed on customerID + mobile). */
const mobiles = new Map<string, string>();
async function mobileOf(customerID: string): Promise<string> {
  return mobiles.get(customerID) ?? '';
}

/** The spec's "Update User Details" sample, for one customer. */
const specDetails = (customerID: string) => ({
  customerID,
  program: 'PERSONAL_LOAN',
  basicDetails: {
    personalDetails: {
      pan: 'XYZPA1234A',
      email: 'testuser@gmail.com',
      name: 'Test User',
      dob: '1997-11-18',
      gender: 'MALE',
      currentAddress: {
        pincode: '560095',
        currentAddressLine1: 'some_address_L1',
        currentAddressLine2: 'some_address_L2',
        currentAddressCity: 'some_city',
        currentAddressState: 'some_state',
      },
    },
    employmentDetails: {
      employmentType: 'Salaried',
      monthlyIncome: '0-25000',
      email: 'testuser@organization.com',
      employmentOrganization: 'some_org',
      address: {
        line1: 'some_address_L1',
        line2: 'some_address_L2',
        city: 'some_city',
        state: 'some_state',
        pincode: '560095',
      },
    },
  },
  consents: ['HYBRID_CONSENT', 'BUREAU', 'TNC'].map((type) => ({
    type,
    timestamp: 'someTimestamp',
    body: 'some_consent_content',
    ipAddress: '192.0.2.1',
    url: 'some_url',
  })),
});

beforeAll(async () => {
  // These tests poll and make many calls with one key: lift the per-key limit (100/min by default).
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  runtime = await startLocalRuntime({ port: 0, credentialsDir: mkdtempSync(join(tmpdir(), 'lendstack-journey-')) });
  api = client(runtime.baseUrl, { 'x-api-key': runtime.credentials.apiKey });
  // Handlers and workflow tasks run in this process: count what they write.
  const { ddb } = await import('#store/client');
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (counting && WRITES.test(name)) {
        // The per-request rate-limit counter is the gateway's cost, not the journey's: counted apart.
        const key = (args.input as { Key?: { pk?: unknown } }).Key?.pk;
        const label = String(key ?? '').startsWith('RATE#') ? 'rate-limit UpdateItem' : name;
        writes.set(label, (writes.get(label) ?? 0) + 1);
        const items = (args.input as { TransactItems?: unknown[] }).TransactItems;
        if (items) writes.set('items in transactions', (writes.get('items in transactions') ?? 0) + items.length);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
});

afterAll(async () => {
  await runtime?.stop();
});

describe('POST /v2/user/create', () => {
  it('creates a user with the spec sample, CUR-S-000', async () => {
    const res = await api('POST', '/v2/user/create', {
      body: { customerID: 'some_customer_id', mobile: '9999999999' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { message: 'user created!', stage: 'USER_CREATED' },
      error: '',
      statusCode: 'CUR-S-000',
    });
  });

  it('continues an existing customer from its stage, and refuses another mobile with CUR-E-002', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'cust-resume', mobile: '9876543210' } });
    const again = await api('POST', '/v2/user/create', { body: { customerID: 'cust-resume', mobile: '9876543210' } });
    expect(again.body).toMatchObject({ data: { stage: 'USER_CREATED' }, statusCode: 'CUR-S-000' });
    const other = await api('POST', '/v2/user/create', { body: { customerID: 'cust-resume', mobile: '9876543211' } });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ data: {}, statusCode: 'CUR-E-002' });
    // Another customerID with a known mobile is a new customer (a shared family phone): dedupe is the BRE's.
    const sameMobile = await api('POST', '/v2/user/create', {
      body: { customerID: 'cust-other', mobile: '9876543210' },
    });
    expect(sameMobile.status).toBe(200);
    expect(sameMobile.body).toMatchObject({ data: { message: 'user created!' }, statusCode: 'CUR-S-000' });
  });

  it('answers 20 identical concurrent creates all as the first, with one customer and one user_created', async () => {
    const body = { customerID: 'cust-concurrent', mobile: '9876500120' };
    const replies = await Promise.all(Array.from({ length: 20 }, () => api('POST', '/v2/user/create', { body })));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    for (const r of replies) expect(r.body).toEqual(replies[0]?.body);
    expect(replies[0]?.body.data).toEqual({ message: 'user created!', stage: 'USER_CREATED' });
  });

  it('refuses an invalid mobile with CUR-E-001 and a missing customerID with FBX-E-014', async () => {
    const mobile = await api('POST', '/v2/user/create', { body: { customerID: 'c-bad-mobile', mobile: '12345' } });
    expect(mobile.status).toBe(400);
    expect(mobile.body).toMatchObject({
      data: {},
      statusCode: 'CUR-E-001',
      error: expect.stringContaining('mobile'),
    });
    const missing = await api('POST', '/v2/user/create', { body: { mobile: '9876543212' } });
    expect(missing.body.statusCode).toBe('FBX-E-014');
  });

  it('answers FBX-E-005 in the journey envelope for a wrong or missing x-api-key', async () => {
    for (const headers of [{ 'x-api-key': 'sk_sandbox_wrong' }, {}] as Record<string, string>[]) {
      const res = await client(runtime.baseUrl, headers)('POST', '/v2/user/create', {
        body: { customerID: 'x', mobile: '9876543213' },
      });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ data: {}, statusCode: 'FBX-E-005' });
    }
  });
});

describe('POST /v2/user/details/update', () => {
  it('takes the spec sample (UUD-S-000) and moves the customer to DETAILS_UPDATED', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'cust-details', mobile: '9876543214' } });
    const res = await api('POST', '/v2/user/details/update', { body: specDetails('cust-details') });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { message: 'success' }, error: '', statusCode: 'UUD-S-000' });
    const resumed = await api('POST', '/v2/user/create', {
      body: { customerID: 'cust-details', mobile: '9876543214' },
    });
    expect(resumed.body.data.stage).toBe('DETAILS_UPDATED');
  });

  it('names a bad PAN, PIN code or IFSC with UUD-E-002', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'cust-invalid', mobile: '9876543215' } });
    const body = specDetails('cust-invalid');
    body.basicDetails.personalDetails.pan = 'ABCDE1234';
    body.basicDetails.personalDetails.currentAddress.pincode = '012345';
    const res = await api('POST', '/v2/user/details/update', {
      body: { ...body, mandateDetails: { accountNumber: '111111111', ifsc: 'ICIC1003903' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe('UUD-E-002');
    expect(res.body.error).toContain('basicDetails.personalDetails.pan');
    expect(res.body.error).toContain('currentAddress.pincode');
    expect(res.body.error).toContain('mandateDetails.ifsc');
  });

  it('answers FBX-E-007 for an unknown program, FBX-E-006 for an unknown customer, and takes a PAN another customer has', async () => {
    const program = await api('POST', '/v2/user/details/update', {
      body: { ...specDetails('cust-details'), program: 'CAR_LOAN' },
    });
    expect(program.body.statusCode).toBe('FBX-E-007');
    const unknown = await api('POST', '/v2/user/details/update', { body: specDetails('nobody') });
    expect(unknown.status).toBe(404);
    expect(unknown.body.statusCode).toBe('FBX-E-006');
    await api('POST', '/v2/user/create', { body: { customerID: 'cust-dup-pan', mobile: '9876543216' } });
    // Dedupe is the BRE's rule (below), not a refusal of the details.
    const duplicate = await api('POST', '/v2/user/details/update', { body: specDetails('cust-dup-pan') });
    expect(duplicate.status).toBe(200);
    expect(duplicate.body.statusCode).toBe('UUD-S-000');
  });
});

describe('GET /v2/bank/list', () => {
  it('lists the accepted banks in the spec shape', async () => {
    const res = await api('GET', '/v2/bank/list?customerID=cust-details');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(res.body.banks.length);
    expect(res.body.banks[0]).toEqual(
      expect.objectContaining({
        name: 'SBI',
        npciCode: 'SBIN',
        isPdfUpload_available: true,
        isNetBanking_available: true,
      }),
    );
  });
});

/** A PAN no other test customer has (the BRE's dedupe would see a shared one), with non-magic digits 1000-7999. */
let pans = 0;
function uniquePan(): string {
  const n = pans++;
  return `ABCP${String.fromCharCode(65 + (Math.floor(n / 7000) % 26))}${1000 + (n % 7000)}Z`;
}

/** Creates a customer with the spec's details (PAN and date of birth overridable) and triggers the BRE. */
async function triggerBre(customerID: string, overrides: { pan?: string; dob?: string; pincode?: string } = {}) {
  const mobile = `98${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  mobiles.set(customerID, mobile);
  await api('POST', '/v2/user/create', { body: { customerID, mobile } });
  const details = specDetails(customerID);
  const personal = details.basicDetails.personalDetails;
  personal.pan = overrides.pan ?? uniquePan();
  if (overrides.dob) personal.dob = overrides.dob;
  if (overrides.pincode) personal.currentAddress.pincode = overrides.pincode;
  const updated = await api('POST', '/v2/user/details/update', { body: details });
  expect(updated.body.statusCode).toBe('UUD-S-000');
  const trigger = await api('POST', '/v2/user/offers', { body: { customerID, riskVariables: {} } });
  expect(trigger.body).toMatchObject({
    data: { referenceID: expect.stringMatching(/^bre_/) },
    statusCode: 'GNO-S-000',
  });
  return trigger.body.data.referenceID as string;
}

async function breResult(referenceID: string) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const res = await api('GET', `/v2/user/offers?referenceID=${referenceID}`);
    if (res.body.data.status !== 'PROCESSING') return res.body;
    expect(res.body.statusCode).toBe('GEO-S-001');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('BRE still processing');
}

describe('BRE: dedupe, concurrency and superseded offers', () => {
  it('rejects a second customer with the PAN of an open journey (PRE_BRE_REJECT, dedupe) but takes a new PAN', async () => {
    const pan = uniquePan();
    expect((await breResult(await triggerBre('dedupe-first', { pan }))).data.status).toBe('SUCCESS');
    const second = await breResult(await triggerBre('dedupe-second', { pan }));
    expect(second.data).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'PRE_BRE_REJECT',
      outputVariables: { rejectionReason: expect.stringContaining('Dedupe') },
    });
    expect((await breResult(await triggerBre('dedupe-third'))).data.status).toBe('SUCCESS');
  });

  it('answers 10 identical concurrent BRE triggers while a run decides with that run', async () => {
    // The slow sandbox bureau (PAN digits 9005, 5 s) keeps the run deciding while the burst arrives.
    const first = await triggerBre('bre-concurrent', { pan: 'ABCPC9005Z' });
    const body = { customerID: 'bre-concurrent', riskVariables: {} };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/v2/user/offers', { body })));
    expect(replies.map((r) => r.body.statusCode)).toEqual(Array(10).fill('GNO-S-000'));
    expect(new Set(replies.map((r) => r.body.data.referenceID))).toEqual(new Set([first]));
    expect((await breResult(first)).data.status).toBe('SUCCESS');
  });

  it('hands a run claimed by a trigger that died before the callback to the workflow on the next trigger', async () => {
    await triggerBre('bre-orphan');
    const customer = await findBorrowerByCustomerId(tenant(), 'bre-orphan');
    if (!customer) throw new Error('no customer');
    const previous = customer.journey?.breReferenceId;
    await breResult(previous ?? '');
    // A trigger that claimed its run a minute ago and died before telling the workflow.
    const orphan: BreRun = {
      referenceId: `bre_orphan${Date.now()}`,
      customerId: 'bre-orphan',
      borrowerId: customer.borrowerId,
      program: 'PERSONAL_LOAN',
      policy: { id: 'personal-loan', version: 1 },
      status: 'PROCESSING',
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    };
    const put = { referenceId: orphan.referenceId, put: breRunPut(tenant(), orphan) };
    expect(await claimJourneyRun(tenant(), customer.borrowerId, 'breReferenceId', previous, put)).toBe(true);
    const again = await api('POST', '/v2/user/offers', { body: { customerID: 'bre-orphan', riskVariables: {} } });
    expect(again.body.data.referenceID).toBe(orphan.referenceId);
    expect((await breResult(orphan.referenceId)).data.status).toBe('SUCCESS');
  });

  it("supersedes an earlier run's offers: they read EXPIRED and are refused (AOP-E-002)", async () => {
    const first = await breResult(await triggerBre('bre-supersede'));
    const again = await api('POST', '/v2/user/offers', { body: { customerID: 'bre-supersede', riskVariables: {} } });
    const second = await breResult(again.body.data.referenceID);
    expect(second.data.offers[0].status).toBe('ACTIVE');
    const old = await api('GET', `/v2/user/offers?referenceID=${first.data.referenceID}`);
    expect(old.body.data.offers[0].status).toBe('EXPIRED');
    const accept = await api('POST', '/user/acceptOffer', {
      body: {
        customerID: 'bre-supersede',
        offerDetails: { offerID: first.data.offers[0].offerID, amount: 80000, tenure: 8, interest: 25 },
      },
    });
    expect(accept.body.statusCode).toBe('AOP-E-002');
    expect(accept.body.error).toContain('superseded');
  });

  it('answers GNO-E-002 for a program with no lender (BUSINESS_LOAN in the sandbox)', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'bre-no-lender', mobile: '9812300201' } });
    const details = { ...specDetails('bre-no-lender'), program: 'BUSINESS_LOAN' };
    details.basicDetails.personalDetails.pan = uniquePan();
    expect((await api('POST', '/v2/user/details/update', { body: details })).body.statusCode).toBe('UUD-S-000');
    const res = await api('POST', '/v2/user/offers', { body: { customerID: 'bre-no-lender', riskVariables: {} } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ data: {}, statusCode: 'GNO-E-002' });
  });
});

describe('triggers under concurrency: one effect, one referenceID for every caller', () => {
  it('KYC: 10 identical triggers at once are one run', async () => {
    await breResult(await triggerBre('kyc-concurrent'));
    const body = { customerID: 'kyc-concurrent' };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/v2/kyc/ckyc', { body })));
    expect(replies.map((r) => r.body.statusCode)).toEqual(Array(10).fill('TCK-S-000'));
    expect(new Set(replies.map((r) => r.body.data.referenceID)).size).toBe(1);
  });

  it('acceptance: 10 identical acceptances at once are one application, all AOP-S-000', async () => {
    const result = await breResult(await triggerBre('accept-concurrent'));
    const body = {
      customerID: 'accept-concurrent',
      offerDetails: { offerID: result.data.offers[0].offerID, amount: 80000, tenure: 8, interest: 25 },
    };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/user/acceptOffer', { body })));
    expect(replies.map((r) => r.body.statusCode)).toEqual(Array(10).fill('AOP-S-000'));
    const resumed = await api('POST', '/v2/user/create', {
      body: { customerID: 'accept-concurrent', mobile: await mobileOf('accept-concurrent') },
    });
    expect(resumed.body.data.stage).toBe('OFFER_ACCEPTED');
  });

  it('agreement: 10 identical triggers at once record one agreement', async () => {
    await acceptedCustomer('agreement-concurrent');
    const body = { customerID: 'agreement-concurrent' };
    const replies = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/v2/loan/agreement', { body })));
    expect(replies.map((r) => r.body.statusCode)).toEqual(Array(10).fill('TAS-S-000'));
    const ids = new Set(replies.map((r) => r.body.data.referenceID));
    expect(ids.size).toBe(1);
    const id = [...ids][0] as string;
    expect((await poll(`/v2/loan/agreement?referenceID=${id}`, (b) => b.data.status === 'SUCCESS')).data.status).toBe(
      'SUCCESS',
    );
  });
});

describe('BRE: POST + GET /v2/user/offers', () => {
  it('gives the spec sample details a SUCCESS offer with slabs (GEO-S-000)', async () => {
    const result = await breResult(await triggerBre('bre-success'));
    expect(result.statusCode).toBe('GEO-S-000');
    expect(result.data).toMatchObject({ status: 'SUCCESS', rejectionReason: null, dataRequired: {} });
    const offer = result.data.offers[0];
    expect(offer).toMatchObject({ offerType: 'final', status: 'ACTIVE', offerID: expect.stringMatching(/^ofr_/) });
    expect(offer.slabs).toContainEqual({
      minAmount: 50000,
      maxAmount: 200000,
      tenure: 8,
      interest: 25,
      method: 'rb',
      processingFee: 2.75,
      processingFeeType: 'PERC',
      gst: 18,
    });
  });

  it('rejects before the bureau for an unserviceable PIN code (PRE_BRE_REJECT) and says why', async () => {
    const result = await breResult(await triggerBre('bre-pincode', { pincode: '990001' }));
    expect(result).toMatchObject({
      statusCode: 'GEO-S-002',
      data: {
        status: 'REJECTED',
        rejectionReason: 'PRE_BRE_REJECT',
        outputVariables: { rejectionReason: 'Pincode is not serviceable' },
      },
    });
  });

  it('rejects an applicant younger than 21 (PRE_BRE_REJECT)', async () => {
    const result = await breResult(await triggerBre('bre-young', { dob: '2015-01-01' }));
    expect(result.data).toMatchObject({ rejectionReason: 'PRE_BRE_REJECT' });
  });

  it('rejects a low bureau score (LENDER_BRE_REJECT, magic PAN 9001)', async () => {
    const result = await breResult(await triggerBre('bre-score', { pan: 'LOWPA9001A' }));
    expect(result.data).toMatchObject({ status: 'REJECTED', rejectionReason: 'LENDER_BRE_REJECT' });
  });

  it('records FAILED when the bureau keeps failing (magic PAN 9002), and a new trigger is a new run', async () => {
    const first = await triggerBre('bre-outage', { pan: 'OUTPA9002A' });
    const result = await breResult(first);
    expect(result).toMatchObject({ statusCode: 'GEO-S-003', data: { status: 'FAILED', offers: null } });
    const again = await api('POST', '/v2/user/offers', { body: { customerID: 'bre-outage', riskVariables: {} } });
    expect(again.body.data.referenceID).not.toBe(first);
  });

  it('answers FBX-E-010 before the details update, FBX-E-008 for an unknown referenceID, FBX-E-006 for an unknown user', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'bre-early', mobile: '9876500001' } });
    const early = await api('POST', '/v2/user/offers', { body: { customerID: 'bre-early', riskVariables: {} } });
    expect(early.status).toBe(409);
    expect(early.body.statusCode).toBe('FBX-E-010');
    const unknownRef = await api('GET', '/v2/user/offers?referenceID=bre_00000000000000000000000000');
    expect(unknownRef.status).toBe(404);
    expect(unknownRef.body.statusCode).toBe('FBX-E-008');
    const unknownUser = await api('POST', '/v2/user/offers', {
      body: { customerID: 'nobody-at-all', riskVariables: {} },
    });
    expect(unknownUser.body.statusCode).toBe('FBX-E-006');
  });
});

describe('POST /user/acceptOffer', () => {
  it('accepts terms inside a slab (AOP-S-000), idempotently, and emits nothing twice', async () => {
    const result = await breResult(await triggerBre('offer-accept'));
    const offerID = result.data.offers[0].offerID;
    const body = { customerID: 'offer-accept', offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 } };
    const accepted = await api('POST', '/user/acceptOffer', { body });
    expect(accepted.body).toEqual({ data: { message: 'ok' }, error: '', statusCode: 'AOP-S-000' });
    expect((await api('POST', '/user/acceptOffer', { body })).body.statusCode).toBe('AOP-S-000');
    const resumed = await api('POST', '/v2/user/create', {
      body: { customerID: 'offer-accept', mobile: await mobileOf('offer-accept') },
    });
    expect(resumed.body.data.stage).toBe('OFFER_ACCEPTED');
    const other = await api('POST', '/user/acceptOffer', {
      body: { ...body, offerDetails: { ...body.offerDetails, amount: 90000 } },
    });
    expect(other.status).toBe(409);
    expect(other.body.statusCode).toBe('FBX-E-010');
  });

  it('refuses terms outside every slab with AOP-E-003 and an unknown offer with AOP-E-002', async () => {
    const result = await breResult(await triggerBre('offer-bad-terms'));
    const offerID = result.data.offers[0].offerID;
    const tooMuch = await api('POST', '/user/acceptOffer', {
      body: { customerID: 'offer-bad-terms', offerDetails: { offerID, amount: 500000, tenure: 8, interest: 25 } },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.statusCode).toBe('AOP-E-003');
    const unknown = await api('POST', '/user/acceptOffer', {
      body: {
        customerID: 'offer-bad-terms',
        offerDetails: { offerID: 'ofr_00000000000000000000000000', amount: 80000, tenure: 8, interest: 25 },
      },
    });
    expect(unknown.body.statusCode).toBe('AOP-E-002');
    // Another customer's offer is not this customer's.
    const foreign = await api('POST', '/user/acceptOffer', {
      body: { customerID: 'bre-success', offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 } },
    });
    expect(foreign.body.statusCode).toBe('AOP-E-002');
  });
});

/** Triggers KYC and waits for its verdict (or a manual review). */
async function kycVerdict(customerID: string) {
  const trigger = await api('POST', '/v2/kyc/ckyc', { body: { customerID, program: 'PERSONAL_LOAN' } });
  expect(trigger.body).toMatchObject({
    data: { referenceID: expect.stringMatching(/^kyr_/) },
    statusCode: 'TCK-S-000',
  });
  return kycDetails(trigger.body.data.referenceID);
}

/** GET /v2/kyc/details until the run is no longer PROCESSING (or waits for a reviewer). */
function kycDetails(referenceID: string) {
  return poll(
    `/v2/kyc/details?referenceID=${referenceID}`,
    (b) => b.data?.status !== 'PROCESSING' || b.data?.outputVariables?.manualReviewRequired,
  );
}

/** A customer with an accepted offer (80,000 over 8 months at 25 %) and, unless told otherwise, approved KYC. */
async function acceptedCustomer(customerID: string, { kyc = true } = {}) {
  const result = await breResult(await triggerBre(customerID));
  const offerID = result.data.offers[0].offerID;
  const accepted = await api('POST', '/user/acceptOffer', {
    body: { customerID, offerDetails: { offerID, amount: 80000, tenure: 8, interest: 25 } },
  });
  expect(accepted.body.statusCode).toBe('AOP-S-000');
  if (kyc) expect((await kycVerdict(customerID)).data.status).toBe('APPROVED');
}

/** Polls until `until` holds, for up to 60 s: the workflow's retries (the bank's backoff) run slower on a loaded machine. */
async function poll(path: string, until: (body: any) => boolean) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await api('GET', path);
    if (until(res.body)) return res.body;
    if (Date.now() > deadline) throw new Error(`${path} did not settle: ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('agreement and disbursal: one lifecycle workflow per application', () => {
  it('walks accepted offer -> generated agreement PDF -> sandbox signature -> disbursal with UTR, exactly once', async () => {
    await acceptedCustomer('life-happy');
    const agreement = await api('POST', '/v2/loan/agreement', {
      body: { customerID: 'life-happy', program: 'PERSONAL_LOAN' },
    });
    expect(agreement.body).toMatchObject({
      data: { referenceID: expect.stringMatching(/^agr_/) },
      statusCode: 'TAS-S-000',
    });
    const signed = await poll(
      `/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(signed).toMatchObject({
      data: { status: 'SUCCESS', agreementURL: expect.stringContaining('http') },
      statusCode: 'GAS-S-000',
    });
    const pdf = Buffer.from(await (await fetch(signed.data.agreementURL)).arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const disburse = await api('POST', '/v2/loan/disburse', {
      body: { customerID: 'life-happy', program: 'PERSONAL_LOAN' },
    });
    expect(disburse.body).toMatchObject({
      data: { referenceID: expect.stringMatching(/^dsb_/) },
      statusCode: 'TDB-S-200',
    });
    const again = await api('POST', '/v2/loan/disburse', {
      body: { customerID: 'life-happy', program: 'PERSONAL_LOAN' },
    });
    expect(again.body.data.referenceID).toBe(disburse.body.data.referenceID);
    const done = await poll(
      `/v2/loan/disburse?referenceID=${disburse.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    // 80,000 less 2.75 % processing fee (2,200) and 18 % GST on it (396).
    expect(done).toMatchObject({
      data: {
        status: 'SUCCESS',
        message: 'SUCCESS',
        disbursedAmount: 77404,
        utrNumber: expect.stringMatching(/^SBXN/),
        loanAccountNumber: expect.stringMatching(/^LA/),
      },
      statusCode: 'GDB-S-200',
    });
  });

  it('records REJECTED when the borrower declines to sign (magic customerID _sign_reject), and refuses disbursal', async () => {
    await acceptedCustomer('life_sign_reject');
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID: 'life_sign_reject' } });
    const result = await poll(
      `/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(result.data).toEqual({ status: 'REJECTED', agreementURL: null });
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID: 'life_sign_reject' } });
    expect(disburse.status).toBe(409);
    expect(disburse.body.statusCode).toBe('FBX-E-010');
  });

  it('answers TAS-E-001 before an offer is accepted and FBX-E-010 for disbursal before signing', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'life-early', mobile: '9876500002' } });
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID: 'life-early' } });
    expect(agreement.body).toMatchObject({
      data: {},
      error: 'agreement document not found',
      statusCode: 'TAS-E-001',
    });
    await acceptedCustomer('life-unsigned');
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID: 'life-unsigned' } });
    expect(disburse.body.statusCode).toBe('FBX-E-010');
  });

  it('records FAILED when the bank keeps refusing (magic customerID _disburse_fail)', async () => {
    await acceptedCustomer('life_disburse_fail');
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID: 'life_disburse_fail' } });
    await poll(`/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID: 'life_disburse_fail' } });
    const result = await poll(
      `/v2/loan/disburse?referenceID=${disburse.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(result.data).toMatchObject({ status: 'FAILED', message: expect.stringContaining('bank could not') });
    // Internals (error classes, the provider's words) never reach the partner.
    expect(JSON.stringify(result)).not.toMatch(/ProviderError|sandbox bank|Error:/);
  });

  it('takes a new disbursal trigger after a failed one, and disburses (magic customerID _disburse_fail_once)', async () => {
    const customerID = 'life_disburse_fail_once';
    await acceptedCustomer(customerID);
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    await poll(`/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');
    const first = await api('POST', '/v2/loan/disburse', { body: { customerID } });
    await poll(`/v2/loan/disburse?referenceID=${first.body.data.referenceID}`, (b) => b.data.status === 'FAILED');
    // Concurrent retries are one new attempt with one referenceID.
    const retries = await Promise.all(
      Array.from({ length: 5 }, () => api('POST', '/v2/loan/disburse', { body: { customerID } })),
    );
    const ids = new Set(retries.map((r) => r.body.data.referenceID));
    expect(ids.size).toBe(1);
    const [retryId] = [...ids];
    expect(retryId).not.toBe(first.body.data.referenceID);
    const done = await poll(`/v2/loan/disburse?referenceID=${retryId}`, (b) => b.data.status !== 'PROCESSING');
    expect(done.data).toMatchObject({ status: 'SUCCESS', utrNumber: expect.stringMatching(/^SBXN/) });
    // The failed attempt stays FAILED: its referenceID still answers.
    const old = await api('GET', `/v2/loan/disburse?referenceID=${first.body.data.referenceID}`);
    expect(old.body.data.status).toBe('FAILED');
  });
});

describe('POST /v2/user/session', () => {
  it('returns a URL that opens a page with the application and the way back (PSS-S-000 in `status`)', async () => {
    await acceptedCustomer('session-user');
    const res = await api('POST', '/v2/user/session', {
      body: { customerID: 'session-user', redirectURL: 'https://partner.example/back' },
    });
    expect(res.body).toMatchObject({
      data: { url: expect.stringContaining('/v2/session/') },
      error: '',
      status: 'PSS-S-000',
    });
    const page = await fetch(res.body.data.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Your loan application');
    expect(html).toContain('INR 80000 over 8 months');
    expect(html).toContain('href="https://partner.example/back"');
    const expired = await fetch(`${runtime.baseUrl}/v2/session/${'x'.repeat(43)}`);
    expect(expired.status).toBe(404);
  });

  it('opens for a customer who has not accepted an offer yet', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'session-early', mobile: '9876500888' } });
    const res = await api('POST', '/v2/user/session', {
      body: { customerID: 'session-early', redirectURL: 'https://partner.example/back' },
    });
    const page = await fetch(res.body.data.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('⬜ Offer accepted');
  });

  it('names a bad redirectURL and an unknown customer', async () => {
    const bad = await api('POST', '/v2/user/session', {
      body: { customerID: 'session-user', redirectURL: 'javascript:alert(1)' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('redirectURL');
    const unknown = await api('POST', '/v2/user/session', {
      body: { customerID: 'nobody-here', redirectURL: 'https://x.example' },
    });
    expect(unknown.body.status).toBe('FBX-E-006');
  });
});

describe('POST /v2/document/upload (multipart)', () => {
  const upload = async (
    fields: Record<string, string>,
    file?: { field: string; bytes: Uint8Array; type: string; name: string },
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field, new Blob([file.bytes], { type: file.type }), file.name);
    const res = await fetch(`${runtime.baseUrl}/v2/document/upload`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.credentials.apiKey },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
  const pdf = new TextEncoder().encode("%PDF-1.4\n% the partner's own agreement\n%%EOF");

  it('stores a selfie and an offline e-KYC XML, and refuses bytes that are not what the type says (FBX-E-013)', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'docs-user', mobile: '9876500003' } });
    const base = { customerID: 'docs-user', program: 'EDI' };
    const selfie = await upload(
      { ...base, documentType: 'SELFIE' },
      { field: 'selfie', bytes: jpeg, type: 'image/jpeg', name: 's.jpg' },
    );
    expect(selfie.body).toMatchObject({
      data: { documentID: expect.stringMatching(/^doc_/), documentType: 'SELFIE' },
      statusCode: 'UDC-S-000',
    });
    const xml = new TextEncoder().encode(
      '<?xml version="1.0"?><OfflinePaperlessKyc referenceId="1"><UidData/></OfflinePaperlessKyc>',
    );
    const aadhaar = await upload(
      { ...base, documentType: 'AADHAAR_XML' },
      { field: 'digilocker_aadhaar_xml', bytes: xml, type: 'text/xml', name: 'a.xml' },
    );
    expect(aadhaar.body.statusCode).toBe('UDC-S-000');
    const fake = await upload(
      { ...base, documentType: 'SELFIE' },
      { field: 'selfie', bytes: new TextEncoder().encode('hello'), type: 'image/jpeg', name: 's.jpg' },
    );
    expect(fake.status).toBe(400);
    expect(fake.body.statusCode).toBe('FBX-E-013');
    const missing = await upload({ ...base, documentType: 'SELFIE' });
    expect(missing.body.statusCode).toBe('FBX-E-013');
    const tooBig = await upload(
      { ...base, documentType: 'SELFIE' },
      { field: 'selfie', bytes: new Uint8Array(5 * 1024 * 1024 + 1).fill(0xff), type: 'image/jpeg', name: 'big.jpg' },
    );
    expect(tooBig.body).toMatchObject({ statusCode: 'FBX-E-013', error: expect.stringContaining('larger than 5 MB') });
  });

  it("sends the partner's uploaded LOAN_AGREEMENT for signing instead of the generated one", async () => {
    await acceptedCustomer('docs-agreement');
    const uploaded = await upload(
      { customerID: 'docs-agreement', program: 'EDI', documentType: 'LOAN_AGREEMENT' },
      { field: 'agreement', bytes: pdf, type: 'application/pdf', name: 'agreement.pdf' },
    );
    expect(uploaded.body.statusCode).toBe('UDC-S-000');
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID: 'docs-agreement' } });
    const signed = await poll(
      `/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`,
      (b) => b.data.status === 'SUCCESS',
    );
    const bytes = new Uint8Array(await (await fetch(signed.data.agreementURL)).arrayBuffer());
    expect(Buffer.from(bytes).toString()).toContain("the partner's own agreement");
  });
});

describe('banking: POST + GET /v2/user/bank/analyse', () => {
  /** A text PDF statement (pdf-lib), dated inside the accepted range unless told otherwise. */
  async function statementPdf(lines: string[]) {
    const { PDFDocument, StandardFonts } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage();
    lines.forEach((text, i) => {
      page.drawText(text, { x: 40, y: 780 - i * 16, size: 10, font });
    });
    return doc.save();
  }
  async function imagePdf() {
    const { PDFDocument, rgb } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    doc.addPage().drawRectangle({ x: 40, y: 400, width: 300, height: 200, color: rgb(0.6, 0.6, 0.6) });
    return doc.save();
  }
  const range = acceptedRange(new Date().toISOString().slice(0, 10));
  const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
  const inRange = ddmmyyyy(range.to);

  const analyse = async (fields: Record<string, string>, pdf?: Uint8Array) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ customerID: 'bank-user', uploadType: 'PDF', ...fields })) form.append(k, v);
    if (pdf) form.append('files', new Blob([pdf], { type: 'application/pdf' }), 'statement.pdf');
    const res = await fetch(`${runtime.baseUrl}/v2/user/bank/analyse`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.credentials.apiKey },
      body: form,
    });
    const trigger = (await res.json()) as any;
    if (!trigger.data?.referenceID) return trigger;
    return (await api('GET', `/v2/user/bank/analyse?referenceID=${trigger.data.referenceID}`)).body;
  };

  it('reads a real statement: SUCCESS, then STATEMENT_DUPLICATE for the same file', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'bank-user', mobile: '9876500004' } });
    const pdf = await statementPdf(['HDFC Bank', 'Account statement', `${inRange}  SALARY CREDIT  50,000.00`]);
    const ok = await analyse({ bankName: 'HDFC' }, pdf);
    expect(ok).toMatchObject({
      data: { status: 'SUCCESS', errorCode: '', errorMessage: '' },
      statusCode: 'BANK-GBR-S-000',
    });
    const again = await analyse({ bankName: 'HDFC' }, pdf);
    expect(again).toMatchObject({
      data: { status: 'FAILED', bankingDetails: { errorCode: 'STATEMENT_DUPLICATE' } },
      statusCode: 'BANK-GBR-S-002',
    });
  });

  it('answers with the spec error codes: PDF_IS_IMAGE, BANK_NAME_MISMATCH, OUT_OF_DATE_RANGE, INVALID_BANK_NAME', async () => {
    expect((await analyse({ bankName: 'HDFC' }, await imagePdf())).data.bankingDetails.errorCode).toBe('PDF_IS_IMAGE');
    const icici = await statementPdf(['ICICI Bank', `${inRange}  SALARY  50,000.00`]);
    expect((await analyse({ bankName: 'HDFC' }, icici)).data.bankingDetails).toEqual({
      errorCode: 'BANK_NAME_MISMATCH',
      errorMessage: 'Not HDFC bank statement',
    });
    const old = await statementPdf(['HDFC Bank', '01/01/2020  SALARY  50,000.00']);
    expect((await analyse({ bankName: 'HDFC' }, old)).data.bankingDetails.errorCode).toBe('OUT_OF_DATE_RANGE');
    const unknown = await statementPdf(['Some Bank', `${inRange} SALARY`]);
    expect((await analyse({ bankName: 'NOPE' }, unknown)).data.bankingDetails.errorCode).toBe('INVALID_BANK_NAME');
  });

  it('takes a BASE64 statement, and refuses a request with no statement (FBX-E-013)', async () => {
    const pdf = await statementPdf(['State Bank of India', `${inRange}  PENSION  20,000.00`]);
    const ok = await analyse({ bankName: 'SBI', uploadType: 'BASE64', files: Buffer.from(pdf).toString('base64') });
    expect(ok.data.status).toBe('SUCCESS');
    const none = await analyse({ bankName: 'SBI' });
    expect(none.statusCode).toBe('FBX-E-013');
  });
});

describe('KYC: POST /v2/kyc/ckyc, GET /v2/kyc/details, POST /v2/kyc/ckyc/otp', () => {
  const letter = () => String.fromCharCode(65 + Math.floor(Math.random() * 26));
  const panWith = (digits: string) => `${letter()}${letter()}${letter()}P${letter()}${digits}${letter()}`;

  /** A customer with the spec's details and a PAN whose digits choose the sandbox outcome. */
  async function customerWithDetails(customerID: string, digits = String(1000 + Math.floor(Math.random() * 7000))) {
    const mobile = `97${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    await api('POST', '/v2/user/create', { body: { customerID, mobile } });
    const details = specDetails(customerID);
    details.basicDetails.personalDetails.pan = panWith(digits);
    expect((await api('POST', '/v2/user/details/update', { body: details })).body.statusCode).toBe('UUD-S-000');
  }
  const kyc = async (customerID: string) => {
    const trigger = await api('POST', '/v2/kyc/ckyc', { body: { customerID, program: 'PERSONAL_LOAN' } });
    expect(trigger.body).toMatchObject({
      data: { referenceID: expect.stringMatching(/^kyr_/) },
      statusCode: 'TCK-S-000',
    });
    return trigger.body.data.referenceID as string;
  };
  const details = kycDetails;
  const uploadXml = async (customerID: string, xml: string) => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ customerID, program: 'EDI', documentType: 'AADHAAR_XML' })) form.append(k, v);
    form.append('digilocker_aadhaar_xml', new Blob([xml], { type: 'text/xml' }), 'aadhaar.xml');
    const res = await fetch(`${runtime.baseUrl}/v2/document/upload`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.credentials.apiKey },
      body: form,
    });
    expect(((await res.json()) as any).statusCode).toBe('UDC-S-000');
  };

  it('approves through CKYC with the matched record (GKD-S-000)', async () => {
    await customerWithDetails('kyc-ckyc');
    const result = await details(await kyc('kyc-ckyc'));
    expect(result).toMatchObject({
      statusCode: 'GKD-S-000',
      data: { status: 'APPROVED', results: { nameMatch: true, dobMatch: true, faceMatch: true, faceLiveliness: true } },
    });
    expect(result.data.personalKYC[0]).toMatchObject({ type: 'CKYC', name: 'Test User', dob: '1997-11-18' });
  });

  it('runs OKYC from an uploaded Aadhaar XML, and rejects a name that does not match (NAME_MISMATCH)', async () => {
    await customerWithDetails('kyc-okyc');
    await uploadXml('kyc-okyc', sampleAadhaarXml('Test User', '18-11-1997'));
    const ok = await details(await kyc('kyc-okyc'));
    expect(ok.data).toMatchObject({
      status: 'APPROVED',
      personalKYC: [{ type: 'OKYC_DIGILOCKER', address: { state: 'Maharashtra' } }],
    });

    await customerWithDetails('kyc-okyc-name');
    await uploadXml('kyc-okyc-name', sampleAadhaarXml('Someone Else', '18-11-1997'));
    const rejected = await details(await kyc('kyc-okyc-name'));
    expect(rejected).toMatchObject({
      statusCode: 'GKD-E-000',
      error: 'NAME_MISMATCH',
      data: { status: 'REJECTED', results: { nameMatch: false } },
    });
  });

  it('asks for the CKYC OTP (8001), says INVALID_CKYC_OTP for a wrong one, and approves with the right one', async () => {
    await customerWithDetails('kyc-otp', '8001');
    const ref = await kyc('kyc-otp');
    expect(await details(ref)).toMatchObject({
      statusCode: 'GKD-S-001',
      data: { status: 'ACTION_PENDING', action: 'SUBMIT_CKYC_OTP' },
    });
    // The same trigger again while the run waits for its OTP answers with the same run.
    expect(await kyc('kyc-otp')).toBe(ref);
    const wrong = await api('POST', '/v2/kyc/ckyc/otp', { body: { referenceID: ref, otp: '000000' } });
    expect(wrong.body).toMatchObject({ data: { referenceID: ref, status: 'PROCESSING' }, statusCode: 'SKO-S-000' });
    expect(await details(ref)).toMatchObject({
      statusCode: 'GKD-S-001',
      data: { status: 'ACTION_PENDING', action: 'INVALID_CKYC_OTP' },
    });
    const right = await api('POST', '/v2/kyc/ckyc/otp', { body: { referenceID: ref, otp: '123456' } });
    expect(right.body.statusCode).toBe('SKO-S-000');
    expect((await details(ref)).data.status).toBe('APPROVED');
    // The same OTP again is answered as the first was (a retry), and the run stays APPROVED;
    // another OTP after the verdict is FBX-E-010: the run waits for none.
    const again = await api('POST', '/v2/kyc/ckyc/otp', { body: { referenceID: ref, otp: '123456' } });
    expect(again.body).toEqual(right.body);
    expect((await details(ref)).data.status).toBe('APPROVED');
    const other = await api('POST', '/v2/kyc/ckyc/otp', { body: { referenceID: ref, otp: '654321' } });
    expect(other.body.statusCode).toBe('FBX-E-010');
  });

  it('reaches FAILED (8002), manual review (8003) and FACE_MISMATCH (8004) by magic PAN digits', async () => {
    await customerWithDetails('kyc-fail', '8002');
    expect(await details(await kyc('kyc-fail'))).toMatchObject({
      statusCode: 'GKD-E-000',
      error: 'CKYC_FAILED',
      data: { status: 'FAILED' },
    });
    await customerWithDetails('kyc-review', '8003');
    const inReview = await kyc('kyc-review');
    expect(await details(inReview)).toMatchObject({
      statusCode: 'GKD-S-001',
      data: { status: 'PROCESSING', action: 'WAIT', outputVariables: { manualReviewRequired: true } },
    });
    // A reviewer decides (platform API).
    // A trigger meanwhile answers with the run in review.
    const reviewRef = (await api('POST', '/v2/kyc/ckyc', { body: { customerID: 'kyc-review' } })).body.data.referenceID;
    expect(reviewRef).toBe(inReview);
    const platformApi = client(runtime.baseUrl, { authorization: `Bearer ${runtime.credentials.apiKey}` });
    const decided = await platformApi('POST', `/v1/kyc-reviews/${reviewRef}`, {
      body: { decision: 'APPROVED', note: 'documents checked by hand' },
    });
    expect(decided.body).toEqual({ data: { reference_id: reviewRef, status: 'APPROVED' } });
    expect((await details(reviewRef)).data.status).toBe('APPROVED');
    expect((await platformApi('POST', `/v1/kyc-reviews/${reviewRef}`, { body: { decision: 'REJECTED' } })).status).toBe(
      409,
    );
    await customerWithDetails('kyc-face', '8004');
    expect(await details(await kyc('kyc-face'))).toMatchObject({
      error: 'FACE_MISMATCH',
      data: { status: 'REJECTED' },
    });
  });

  it('answers FBX-E-010 before the details and FBX-E-008 for an unknown referenceID', async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'kyc-early', mobile: '9876500005' } });
    expect((await api('POST', '/v2/kyc/ckyc', { body: { customerID: 'kyc-early' } })).body.statusCode).toBe(
      'FBX-E-010',
    );
    expect((await api('GET', '/v2/kyc/details?referenceID=kyr_00000000000000000000000000')).body.statusCode).toBe(
      'FBX-E-008',
    );
  });
});

describe('the whole journey is one Step Functions execution per application', () => {
  const sfn = () => new SFNClient({});
  /** The application executions of one customer (the execution's input names it), with their histories. */
  async function executionsOf(customerID: string) {
    const { executions = [] } = await sfn().send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('application') }),
    );
    const mine = [];
    for (const e of executions) {
      const described = await sfn().send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
      if (JSON.parse(described.input ?? '{}').customerId !== customerID) continue;
      const { events = [] } = await sfn().send(new GetExecutionHistoryCommand({ executionArn: e.executionArn }));
      mine.push({ ...e, events });
    }
    return mine;
  }

  it('runs create -> details -> BRE -> accept -> KYC -> agreement -> disbursal with the spec samples, and counts the cost', async () => {
    await runtime.settle();
    writes.clear();
    counting = true;
    const customerID = 'whole-journey';
    await acceptedCustomer(customerID); // create, details, BRE, accept, KYC
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID, program: 'PERSONAL_LOAN' } });
    await poll(`/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID, program: 'PERSONAL_LOAN' } });
    await poll(`/v2/loan/disburse?referenceID=${disburse.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');
    await runtime.settle();
    counting = false;
    // Resuming the customer says where it stands now.
    const resumed = await api('POST', '/v2/user/create', { body: { customerID, mobile: await mobileOf(customerID) } });
    expect(resumed.body.data.stage).toBe('DISBURSED');

    const [execution, ...others] = await executionsOf(customerID);
    expect(others).toHaveLength(0);
    expect(execution?.status).toBe('SUCCEEDED');
    const entered = (execution?.events ?? [])
      .filter((e) => String(e.type).endsWith('StateEntered'))
      .map((e) => e.stateEnteredEventDetails?.name ?? '');
    // The stages ops sees, in order.
    const stages = [
      'AwaitOffers',
      'RecordBre',
      'OfferAccepted',
      'RunKyc',
      'KycApproved',
      'AwaitSignature',
      'MarkSigned',
      'Disburse',
      'LoanActive',
    ];
    expect(stages.map((s) => entered.indexOf(s))).toEqual(
      [...stages.map((s) => entered.indexOf(s))].sort((a, b) => a - b),
    );
    expect(entered).toEqual(expect.arrayContaining(stages));
    const total = [...writes.entries()]
      .filter(([k]) => k !== 'items in transactions' && !k.startsWith('rate-limit'))
      .reduce((n, [, v]) => n + v, 0);
    console.info(
      `whole journey: ${entered.length} state transitions; ${total} DynamoDB write requests besides rate limiting (${JSON.stringify(Object.fromEntries(writes))})`,
    );
    expect(total).toBeGreaterThan(0);
  });

  it('takes KYC before the BRE as well, and refuses out-of-order steps with FBX-E-010', async () => {
    const customerID = 'kyc-first';
    await api('POST', '/v2/user/create', { body: { customerID, mobile: '9876500777' } });
    const details = specDetails(customerID);
    details.basicDetails.personalDetails.pan = 'KYCPF1234Z';
    expect((await api('POST', '/v2/user/details/update', { body: details })).body.statusCode).toBe('UUD-S-000');
    expect((await kycVerdict(customerID)).data.status).toBe('APPROVED');
    // Approved KYC is answered again, not redone.
    const again = await api('POST', '/v2/kyc/ckyc', { body: { customerID } });
    expect(again.body.statusCode).toBe('TCK-S-000');
    const result = await breResult(
      (await api('POST', '/v2/user/offers', { body: { customerID, riskVariables: {} } })).body.data.referenceID,
    );
    const offerID = result.data.offers[0].offerID;
    // No agreement before an accepted offer.
    expect((await api('POST', '/v2/loan/agreement', { body: { customerID } })).body.statusCode).toBe('TAS-E-001');
    const body = { customerID, offerDetails: { offerID, amount: 60000, tenure: 8, interest: 25 } };
    expect((await api('POST', '/user/acceptOffer', { body })).body.statusCode).toBe('AOP-S-000');
    // The BRE is behind it now.
    const late = await api('POST', '/v2/user/offers', { body: { customerID, riskVariables: {} } });
    expect(late.status).toBe(409);
    expect(late.body.statusCode).toBe('FBX-E-010');
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    expect(agreement.body.statusCode).toBe('TAS-S-000');
  });

  it('refuses the agreement before KYC is approved (FBX-E-010), and ends the journey after a BRE rejection', async () => {
    await acceptedCustomer('no-kyc-yet', { kyc: false });
    const early = await api('POST', '/v2/loan/agreement', { body: { customerID: 'no-kyc-yet' } });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ statusCode: 'FBX-E-010', error: expect.stringContaining('KYC') });

    const rejected = await breResult(await triggerBre('bre-ends', { pan: 'ENDPA9001A' }));
    expect(rejected.data.status).toBe('REJECTED');
    const resumed = await eventually(async () => {
      const res = await api('POST', '/v2/user/create', {
        body: { customerID: 'bre-ends', mobile: await mobileOf('bre-ends') },
      });
      return res.body.data.stage === 'REJECTED' && res;
    }, 10_000);
    expect(resumed.body.statusCode).toBe('CUR-S-000');
    for (const [path, body] of [
      ['/v2/user/offers', { customerID: 'bre-ends', riskVariables: {} }],
      ['/v2/kyc/ckyc', { customerID: 'bre-ends' }],
    ] as const) {
      const res = await api('POST', path, { body });
      // User Disqualified: the BRE rejected this customer.
      expect(res.status).toBe(422);
      expect(res.body.statusCode).toBe('FBX-E-011');
    }
    const [execution] = await executionsOf('bre-ends');
    expect(execution?.status).toBe('SUCCEEDED');
  });
});

describe('a trigger that fails half-way is finished by the retry, never half-done', () => {
  /** The next SendTaskSuccess/Failure fails as a Step Functions outage would (handlers run in this process). */
  async function failNextCallback() {
    const { sfn } = await import('#store/workflows');
    let armed = true;
    sfn.middlewareStack.add(
      (next, context) => async (args) => {
        if (armed && /^SendTask(Success|Failure)Command$/.test(String(context.commandName))) {
          armed = false;
          throw Object.assign(new Error('Step Functions is unavailable'), { name: 'ServiceUnavailable' });
        }
        return next(args);
      },
      { step: 'initialize', name: `failOnce${Math.random()}` },
    );
  }

  it('KYC, agreement and disbursal each go through on the retry after the callback failed', async () => {
    const customerID = 'half-way';
    await acceptedCustomer(customerID, { kyc: false });

    await failNextCallback();
    const kycFailed = await api('POST', '/v2/kyc/ckyc', { body: { customerID } });
    expect(kycFailed.status).toBeGreaterThanOrEqual(500);
    expect((await kycVerdict(customerID)).data.status).toBe('APPROVED');

    await failNextCallback();
    const agreementFailed = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    expect(agreementFailed.status).toBeGreaterThanOrEqual(500);
    const agreement = await api('POST', '/v2/loan/agreement', { body: { customerID } });
    expect(agreement.body.statusCode).toBe('TAS-S-000');
    await poll(`/v2/loan/agreement?referenceID=${agreement.body.data.referenceID}`, (b) => b.data.status === 'SUCCESS');

    await failNextCallback();
    const disbursalFailed = await api('POST', '/v2/loan/disburse', { body: { customerID } });
    expect(disbursalFailed.status).toBeGreaterThanOrEqual(500);
    const disburse = await api('POST', '/v2/loan/disburse', { body: { customerID } });
    expect(disburse.body.statusCode).toBe('TDB-S-200');
    const done = await poll(
      `/v2/loan/disburse?referenceID=${disburse.body.data.referenceID}`,
      (b) => b.data.status !== 'PROCESSING',
    );
    expect(done.data).toMatchObject({ status: 'SUCCESS', disbursedAmount: 77404 });
  });
});

describe('the journey envelope as a client written from the spec reads it', () => {
  it('answers unknown paths and methods under /v2 and /user in the journey envelope (FBX-E-000)', async () => {
    const unknown = await api('POST', '/v2/user/nothing', { body: { customerID: 'x' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ data: {}, statusCode: 'FBX-E-000', error: expect.stringContaining('/v2') });
    const method = await api('DELETE', '/v2/user/create');
    expect(method.status).toBe(405);
    expect(method.body).toMatchObject({ data: {}, statusCode: 'FBX-E-000' });
    expect((await api('GET', '/user/elsewhere')).body).toMatchObject({ statusCode: 'FBX-E-000' });
    // The platform's own paths keep the platform envelope.
    expect((await api('GET', '/v1/nothing')).body).toMatchObject({ error: { code: 'no_route' } });
  });

  it('accepts and ignores fields it does not know, and a consent without ipAddress', async () => {
    const created = await api('POST', '/v2/user/create', {
      body: { customerID: 'cust-extra-fields', mobile: '9812300101', partnerRef: 'p-1', meta: { a: 1 } },
    });
    expect(created.status).toBe(200);
    const details = specDetails('cust-extra-fields');
    const consents = details.consents.map(({ ipAddress: _ip, url: _url, ...rest }) => rest);
    const updated = await api('POST', '/v2/user/details/update', {
      body: { ...details, consents, somethingNew: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.statusCode).toBe('UUD-S-000');
  });

  it('names the session code `status` on errors as on success (one key per endpoint)', async () => {
    const res = await api('POST', '/v2/user/session', {
      body: { customerID: 'nobody-here', redirectURL: 'https://x.example/r' },
    });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ data: {}, error: expect.any(String), status: 'FBX-E-006' });
    const unauth = await client(runtime.baseUrl, { 'x-api-key': 'sk_sandbox_wrong' })('POST', '/v2/user/session', {
      body: { customerID: 'x', redirectURL: 'https://x.example/r' },
    });
    expect(unauth.status).toBe(401);
    expect(unauth.body).toMatchObject({ data: {}, status: 'FBX-E-005' });
    expect(unauth.body.statusCode).toBeUndefined();
  });
});

/**
 * The journey API's KYC details and bank analysis as journey-api.txt shows them, over HTTP
 * against the local runtime: the spec's VALIDATION_ERROR, outputVariables.udyamStatus and a
 * CKYC record with its whole address.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedRange } from '#core/banking';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import { client } from '../helpers/http.ts';

let runtime: LocalRuntime;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  // These tests poll with one key: lift the per-key limit (100/min by default).
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  runtime = await startLocalRuntime({
    port: 0,
    credentialsDir: mkdtempSync(join(tmpdir(), 'lendstack-kyc-banking-')),
  });
  api = client(runtime.baseUrl, { 'x-api-key': runtime.credentials.apiKey });
});

afterAll(async () => {
  await runtime?.stop();
});

const letter = () => String.fromCharCode(65 + Math.floor(Math.random() * 26));
/** A PAN whose four digits choose the sandbox outcome (AAAAA9999A). */
const panWith = (digits: string) => `${letter()}${letter()}${letter()}P${letter()}${digits}${letter()}`;
const randomMobile = () => `97${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** The spec's "Update User Details" personal details, with overrides. */
const personalDetails = (overrides: Record<string, unknown> = {}) => ({
  pan: panWith(String(1000 + Math.floor(Math.random() * 7000))),
  email: 'testuser@gmail.com',
  name: 'Test User',
  dob: '1997-11-18',
  gender: 'MALE',
  currentAddress: {
    pincode: '560095',
    currentAddressLine1: '14, 5th Cross, Koramangala 6th Block',
    currentAddressLine2: 'Koramangala',
    currentAddressCity: 'Bengaluru',
    currentAddressState: 'Karnataka',
  },
  ...overrides,
});

/** A customer created and given details (UUD-S-000). */
async function customer(customerID: string, personal: Record<string, unknown> = personalDetails()) {
  expect((await api('POST', '/v2/user/create', { body: { customerID, mobile: randomMobile() } })).status).toBe(200);
  const details = await api('POST', '/v2/user/details/update', {
    body: {
      customerID,
      program: 'PERSONAL_LOAN',
      basicDetails: { personalDetails: personal },
      consents: ['HYBRID_CONSENT', 'BUREAU', 'TNC'].map((type) => ({
        type,
        timestamp: 'someTimestamp',
        body: 'some_consent_content',
        ipAddress: '192.0.2.1',
        url: 'some_url',
      })),
    },
  });
  expect(details.body.statusCode).toBe('UUD-S-000');
}

/** POST /v2/kyc/ckyc, then GET /v2/kyc/details until the run is no longer PROCESSING. */
async function kycOf(customerID: string) {
  const trigger = await api('POST', '/v2/kyc/ckyc', { body: { customerID, program: 'PERSONAL_LOAN' } });
  expect(trigger.body.statusCode).toBe('TCK-S-000');
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const res = await api('GET', `/v2/kyc/details?referenceID=${trigger.body.data.referenceID}`);
    if (res.body.data?.status !== 'PROCESSING') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('KYC did not settle');
}

describe('GET /v2/kyc/details on APPROVED KYC', () => {
  it('carries outputVariables.udyamStatus "Y", as the spec sample, beside manualReviewRequired', async () => {
    await customer('udyam-yes');
    const approved = await kycOf('udyam-yes');
    expect(approved).toMatchObject({ statusCode: 'GKD-S-000', data: { status: 'APPROVED' } });
    expect(approved.data.outputVariables).toEqual({ manualReviewRequired: false, udyamStatus: 'Y' });
  });

  it('reads udyamStatus "N" for the magic PAN digits 8006 (no Udyam registration)', async () => {
    await customer('udyam-no', personalDetails({ pan: panWith('8006') }));
    const approved = await kycOf('udyam-no');
    expect(approved.data).toMatchObject({
      status: 'APPROVED',
      outputVariables: { manualReviewRequired: false, udyamStatus: 'N' },
    });
  });

  it("fills every address field of the CKYC record from the customer's current address", async () => {
    await customer('ckyc-address');
    const approved = await kycOf('ckyc-address');
    const [record] = approved.data.personalKYC;
    expect(record).toMatchObject({ type: 'CKYC', name: 'Test User', dob: '1997-11-18', gender: 'MALE' });
    // The spec sample's keys, none of them empty.
    expect(Object.keys(record.address).sort()).toEqual(
      ['city', 'country', 'district', 'landmark', 'line1', 'line2', 'locality', 'pincode', 'state'].sort(),
    );
    for (const [field, value] of Object.entries(record.address)) expect(value, field).not.toBe('');
    expect(record.address).toMatchObject({
      line1: '14, 5th Cross, Koramangala 6th Block',
      line2: 'Koramangala',
      locality: 'Koramangala',
      city: 'Bengaluru',
      district: 'Bengaluru',
      state: 'Karnataka',
      pincode: '560095',
      country: 'INDIA',
    });
  });

  it('gives the sandbox registry address (the spec sample) when the partner gave no address', async () => {
    const { currentAddress: _none, ...withoutAddress } = personalDetails();
    await customer('ckyc-no-address', withoutAddress);
    const approved = await kycOf('ckyc-no-address');
    expect(approved.data.personalKYC[0].address).toEqual({
      line1: '12, Shriram Chowk',
      line2: 'Farshi',
      locality: 'Shriram Chowk, Farshi',
      landmark: 'Shakuntal Nursing Home',
      city: 'Khamgaon',
      district: 'Buldana',
      state: 'Maharashtra',
      pincode: '444303',
      country: 'INDIA',
    });
  });
});

describe('GET /v2/user/bank/analyse: VALIDATION_ERROR', () => {
  /** A text PDF statement (pdf-lib). */
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
  const to = acceptedRange(new Date().toISOString().slice(0, 10)).to;
  const inRange = `${to.slice(8, 10)}/${to.slice(5, 7)}/${to.slice(0, 4)}`;

  /** Trigger with one statement, then the GET as the partner polls it (status and body). */
  async function analyse(customerID: string, pdf: Uint8Array) {
    const form = new FormData();
    for (const [k, v] of Object.entries({ customerID, bankName: 'HDFC', uploadType: 'PDF' })) form.append(k, v);
    form.append('files', new Blob([pdf], { type: 'application/pdf' }), 'statement.pdf');
    const res = await fetch(`${runtime.baseUrl}/v2/user/bank/analyse`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.credentials.apiKey },
      body: form,
    });
    const trigger = (await res.json()) as { data: { referenceID: string }; statusCode: string };
    expect(trigger.statusCode).toBe('BANK-TBN-S-000');
    return api('GET', `/v2/user/bank/analyse?referenceID=${trigger.data.referenceID}`);
  }

  it("answers a current account's statement FAILED with VALIDATION_ERROR in bankingDetails (BANK-GBR-S-002)", async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'bank-current', mobile: randomMobile() } });
    const pdf = await statementPdf([
      'HDFC Bank',
      'Account Type: Current Account',
      `${inRange}  NEFT ACME TRADERS  1,20,000.00`,
    ]);
    const res = await analyse('bank-current', pdf);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        bankingDetails: { errorCode: 'VALIDATION_ERROR', errorMessage: 'Savings account statement not used' },
        referenceID: expect.stringMatching(/^bnk_/),
        status: 'FAILED',
      },
      error: '',
      statusCode: 'BANK-GBR-S-002',
    });
  });

  it("passes a savings account's statement", async () => {
    await api('POST', '/v2/user/create', { body: { customerID: 'bank-savings', mobile: randomMobile() } });
    const pdf = await statementPdf(['HDFC Bank', 'Account Type: Savings', `${inRange}  SALARY CREDIT  50,000.00`]);
    expect((await analyse('bank-savings', pdf)).body).toMatchObject({
      data: { status: 'SUCCESS' },
      statusCode: 'BANK-GBR-S-000',
    });
  });
});

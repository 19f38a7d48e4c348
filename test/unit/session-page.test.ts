/** What the hosted session page shows, from the journey's records: each step's state, the one action, the end. */
import { describe, expect, it } from 'vitest';
import type { Borrower } from '#core/borrowers';
import { ConflictError, InvalidStateError, ProviderError, RuleViolationError, ValidationError } from '#core/errors';
import { escapeHtml } from '#http/html';
import type { LoanApplication } from '#store/applications';
import type { KycRun } from '#store/kyc-runs';
import { journeyPage } from '../../functions/api/journey/session-page-html.ts';
import { noticeFor } from '../../functions/api/journey/session-page-http.ts';
import { type JourneyView, outcomeOf, stepsOf } from '../../functions/api/journey/session-page-state.ts';

const borrower = (overrides: Partial<Borrower> = {}, journey: Partial<NonNullable<Borrower['journey']>> = {}) =>
  ({
    borrowerId: 'bor_1',
    borrowerType: 'PERSONAL',
    status: 'PENDING',
    name: 'Test User',
    phone: '+919999999999',
    email: '',
    customerId: 'c1',
    journey: { stage: 'DETAILS_UPDATED', applicationId: 'app_1', ...journey },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  }) as Borrower;

const application = (overrides: Partial<LoanApplication> = {}) =>
  ({
    applicationId: 'app_1',
    borrowerId: 'bor_1',
    customerId: 'c1',
    offerId: 'ofr_1',
    referenceId: 'bre_1',
    status: 'OFFER_ACCEPTED',
    currency: 'INR',
    amount: 80000,
    tenure: 8,
    interest: 25,
    schedule: {
      installments: [
        {
          number: 1,
          dueDate: '2027-01-01',
          principal: '9293.37',
          interest: '1666.67',
          fees: '0.00',
          total: '10960.04',
        },
      ],
      totals: { principal: '80000.00', interest: '7680.33', fees: '0.00', total: '87680.33' },
      upfrontFees: '2596.00',
      netDisbursed: '77404.00',
    },
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  }) as LoanApplication;

const run = (overrides: Partial<KycRun> = {}) =>
  ({
    referenceId: 'kyr_1',
    customerId: 'c1',
    borrowerId: 'bor_1',
    status: 'PROCESSING',
    action: '',
    message: '',
    personalKYC: null,
    results: null,
    manualReviewRequired: false,
    otpAttempts: 0,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  }) as KycRun;

const view = (overrides: Partial<JourneyView> = {}): JourneyView => ({
  borrower: borrower(),
  app: null,
  kyc: null,
  waits: [],
  agreementUrl: null,
  ...overrides,
});

const step = (v: JourneyView, id: string) => stepsOf(v).find((s) => s.id === id);
const actions = (v: JourneyView) => stepsOf(v).filter((s) => s.state === 'action');

describe('the session page steps', () => {
  it('offers the selfie when the workflow waits for KYC, and only that', () => {
    const v = view({ waits: ['KYC', 'OFFERS'] });
    expect(actions(v).map((s) => s.action)).toEqual(['kyc']);
    expect(step(v, 'offer')?.state).toBe('waiting');
  });

  it('offers the selfie again with the reason after a REJECTED run, in plain words', () => {
    const v = view({ waits: ['KYC'], kyc: run({ status: 'REJECTED', message: 'FACE_MISMATCH' }) });
    expect(step(v, 'kyc')).toMatchObject({ state: 'action', action: 'kyc' });
    expect(step(v, 'kyc')?.note).toContain('Your selfie does not match the photo on your ID');
  });

  it('asks for the OTP while the run waits for one, and says a wrong one was wrong', () => {
    const asked = view({ waits: ['KYC_OTP'], kyc: run({ status: 'ACTION_PENDING', action: 'SUBMIT_CKYC_OTP' }) });
    expect(step(asked, 'kyc')).toMatchObject({ state: 'action', action: 'kyc_otp' });
    const wrong = view({ waits: ['KYC_OTP'], kyc: run({ status: 'ACTION_PENDING', action: 'INVALID_CKYC_OTP' }) });
    expect(step(wrong, 'kyc')?.note).toContain('That OTP was not right');
  });

  it('follows a run in progress until the customer is approved, and leaves a manual review to the reviewer', () => {
    expect(step(view({ kyc: run() }), 'kyc')?.state).toBe('processing');
    // The run reads APPROVED a moment before the customer does: still finishing.
    expect(step(view({ kyc: run({ status: 'APPROVED' }) }), 'kyc')?.state).toBe('processing');
    expect(
      step(view({ borrower: borrower({ status: 'APPROVED' }), kyc: run({ status: 'APPROVED' }) }), 'kyc')?.state,
    ).toBe('done');
    expect(step(view({ kyc: run({ manualReviewRequired: true, action: 'WAIT' }) }), 'kyc')?.state).toBe('waiting');
  });

  it('keeps KYC closed before the details, and the agreement before KYC', () => {
    expect(step(view({ borrower: borrower({}, { stage: 'USER_CREATED' }), waits: ['KYC'] }), 'kyc')?.state).toBe(
      'todo',
    );
    expect(step(view({ app: application(), waits: ['KYC'] }), 'agreement')?.state).toBe('todo');
  });

  it('opens the agreement when the workflow waits for it, then asks for the signature when it waits for that', () => {
    const approved = borrower({ status: 'APPROVED' }, { stage: 'OFFER_ACCEPTED' });
    expect(step(view({ borrower: approved, app: application(), waits: ['AGREEMENT'] }), 'agreement')?.action).toBe(
      'agreement_open',
    );
    const sent = application({
      agreement: { referenceId: 'agr_1', status: 'PROCESSING', objectKey: 'k', createdAt: '2026-01-01T00:00:00Z' },
    });
    expect(step(view({ borrower: approved, app: sent, waits: [] }), 'agreement')?.state).toBe('processing');
    expect(step(view({ borrower: approved, app: sent, waits: ['SIGNATURE'] }), 'agreement')?.action).toBe(
      'agreement_sign',
    );
    const signed = application({
      status: 'SIGNED',
      agreement: { ...sent.agreement!, status: 'SUCCESS', signedAt: '2026-12-01T10:00:00Z' },
    });
    expect(step(view({ borrower: approved, app: signed }), 'agreement')).toMatchObject({
      state: 'done',
      note: 'You signed the agreement on 1 Dec 2026.',
    });
    expect(step(view({ borrower: approved, app: signed }), 'disbursal')?.state).toBe('waiting');
  });

  it('says when the money could not be sent', () => {
    const failed = view({
      borrower: borrower({ status: 'APPROVED' }),
      app: application({ status: 'DISBURSAL_FAILED' }),
    });
    expect(step(failed, 'disbursal')).toMatchObject({
      state: 'failed',
      note: expect.stringContaining('could not send'),
    });
    expect(outcomeOf(failed)).toBeNull();
  });
});

describe('the end of an application, in plain language', () => {
  it('REJECTED by the credit decision: not approved, nothing more to do, no action anywhere', () => {
    const v = view({ borrower: borrower({}, { stage: 'REJECTED' }), waits: ['KYC'] });
    expect(outcomeOf(v)).toMatchObject({ status: 'REJECTED', title: 'Your loan application was not approved' });
    expect(actions(v)).toEqual([]);
    expect(stepsOf(v).map((s) => s.state)).toEqual(['done', 'closed', 'failed', 'closed', 'closed']);
  });

  it('says which kind of rule decided, never the rule itself', () => {
    const rejected = (rejectionReason: 'PRE_BRE_REJECT' | 'LENDER_BRE_REJECT') =>
      outcomeOf(
        view({
          borrower: borrower({}, { stage: 'REJECTED' }),
          bre: { rejectionReason, detailedReason: 'Pincode is not serviceable' } as JourneyView['bre'],
        }),
      )?.reason;
    expect(rejected('PRE_BRE_REJECT')).toContain("did not meet the lender's eligibility rules");
    expect(rejected('LENDER_BRE_REJECT')).toContain('review of your credit history');
    expect(rejected('PRE_BRE_REJECT')).not.toContain('Pincode is not serviceable');
  });

  it('REJECTED at signing: the agreement was not signed', () => {
    const v = view({ borrower: borrower({ status: 'APPROVED' }), app: application({ status: 'REJECTED' }) });
    expect(outcomeOf(v)?.reason).toContain('The loan agreement was not signed');
    expect(step(v, 'agreement')?.state).toBe('failed');
  });

  it('EXPIRED: a step was not completed in time', () => {
    expect(outcomeOf(view({ borrower: borrower({}, { stage: 'EXPIRED' }) }))).toMatchObject({
      status: 'EXPIRED',
      reason: expect.stringContaining('not completed in time'),
    });
    expect(outcomeOf(view({ app: application({ status: 'EXPIRED' }) }))?.status).toBe('EXPIRED');
  });
});

describe('the session page HTML', () => {
  const render = (v: JourneyView, redirectURL = 'https://partner.example/back') =>
    String(
      journeyPage({
        view: v,
        steps: stepsOf(v),
        outcome: outcomeOf(v),
        pageUrl: 'https://api.example/v2/session/abc',
        redirectURL,
      }).body,
    );

  it('escapes everything that comes from data', () => {
    const hostile = '"><script>alert(1)</script>';
    const html = render(view({ borrower: borrower({ name: hostile }) }), `https://x.example/?q=${hostile}`);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain(escapeHtml(hostile));
  });

  it('reloads itself while lendstack works, never while a form is open or after the end', () => {
    const headOf = (v: JourneyView) => render(v).slice(0, render(v).indexOf('</head>'));
    expect(headOf(view({ kyc: run() }))).toContain(
      'http-equiv="refresh" content="3;url=https://api.example/v2/session/abc"',
    );
    expect(headOf(view({ waits: ['KYC'] }))).not.toContain('refresh');
    expect(headOf(view({ borrower: borrower({}, { stage: 'REJECTED' }) }))).not.toContain('refresh');
  });

  it('sends every header that keeps the link private', () => {
    const { headers } = journeyPage({ view: view(), steps: [], outcome: null, pageUrl: 'u', redirectURL: 'r' });
    expect(headers).toMatchObject({
      'cache-control': 'no-store',
      'referrer-policy': 'same-origin',
      'x-frame-options': 'DENY',
      'content-security-policy': expect.stringMatching(/script-src 'nonce-[^']+'; .*frame-ancestors 'none'/),
    });
  });
});

describe('the notice an action that cannot be done leaves', () => {
  it('names the file, the OTP, the consent, a closed step or a retry', () => {
    expect(noticeFor(new ValidationError([{ field: 'selfie', message: 'must be a JPEG or PNG image' }]))).toBe(
      'invalid_file',
    );
    expect(noticeFor(new ValidationError([{ field: 'selfie', message: 'must carry the SELFIE file' }]))).toBe(
      'selfie_missing',
    );
    expect(noticeFor(new ValidationError([{ field: 'selfie', message: 'is larger than 5 MB' }]))).toBe(
      'file_too_large',
    );
    expect(noticeFor(new ValidationError([{ field: 'otp', message: 'must be 4 to 8 digits' }]))).toBe('otp_invalid');
    expect(noticeFor(new ValidationError([{ field: 'consent', message: 'must be ticked' }]))).toBe('consent_missing');
    expect(noticeFor(new InvalidStateError('invalid_user_state', 'x'))).toBe('step_closed');
    expect(noticeFor(new ConflictError('x', 'x'))).toBe('step_closed');
    expect(noticeFor(new RuleViolationError('user_disqualified', 'x'))).toBe('step_closed');
    expect(noticeFor(new ProviderError('bank', 'down'))).toBe('try_again');
  });
});

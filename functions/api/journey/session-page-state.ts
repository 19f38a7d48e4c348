/**
 * What the hosted session page shows: the customer's journey read from the table (the same
 * records the journey API's poll endpoints read), turned into steps, each with its state and,
 * for the step the application waits on, the borrower's action.
 */
import type { Borrower } from '#core/borrowers';
import type { Tenant } from '#core/tenant';
import { findApplication, type LoanApplication } from '#store/applications';
import { getBorrower } from '#store/borrowers';
import { type BreRun, getBreRun } from '#store/credit';
import { presignDownload } from '#store/documents-bucket';
import { getKycRun, type KycRun } from '#store/kyc-runs';
import type { BorrowerSession } from '#store/sessions';
import { type WaitStep, waitingSteps } from '#store/waits';

export interface JourneyView {
  borrower: Borrower;
  /** The loan application's terms, from the offer acceptance on. */
  app: LoanApplication | null;
  /** The latest KYC run. */
  kyc: KycRun | null;
  /** The BRE run that rejected the customer, when one did (read only then). */
  bre?: BreRun | null;
  /** The steps the application's workflow waits on now. */
  waits: WaitStep[];
  /** A presigned link to the agreement PDF, once there is one. */
  agreementUrl: string | null;
}

/** How long the page's link to the agreement PDF works (the page renders a new one on each load). */
const AGREEMENT_LINK_SECONDS = 15 * 60;

/** Reads the journey of a session's customer. */
export async function loadJourney(session: BorrowerSession): Promise<JourneyView> {
  const tenant: Tenant = { partnerId: session.partnerId, mode: session.mode };
  const borrower = await getBorrower(tenant, session.borrowerId);
  const applicationId = borrower.journey?.applicationId;
  const kycReferenceId = borrower.journey?.kycReferenceId;
  const breReferenceId = borrower.journey?.stage === 'REJECTED' ? borrower.journey.breReferenceId : undefined;
  const [app, kyc, waits, bre] = await Promise.all([
    applicationId ? findApplication(tenant, applicationId) : null,
    kycReferenceId ? getKycRun(tenant, kycReferenceId) : null,
    applicationId ? waitingSteps(tenant, applicationId) : [],
    breReferenceId ? getBreRun(tenant, breReferenceId) : null,
  ]);
  const agreementUrl = app?.agreement ? await presignDownload(app.agreement.objectKey, AGREEMENT_LINK_SECONDS) : null;
  return { borrower, app, kyc, waits, agreementUrl, bre };
}

export type StepId = 'details' | 'kyc' | 'offer' | 'agreement' | 'disbursal';

/**
 * done; action: the borrower has something to do here now; processing: lendstack is on it (the
 * page refreshes itself); waiting: the lender's part (the partner's next call); todo: later;
 * failed: this step did not go through; closed: not needed any more (the application ended).
 */
export type StepState = 'done' | 'action' | 'processing' | 'waiting' | 'todo' | 'failed' | 'closed';

/** The forms the page offers, one per step the borrower can complete there. */
export type StepAction = 'kyc' | 'kyc_otp' | 'agreement_open' | 'agreement_sign';

export interface Step {
  id: StepId;
  label: string;
  state: StepState;
  /** One sentence in plain language: where the step stands. */
  note: string;
  action?: StepAction;
}

/** Why the application ended before a loan, in plain language; null while it goes on. */
export interface Outcome {
  status: 'REJECTED' | 'EXPIRED';
  title: string;
  reason: string;
}

/** KYC messages (journey-api.txt "Possible Message Values" and lendstack's own) in the borrower's words. */
export const KYC_MESSAGES: Record<string, string> = {
  NAME_MISMATCH: 'The name on your ID does not match the name on your application.',
  PAN_DATA_MISMATCH: 'The date of birth on your Aadhaar does not match the one on your PAN.',
  DIGITAL_SIGNATURE_REJECTED:
    'The Aadhaar file is not digitally signed by UIDAI. Download a fresh offline e-KYC file and try again.',
  FACE_MISMATCH: 'Your selfie does not match the photo on your ID. Take a new selfie of your face, in good light.',
  LIVENESS_REJECT: 'We could not confirm that the selfie was taken live. Take a new selfie facing the camera.',
  MANUAL_KYC_REJECT: 'A reviewer could not confirm your identity from your documents.',
  MANUAL_PENNYDROP_REJECT: 'The name on your bank account does not match the name on your application.',
  CKYC_FAILED: 'We could not fetch your KYC record. Try again, or add your Aadhaar offline e-KYC file.',
  OKYC_FAILED: 'We could not read your Aadhaar offline e-KYC file. Download a fresh one and try again.',
  KYC_EXPIRED: 'The identity check took too long. Please try again.',
};

const FALLBACK_KYC_MESSAGE = 'We could not verify your identity. Please try again.';

/** Application statuses after the signature. */
const SIGNED = new Set(['SIGNED', 'DISBURSAL_PROCESSING', 'DISBURSED', 'DISBURSAL_FAILED', 'REPAID']);

/** The application's end before a loan, if it ended. */
export function outcomeOf(view: Pick<JourneyView, 'borrower' | 'app' | 'bre'>): Outcome | null {
  const stage = view.borrower.journey?.stage;
  if (stage === 'REJECTED') {
    // The kind of rule that decided, not the rule: the lender explains its credit decisions itself.
    const why =
      view.bre?.rejectionReason === 'PRE_BRE_REJECT'
        ? "The application did not meet the lender's eligibility rules (such as age, income, or whether the lender serves your PIN code)."
        : view.bre?.rejectionReason === 'LENDER_BRE_REJECT'
          ? "The lender's review of your credit history did not approve a loan this time."
          : "The lender's checks of your eligibility and credit history did not approve a loan this time.";
    return {
      status: 'REJECTED',
      title: 'Your loan application was not approved',
      reason: `${why} Nothing more is needed from you for this application; your lender can tell you more.`,
    };
  }
  if (view.app?.status === 'REJECTED') {
    return {
      status: 'REJECTED',
      title: 'Your loan application has ended',
      reason:
        'The loan agreement was not signed: it was declined, or not signed within 7 days. No loan was made and nothing is owed.',
    };
  }
  if (stage === 'EXPIRED' || view.app?.status === 'EXPIRED') {
    return {
      status: 'EXPIRED',
      title: 'Your loan application has expired',
      reason:
        'A step was not completed in time, so the application was closed. No loan was made and nothing is owed. You can apply again from the app.',
    };
  }
  return null;
}

const money = (currency: string, amount: string | number) => `${currency} ${amount}`;

/** A date as the borrower reads it (1 Dec 2026), in India's time zone. */
const day = (iso: string) =>
  new Date(iso).toLocaleDateString('en-IN', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'Asia/Kolkata',
  });

function kycStep(view: JourneyView, ended: boolean): Step {
  const label = 'Verify your identity';
  const { borrower, kyc, waits } = view;
  // The customer's approval is the run's last write: until then the run is still finishing.
  if (borrower.status === 'APPROVED') return { id: 'kyc', label, state: 'done', note: 'Your identity is verified.' };
  if (ended) return { id: 'kyc', label, state: 'closed', note: 'Not needed any more.' };
  const stage = borrower.journey?.stage;
  if (!stage || stage === 'USER_CREATED') {
    return { id: 'kyc', label, state: 'todo', note: 'Opens once your lender has your details.' };
  }
  if (kyc?.status === 'ACTION_PENDING') {
    const note =
      kyc.action === 'INVALID_CKYC_OTP'
        ? 'That OTP was not right. Enter the OTP you received again.'
        : 'Enter the OTP that the CKYC registry sent to your mobile.';
    return waits.includes('KYC_OTP')
      ? { id: 'kyc', label, state: 'action', note, action: 'kyc_otp' }
      : { id: 'kyc', label, state: 'processing', note: 'Checking your identity…' };
  }
  if (kyc?.status === 'APPROVED') return { id: 'kyc', label, state: 'processing', note: 'Checking your identity…' };
  if (kyc?.status === 'PROCESSING') {
    return kyc.manualReviewRequired
      ? {
          id: 'kyc',
          label,
          state: 'waiting',
          note: 'A reviewer is checking your documents. You can close this page; your lender will let you know.',
        }
      : { id: 'kyc', label, state: 'processing', note: 'Checking your identity…' };
  }
  const retry = kyc ? `${KYC_MESSAGES[kyc.message] ?? FALLBACK_KYC_MESSAGE} ` : '';
  if (waits.includes('KYC')) {
    return {
      id: 'kyc',
      label,
      state: 'action',
      note: `${retry}Take a selfie so we can check it is you.`,
      action: 'kyc',
    };
  }
  return kyc
    ? { id: 'kyc', label, state: 'failed', note: retry.trim() }
    : { id: 'kyc', label, state: 'processing', note: 'Getting ready…' };
}

function agreementStep(view: JourneyView, ended: boolean): Step {
  const label = 'Sign your loan agreement';
  const { app, waits } = view;
  if (app && SIGNED.has(app.status)) {
    const on = app.agreement?.signedAt ? ` on ${day(app.agreement.signedAt)}` : '';
    return { id: 'agreement', label, state: 'done', note: `You signed the agreement${on}.` };
  }
  if (app?.status === 'REJECTED')
    return { id: 'agreement', label, state: 'failed', note: 'The agreement was not signed.' };
  if (ended || !app) {
    return ended
      ? { id: 'agreement', label, state: 'closed', note: 'Not needed any more.' }
      : { id: 'agreement', label, state: 'todo', note: 'After your offer.' };
  }
  if (view.borrower.status !== 'APPROVED') {
    return { id: 'agreement', label, state: 'todo', note: 'Opens once your identity is verified.' };
  }
  if (!app.agreement) {
    return waits.includes('AGREEMENT')
      ? {
          id: 'agreement',
          label,
          state: 'action',
          note: 'Your agreement is ready to read.',
          action: 'agreement_open',
        }
      : { id: 'agreement', label, state: 'processing', note: 'Preparing your agreement…' };
  }
  return waits.includes('SIGNATURE')
    ? {
        id: 'agreement',
        label,
        state: 'action',
        note: 'Read your agreement, then sign it here.',
        action: 'agreement_sign',
      }
    : { id: 'agreement', label, state: 'processing', note: 'Sending your agreement for signing…' };
}

function disbursalStep(app: LoanApplication | null, ended: boolean): Step {
  const label = 'Receive your money';
  if (app?.status === 'DISBURSED' || app?.status === 'REPAID') {
    const amount = app.disbursal?.disbursedAmount ?? app.schedule.netDisbursed;
    return {
      id: 'disbursal',
      label,
      state: 'done',
      note: `${money(app.currency, amount)} was sent to your bank account${app.disbursal?.utrNumber ? ` (UTR ${app.disbursal.utrNumber})` : ''}.`,
    };
  }
  if (app?.status === 'DISBURSAL_PROCESSING') {
    return { id: 'disbursal', label, state: 'processing', note: 'Sending the money to your bank account…' };
  }
  if (app?.status === 'DISBURSAL_FAILED') {
    return {
      id: 'disbursal',
      label,
      state: 'failed',
      note: 'We could not send the money to your bank account yet. Your lender will try again or contact you.',
    };
  }
  if (ended) return { id: 'disbursal', label, state: 'closed', note: 'Not needed any more.' };
  return app?.status === 'SIGNED'
    ? { id: 'disbursal', label, state: 'waiting', note: 'Your lender sends the money next.' }
    : { id: 'disbursal', label, state: 'todo', note: 'After you sign.' };
}

/** The journey's steps in order, each with its state; at most one carries the borrower's action. */
export function stepsOf(view: JourneyView): Step[] {
  const ended = outcomeOf(view) !== null;
  const stage = view.borrower.journey?.stage;
  const details: Step =
    !stage || stage === 'USER_CREATED'
      ? { id: 'details', label: 'Details shared', state: 'waiting', note: 'Your lender is collecting your details.' }
      : { id: 'details', label: 'Details shared', state: 'done', note: 'Your lender has your details.' };
  const app = view.app;
  const offer: Step = app
    ? {
        id: 'offer',
        label: 'Offer accepted',
        state: 'done',
        note: `${money(app.currency, app.amount)} over ${app.tenure} months at ${app.interest}\u00a0% a year.`,
      }
    : stage === 'REJECTED'
      ? { id: 'offer', label: 'Offer accepted', state: 'failed', note: 'The lender did not approve a loan.' }
      : ended
        ? { id: 'offer', label: 'Offer accepted', state: 'closed', note: 'Not needed any more.' }
        : stage === 'DETAILS_UPDATED'
          ? { id: 'offer', label: 'Offer accepted', state: 'waiting', note: 'Your lender will confirm your offer.' }
          : { id: 'offer', label: 'Offer accepted', state: 'todo', note: 'After your details.' };
  return [details, kycStep(view, ended), offer, agreementStep(view, ended), disbursalStep(app, ended)];
}

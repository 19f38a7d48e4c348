/**
 * Journey KYC (CKYC or OKYC) for a customer, synchronous apart from the CKYC OTP. Sandbox
 * magic values on the PAN's digits (JOURNEY_KYC_MAGIC): 8001 CKYC asks for an OTP (sandbox OTP
 * 123456), 8002 no CKYC record (FAILED unless an Aadhaar XML was uploaded: OKYC), 8003 manual
 * review, 8004 face mismatch, 8005 liveness fails, 8006 no Udyam registration (udyamStatus N).
 * With an AADHAAR_XML uploaded, OKYC runs: the XML's name and date of birth must match the
 * details, and it must carry a signature.
 */
import type { Borrower, KycCheck } from '#core/borrowers';
import { ConflictError } from '#core/errors';
import { type AadhaarKyc, namesMatch, parseAadhaarXml } from '#core/kyc-india';
import { textAt } from '#core/paths';
import type { Tenant } from '#core/tenant';
import type { JourneyKycMagic } from '#providers/sandbox-journey';
import { listDocuments, transitionBorrower } from '#store/borrowers';
import { readObject } from '#store/documents-bucket';
import type { KycRun } from '#store/kyc-runs';
import { saveKycRun } from '#store/kyc-runs';
import { newEvent } from '#store/outbox';

export const SANDBOX_CKYC_OTP = '123456';
export const MAX_OTP_ATTEMPTS = 3;

/** The PAN's four digits, which choose a sandbox outcome (JOURNEY_KYC_MAGIC). */
const magic = (b: Borrower, digits: JourneyKycMagic) => b.pan?.slice(5, 9) === digits;

const detail = (b: Borrower, ...path: string[]) => textAt(b.journey?.details, ...path);

/** The sandbox CKYC registry's address for a customer the partner gave none for: the spec's sample record. */
const SANDBOX_CKYC_ADDRESS = {
  line1: '12, Shriram Chowk',
  line2: 'Farshi',
  locality: 'Shriram Chowk, Farshi',
  landmark: 'Shakuntal Nursing Home',
  city: 'Khamgaon',
  district: 'Buldana',
  state: 'Maharashtra',
  pincode: '444303',
  country: 'INDIA',
} as const;

/**
 * The CKYC registry's record for the customer, in the sandbox: what the partner told us. The
 * address is the customer's current address; what the details have no field for is derived
 * (district: the city, locality: the second line, a landmark near the city's post office), and
 * a field the partner left out is the sample record's.
 */
function sandboxCkycRecord(b: Borrower): Omit<AadhaarKyc, 'signed'> {
  const p = ['basicDetails', 'personalDetails'];
  const a = [...p, 'currentAddress'];
  const given = (field: string) => detail(b, ...a, field).trim();
  const city = given('currentAddressCity');
  const line2 = given('currentAddressLine2');
  const sample = SANDBOX_CKYC_ADDRESS;
  return {
    name: detail(b, ...p, 'name') || b.name,
    dob: detail(b, ...p, 'dob'),
    gender: (detail(b, ...p, 'gender') || 'OTHER') as AadhaarKyc['gender'],
    address: {
      line1: given('currentAddressLine1') || sample.line1,
      line2: line2 || sample.line2,
      locality: line2 || sample.locality,
      landmark: city ? `Near ${city} Head Post Office` : sample.landmark,
      city: city || sample.city,
      district: city || sample.district,
      state: given('currentAddressState') || sample.state,
      pincode: given('pincode') || sample.pincode,
      country: 'INDIA',
    },
  };
}

/** Whether the PAN has an Udyam (MSME) registration: Y in the sandbox, as the spec's sample, N for magic 8006. */
const sandboxUdyamStatus = (b: Borrower): 'Y' | 'N' => (magic(b, '8006') ? 'N' : 'Y');

type Outcome = Pick<
  KycRun,
  'status' | 'action' | 'message' | 'personalKYC' | 'results' | 'manualReviewRequired' | 'udyamStatus'
>;

/** Name, date of birth, face and liveness checks on an identity record. */
async function verify(
  b: Borrower,
  record: Omit<AadhaarKyc, 'signed'>,
  type: 'CKYC' | 'OKYC_DIGILOCKER',
): Promise<Outcome> {
  const results = {
    nameMatch: namesMatch(record.name, detail(b, 'basicDetails', 'personalDetails', 'name') || b.name),
    dobMatch: record.dob === detail(b, 'basicDetails', 'personalDetails', 'dob'),
    faceMatch: !magic(b, '8004'),
    faceLiveliness: !magic(b, '8005'),
  };
  const base = {
    action: '',
    personalKYC: [{ ...record, type }],
    results,
    manualReviewRequired: false,
    udyamStatus: sandboxUdyamStatus(b),
  };
  if (magic(b, '8003'))
    return {
      ...base,
      status: 'PROCESSING',
      action: 'WAIT',
      message: 'MANUAL_REVIEW_REQUIRED',
      manualReviewRequired: true,
    };
  if (!results.nameMatch) return { ...base, status: 'REJECTED', message: 'NAME_MISMATCH' };
  if (!results.dobMatch) return { ...base, status: 'REJECTED', message: 'PAN_DATA_MISMATCH' };
  if (!results.faceMatch) return { ...base, status: 'REJECTED', message: 'FACE_MISMATCH' };
  if (!results.faceLiveliness) return { ...base, status: 'REJECTED', message: 'LIVENESS_REJECT' };
  return { ...base, status: 'APPROVED', message: '' };
}

/** An outcome with no identity record yet (an OTP to ask for, a failure before any record). */
const none = { action: '', personalKYC: null, results: null, manualReviewRequired: false } as const;

/** The first verdict of a KYC run: OKYC when an Aadhaar XML was uploaded, CKYC otherwise. */
export async function evaluateKyc(tenant: Tenant, b: Borrower): Promise<Outcome> {
  const aadhaar = (await listDocuments(tenant, b.borrowerId)).filter((d) => d.documentType === 'AADHAAR_XML').at(-1);
  if (aadhaar) {
    const parsed = parseAadhaarXml(Buffer.from(await readObject(aadhaar.objectKey)).toString('utf8'));
    if (!parsed) return { ...none, status: 'FAILED', message: 'OKYC_FAILED' };
    if (!parsed.signed) return { ...none, status: 'REJECTED', message: 'DIGITAL_SIGNATURE_REJECTED' };
    const { signed: _s, ...record } = parsed;
    return verify(b, record, 'OKYC_DIGILOCKER');
  }
  if (magic(b, '8001')) return { ...none, status: 'ACTION_PENDING', action: 'SUBMIT_CKYC_OTP', message: '' };
  if (magic(b, '8002')) return { ...none, status: 'FAILED', message: 'CKYC_FAILED' };
  return verify(b, sandboxCkycRecord(b), 'CKYC');
}

/** After the OTP: the CKYC record is released and verified. */
export const verifyCkyc = (b: Borrower) => verify(b, sandboxCkycRecord(b), 'CKYC');

/** Saves the run and, when it is final, the borrower's KYC result with its user_verify event. */
export async function recordKyc(tenant: Tenant, b: Borrower, run: KycRun): Promise<void> {
  await saveKycRun(tenant, run);
  if (run.status !== 'APPROVED' && run.status !== 'REJECTED') return;
  const checks: KycCheck[] = run.results
    ? [
        { name: 'ocr', passed: run.results.nameMatch && run.results.dobMatch },
        { name: 'liveness', passed: run.results.faceLiveliness },
        { name: 'face_match', passed: run.results.faceMatch },
      ]
    : [];
  const to = run.status === 'APPROVED' ? 'APPROVED' : 'REJECTED';
  try {
    await transitionBorrower(tenant, b.borrowerId, {
      from: ['PENDING', 'REJECTED'],
      to,
      kyc: {
        kycId: run.referenceId,
        status: to,
        provider: run.personalKYC?.[0]?.type ?? 'CKYC',
        startedAt: run.createdAt,
        completedAt: run.updatedAt,
        checks,
        ...(run.message ? { reason: run.message } : {}),
      },
      event: newEvent(tenant, 'user_verify', to, {
        userId: b.borrowerId,
        customerID: run.customerId,
        referenceID: run.referenceId,
        ...(run.message ? { reason: run.message } : {}),
      }),
    });
  } catch (error) {
    // Already approved by an earlier run: the new run's record stands on its own.
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** What the ASL's KYC Choice reads. */
export interface KycState {
  referenceId: string;
  status: KycRun['status'];
  action: string;
  manualReviewRequired: boolean;
}

export const kycState = (run: KycRun): KycState => ({
  referenceId: run.referenceId,
  status: run.status,
  action: run.action,
  manualReviewRequired: run.manualReviewRequired,
});

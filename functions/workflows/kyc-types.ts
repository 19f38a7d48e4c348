import type { KycCheck } from '#core/borrowers';
import type { Mode } from '#core/tenant';

/** The KYC workflow's input (statemachines/kyc.asl.json); each check adds its result under `checks`. */
export interface KycWorkflowInput {
  partnerId: string;
  mode: Mode;
  borrowerId: string;
  kycId: string;
  provider: string;
  startedAt: string;
  /** The NIK on the identity card being verified (the director's for a business). */
  subjectNik: string;
  subjectName: string;
  /** Object keys of the uploaded documents, by type. */
  documents: Record<string, string>;
  checks?: Partial<Record<KycCheck['name'], KycCheck>>;
  error?: { Error: string; Cause: string };
}

/**
 * The KYC workflow's provider checks, one Lambda each (statemachines/kyc.asl.json). Each
 * returns its check; provider errors are thrown so the ASL's Retry/Catch handle them.
 */
import type { KycCheck } from '#core/borrowers';
import { kycProvider } from '#providers/kyc';
import { readObject } from '#store/documents-bucket';
import type { KycWorkflowInput } from './kyc-types.ts';

const subject = (input: KycWorkflowInput) => ({ nik: input.subjectNik, name: input.subjectName });
const cardKey = (input: KycWorkflowInput) => input.documents.KTP ?? input.documents.DIRECTOR_KTP ?? '';

export const ocr = async (input: KycWorkflowInput): Promise<KycCheck> =>
  kycProvider(input.mode, input.provider).ocr(subject(input), await readObject(cardKey(input)));

export const liveness = async (input: KycWorkflowInput): Promise<KycCheck> =>
  kycProvider(input.mode, input.provider).liveness(subject(input), await readObject(input.documents.SELFIE ?? ''));

export const faceMatch = async (input: KycWorkflowInput): Promise<KycCheck> => {
  const [card, selfie] = await Promise.all([readObject(cardKey(input)), readObject(input.documents.SELFIE ?? '')]);
  return kycProvider(input.mode, input.provider).faceMatch(subject(input), card, selfie);
};

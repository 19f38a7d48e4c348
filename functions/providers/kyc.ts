/**
 * The KYC provider port and its sandbox simulator. Live mode uses a real adapter per
 * data-source; none is configured in this release, so live KYC refuses clearly rather than
 * simulate.
 */
import type { KycCheck } from '#core/borrowers';
import { NotConfiguredError, ProviderError } from '#core/errors';
import type { Mode } from '#core/tenant';

export interface KycSubject {
  nik: string;
  name: string;
}

export interface KycProvider {
  /** Reads the identity card image and compares what it says with the subject. */
  ocr(subject: KycSubject, cardImage: Uint8Array): Promise<KycCheck>;
  /** Whether the selfie is of a live person. */
  liveness(subject: KycSubject, selfie: Uint8Array): Promise<KycCheck>;
  /** Whether the selfie matches the photo on the card. */
  faceMatch(subject: KycSubject, cardImage: Uint8Array, selfie: Uint8Array): Promise<KycCheck>;
}

/**
 * Sandbox magic values: the last four digits of the NIK being verified choose the outcome,
 * like test card numbers. Listed in the README and in the startKyc operation's description.
 */
export const SANDBOX_KYC_MAGIC = {
  '9001': 'OCR cannot read the KTP',
  '9002': 'liveness check fails',
  '9003': 'selfie does not match the KTP photo',
  '9004': 'provider outage: every call fails, the workflow retries and records FAILED',
} as const;

const magic = (subject: KycSubject) => subject.nik.slice(-4);

function outage(subject: KycSubject, source: string) {
  if (magic(subject) === '9004') throw new ProviderError(source, 'sandbox provider outage (magic NIK 9004)');
}

export function sandboxKycProvider(source: string): KycProvider {
  return {
    async ocr(subject, cardImage) {
      outage(subject, source);
      if (cardImage.length === 0) return { name: 'ocr', passed: false, reason: 'The KTP image is empty' };
      if (magic(subject) === '9001')
        return { name: 'ocr', passed: false, score: 0.12, reason: 'The KTP image cannot be read' };
      return { name: 'ocr', passed: true, score: 0.98 };
    },
    async liveness(subject, selfie) {
      outage(subject, source);
      if (selfie.length === 0) return { name: 'liveness', passed: false, reason: 'The selfie is empty' };
      if (magic(subject) === '9002')
        return { name: 'liveness', passed: false, score: 0.21, reason: 'Liveness check failed' };
      return { name: 'liveness', passed: true, score: 0.97 };
    },
    async faceMatch(subject) {
      outage(subject, source);
      if (magic(subject) === '9003') {
        return { name: 'face_match', passed: false, score: 0.34, reason: 'The selfie does not match the KTP photo' };
      }
      return { name: 'face_match', passed: true, score: 0.95 };
    },
  };
}

/** The provider for a mode and data-source. */
export function kycProvider(mode: Mode, source: string): KycProvider {
  if (mode === 'sandbox') return sandboxKycProvider(source);
  throw new NotConfiguredError(`KYC provider ${source}`);
}

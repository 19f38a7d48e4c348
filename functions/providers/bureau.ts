/**
 * Credit bureau port and its sandbox simulator. Sandbox magic values on the PAN's four digits
 * (AAAAA9999A): 9001 score 550 (lender reject), 9002 bureau outage (FAILED after retries),
 * 9003 no bureau history (thin file), 9004 active delinquency, 9005 a slow bureau (scores 760
 * after 5 s); anything else scores 760.
 */
import { NotConfiguredError, ProviderError } from '#core/errors';
import type { Mode } from '#core/tenant';

export interface BureauReport {
  /** null: no history at the bureau. */
  score: number | null;
  delinquent: boolean;
  bureau: string;
}

export const SANDBOX_BUREAU_MAGIC = {
  '9001': 'bureau score 550: LENDER_BRE_REJECT',
  '9002': 'bureau outage: the BRE retries, then FAILED',
  '9003': 'no bureau history: thin-file offer',
  '9004': 'active delinquency: LENDER_BRE_REJECT',
  '9005': 'slow bureau: answers after 5 seconds (the run stays PROCESSING meanwhile), then scores 760',
} as const;

const SLOW_BUREAU_MS = 5000;

/** The magic digits are the PAN's four (journey API) or, for an Indonesian applicant (the app), the NIK's last four. */
export async function pullBureauReport(
  mode: Mode,
  subject: { pan?: string; nik?: string; mobile: string },
): Promise<BureauReport> {
  if (mode !== 'sandbox') throw new NotConfiguredError('Credit bureau');
  const digits = subject.pan?.slice(5, 9) ?? subject.nik?.slice(-4) ?? '';
  if (digits === '9002') throw new ProviderError('sandbox bureau', 'outage (magic PAN 9002)');
  if (digits === '9001') return { score: 550, delinquent: false, bureau: 'sandbox' };
  if (digits === '9003') return { score: null, delinquent: false, bureau: 'sandbox' };
  if (digits === '9004') return { score: 720, delinquent: true, bureau: 'sandbox' };
  if (digits === '9005') await new Promise((r) => setTimeout(r, SLOW_BUREAU_MS));
  return { score: 760, delinquent: false, bureau: 'sandbox' };
}

/**
 * The credit bureaus of the partner API's credit score, behind one port: AFPI's fintech data
 * centre (Pusdafil/SILARAS: what P2P lenders report) and CLIK (a credit bureau in Pefindo's
 * style: banks, multifinance and fintech). Sandbox: a simulator driven by magic values. Live:
 * no adapter is configured in this release, so a live pull refuses (NotConfiguredError) and
 * the run records that source FAILED; it never simulates.
 */
import type { BureauSummary, CreditSource } from '#core/credit/score';
import { NotConfiguredError, ProviderError } from '#core/errors';
import type { Mode } from '#core/tenant';

export const CREDIT_SOURCE_NAMES: Record<CreditSource, string> = {
  afpi: "AFPI's fintech data centre (Pusdafil/SILARAS)",
  clik: 'CLIK credit bureau',
};

export interface CreditBureau {
  /** What the bureau knows of the person with this NIK. */
  report(subject: { nik: string }): Promise<BureauSummary>;
}

/** A sandbox bureau's answer: a summary, or an outage (every call fails). */
type SandboxAnswer = Omit<BureauSummary, 'currency'> | 'outage';

const known = (activeLoans: number, outstanding: number, worstDaysPastDue: number, historyMonths: number) => ({
  hit: true,
  activeLoans,
  outstanding,
  worstDaysPastDue,
  historyMonths,
});
const NO_RECORD = { hit: false, activeLoans: 0, outstanding: 0, worstDaysPastDue: 0, historyMonths: 0 };
/** What both sandbox bureaus answer for any NIK that is not magic: a good borrower (grade A, score 808). */
const GOOD = { afpi: known(1, 1_500_000, 0, 24), clik: known(2, 8_000_000, 0, 36) } as const;

/**
 * Sandbox magic values (like test card numbers): the last four digits of the NIK (the
 * director's NIK for a BUSINESS borrower) choose what each bureau answers. Distinct from the
 * KYC magic digits (9001-9004), so a borrower passes KYC and then reaches any credit outcome.
 * The README and /docs list this table (a unit test checks both).
 */
export const SANDBOX_CREDIT_MAGIC: Record<string, { outcome: string; afpi: SandboxAnswer; clik: SandboxAnswer }> = {
  '7001': {
    outcome: 'thin file: neither bureau knows the borrower (no score, no grade)',
    afpi: NO_RECORD,
    clik: NO_RECORD,
  },
  '7002': {
    outcome: 'delinquent: a loan over 90 days past due (score 360, grade E)',
    afpi: known(2, 3_000_000, 120, 14),
    clik: known(1, 5_000_000, 95, 20),
  },
  '7003': {
    outcome: 'a short clean history (score 736, grade B)',
    afpi: known(1, 2_000_000, 0, 12),
    clik: known(1, 4_000_000, 0, 10),
  },
  '7004': {
    outcome: 'late payments up to 30 days (score 636, grade C)',
    afpi: known(1, 2_500_000, 15, 12),
    clik: known(1, 6_000_000, 0, 8),
  },
  '7005': {
    outcome: 'a loan 61-90 days past due (score 472, grade D)',
    afpi: known(2, 4_000_000, 75, 24),
    clik: known(1, 3_000_000, 30, 18),
  },
  '7006': {
    outcome: 'AFPI is down: afpi FAILED after the retries, CLIK answers (score 808, grade A from CLIK alone)',
    afpi: 'outage',
    clik: GOOD.clik,
  },
  '7007': {
    outcome: 'CLIK is down: clik FAILED after the retries, AFPI answers (score 772, grade A from AFPI alone)',
    afpi: GOOD.afpi,
    clik: 'outage',
  },
  '7008': { outcome: 'both bureaus are down: the run is FAILED (retry later)', afpi: 'outage', clik: 'outage' },
};

/** What an NIK that is not magic gets. */
export const SANDBOX_CREDIT_DEFAULT = 'a good borrower at both bureaus (score 808, grade A)';

export function sandboxCreditBureau(source: CreditSource): CreditBureau {
  return {
    async report({ nik }) {
      const answer = SANDBOX_CREDIT_MAGIC[nik.slice(-4)]?.[source] ?? GOOD[source];
      if (answer === 'outage') {
        throw new ProviderError(CREDIT_SOURCE_NAMES[source], `sandbox outage (magic NIK ${nik.slice(-4)})`);
      }
      return { ...answer, currency: 'IDR' };
    },
  };
}

/** The bureau for a mode and source; live mode has no adapter configured in this release. */
export function creditBureau(mode: Mode, source: CreditSource): CreditBureau {
  if (mode === 'sandbox') return sandboxCreditBureau(source);
  throw new NotConfiguredError(`Credit bureau ${source} (${CREDIT_SOURCE_NAMES[source]})`);
}

/**
 * The partner API's credit score: the reports of the bureaus a partner asked for (AFPI's
 * fintech data centre, CLIK) combined into one score and grade. Pure: no I/O.
 *
 * The scorecard, documented in the API description and README so a partner can predict it:
 * - 600 points to start with;
 * - + 3 per month of credit history, the longest any bureau knows, up to 36 months (+108);
 * - the worst days past due at any bureau: 0 days +100; 1-30 +0; 31-60 -100; 61-90 -200;
 *   over 90 -300;
 * - more than 3 active loans in all: -25 for each one above 3, at most -100;
 * - clamped to 250..900 (the range of Indonesian bureau scores, as Pefindo's).
 * Grades: A 750-900, B 650-749, C 550-649, D 450-549, E 250-449. No bureau knowing the
 * borrower is a thin file: no score and no grade, which is a result, not a failure.
 */

export const CREDIT_SOURCES = ['afpi', 'clik'] as const;
export type CreditSource = (typeof CREDIT_SOURCES)[number];

export type CreditGrade = 'A' | 'B' | 'C' | 'D' | 'E';

/** What one bureau knows of a borrower. Amounts in IDR (precision 0: rupiah are the minor unit). */
export interface BureauSummary {
  /** Whether the bureau has any record of the borrower (false: a thin file there). */
  hit: boolean;
  activeLoans: number;
  /** Outstanding balance over the active loans, integer rupiah. */
  outstanding: number;
  currency: 'IDR';
  /** The worst days past due on any loan in the last 12 months. */
  worstDaysPastDue: number;
  /** Months since the oldest loan the bureau knows was opened. */
  historyMonths: number;
}

/** One source's part of a run: its summary, or why it failed (after the workflow's retries). */
export type SourceReport =
  | { source: CreditSource; status: 'SUCCESS'; summary: BureauSummary }
  | { source: CreditSource; status: 'FAILED'; reason: string };

export type CreditScoreStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** A credit score run, kept on the borrower (the latest one). */
export interface CreditScoreRun {
  referenceId: string;
  status: CreditScoreStatus;
  sources: CreditSource[];
  requestedAt: string;
  completedAt?: string;
  score?: number | null;
  grade?: CreditGrade | null;
  thinFile?: boolean;
  reports?: SourceReport[];
  reason?: string;
}

export const MIN_SCORE = 250;
export const MAX_SCORE = 900;

/** Lower bound of each grade, best first. */
export const GRADE_BANDS: readonly { grade: CreditGrade; min: number }[] = [
  { grade: 'A', min: 750 },
  { grade: 'B', min: 650 },
  { grade: 'C', min: 550 },
  { grade: 'D', min: 450 },
  { grade: 'E', min: MIN_SCORE },
];

/** The grade of a score (scores below the range are E). */
export function gradeOf(score: number): CreditGrade {
  return GRADE_BANDS.find((b) => score >= b.min)?.grade ?? 'E';
}

/** Points for the worst days past due. */
function delinquencyPoints(days: number): number {
  if (days <= 0) return 100;
  if (days <= 30) return 0;
  if (days <= 60) return -100;
  if (days <= 90) return -200;
  return -300;
}

/** The score of the bureaus that know the borrower (at least one); see the scorecard above. */
export function scoreOf(summaries: readonly BureauSummary[]): number {
  const months = Math.min(36, Math.max(0, ...summaries.map((s) => s.historyMonths)));
  const worst = Math.max(0, ...summaries.map((s) => s.worstDaysPastDue));
  const loans = summaries.reduce((n, s) => n + s.activeLoans, 0);
  const raw = 600 + 3 * months + delinquencyPoints(worst) - Math.min(100, 25 * Math.max(0, loans - 3));
  return Math.min(MAX_SCORE, Math.max(MIN_SCORE, raw));
}

/**
 * The outcome of a run from its sources' reports: COMPLETED when at least one source
 * answered (a failed source is reported as such and the score uses the others), FAILED when
 * none did. A thin file (no source knows the borrower) is COMPLETED with no score.
 */
export function decideCreditScore(
  reports: readonly SourceReport[],
): Pick<CreditScoreRun, 'status' | 'score' | 'grade' | 'thinFile' | 'reason'> {
  const answered = reports.flatMap((r) => (r.status === 'SUCCESS' ? [r.summary] : []));
  if (!answered.length) {
    const reasons = reports.map((r) => (r.status === 'FAILED' ? `${r.source}: ${r.reason}` : r.source));
    return { status: 'FAILED', score: null, grade: null, reason: `No bureau answered (${reasons.join('; ')})` };
  }
  const known = answered.filter((s) => s.hit);
  if (!known.length) return { status: 'COMPLETED', score: null, grade: null, thinFile: true };
  const score = scoreOf(known);
  return { status: 'COMPLETED', score, grade: gradeOf(score), thinFile: false };
}

/**
 * How long a run answers for its borrower and sources: an identical request within this many
 * minutes of a run gets that run back rather than a new bureau inquiry (inquiries are billed,
 * and each is recorded at the bureau), and a run still IN_PROGRESS after it was abandoned (the
 * request died before its workflow started; the workflow itself takes seconds).
 */
export const RUN_REUSE_MINUTES = 15;

/**
 * What a request for `sources` does, given the borrower's current run: `reuse` it (the same
 * sources, in progress or completed by every source, within RUN_REUSE_MINUTES), refuse with a
 * `conflict` (a run for other sources is in progress), or `start` a new run (none, an old one,
 * a FAILED one or one a source failed in: those may be retried at once).
 */
export function nextRunAction(
  current: CreditScoreRun | undefined,
  sources: readonly CreditSource[],
  now: Date,
): 'reuse' | 'conflict' | 'start' {
  if (!current || now.getTime() - Date.parse(current.requestedAt) > RUN_REUSE_MINUTES * 60_000) return 'start';
  const same = current.sources.join(',') === sources.join(',');
  if (current.status === 'IN_PROGRESS') return same ? 'reuse' : 'conflict';
  const complete = current.status === 'COMPLETED' && (current.reports ?? []).every((r) => r.status === 'SUCCESS');
  return same && complete ? 'reuse' : 'start';
}

/**
 * Reads the `credit-source` header: `afpi`, `clik` or both comma-separated, in any order and
 * case, without duplicates. Returns the sources in canonical order, or why the value is wrong.
 */
export function parseCreditSources(
  value: string,
): { ok: true; sources: CreditSource[] } | { ok: false; reason: string } {
  const parts = value.split(',').map((p) => p.trim().toLowerCase());
  if (parts.some((p) => !p))
    return { ok: false, reason: `must be ${CREDIT_SOURCES.join(', ')} or both, comma-separated` };
  const unknown = parts.filter((p) => !(CREDIT_SOURCES as readonly string[]).includes(p));
  if (unknown.length) {
    return { ok: false, reason: `names an unknown source (${unknown.join(', ')}): use afpi, clik or afpi,clik` };
  }
  if (new Set(parts).size !== parts.length) return { ok: false, reason: 'names a source twice' };
  return { ok: true, sources: CREDIT_SOURCES.filter((s) => parts.includes(s)) };
}

/** One source's report as partners read it (GET user and the callback): snake_case, amounts in rupiah. */
export function sourceView(r: SourceReport) {
  if (r.status === 'FAILED') return { source: r.source, status: r.status, reason: r.reason };
  const s = r.summary;
  return {
    source: r.source,
    status: r.status,
    hit: s.hit,
    active_loans: s.activeLoans,
    outstanding: s.outstanding,
    currency: s.currency,
    worst_days_past_due: s.worstDaysPastDue,
    history_months: s.historyMonths,
  };
}

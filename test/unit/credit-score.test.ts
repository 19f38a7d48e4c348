import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertCanStartKyc, assertNotBlocked, type BorrowerStatus, loanRefusal } from '#core/borrowers';
import {
  type BureauSummary,
  type CreditScoreRun,
  decideCreditScore,
  gradeOf,
  nextRunAction,
  parseCreditSources,
  type SourceReport,
  scoreOf,
} from '#core/credit/score';
import { BorrowerStatusError, InvalidStateError, NotConfiguredError, ProviderError } from '#core/errors';
import { creditBureau, SANDBOX_CREDIT_MAGIC, sandboxCreditBureau } from '#providers/credit-bureaus';
import { renderDocs } from '../../functions/api/docs-page.ts';
import { routeList } from '../../functions/api/routes.ts';

const summary = (overrides: Partial<BureauSummary> = {}): BureauSummary => ({
  hit: true,
  activeLoans: 1,
  outstanding: 1_000_000,
  currency: 'IDR',
  worstDaysPastDue: 0,
  historyMonths: 24,
  ...overrides,
});
const ok = (source: 'afpi' | 'clik', s: BureauSummary): SourceReport => ({ source, status: 'SUCCESS', summary: s });

describe('the credit scorecard', () => {
  it('adds 3 points a month of history up to 36 months', () => {
    expect(scoreOf([summary({ historyMonths: 0 })])).toBe(700);
    expect(scoreOf([summary({ historyMonths: 10 })])).toBe(730);
    expect(scoreOf([summary({ historyMonths: 36 })])).toBe(808);
    expect(scoreOf([summary({ historyMonths: 120 })])).toBe(808);
  });

  it('scores the worst days past due in bands', () => {
    const at = (days: number) => scoreOf([summary({ historyMonths: 0, worstDaysPastDue: days })]);
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(at)).toEqual([700, 600, 600, 500, 500, 400, 400, 300, 300]);
  });

  it('takes 25 points for each active loan above 3 across bureaus, at most 100', () => {
    const loans = (a: number, b: number) => scoreOf([summary({ activeLoans: a }), summary({ activeLoans: b })]);
    expect(loans(2, 1)).toBe(772);
    expect(loans(2, 2)).toBe(747);
    expect(loans(5, 5)).toBe(672);
  });

  it('uses the longest history and the worst delinquency any bureau knows', () => {
    expect(scoreOf([summary({ historyMonths: 6 }), summary({ historyMonths: 30, worstDaysPastDue: 45 })])).toBe(590);
  });

  it('stays within 250..900', () => {
    expect(scoreOf([summary({ historyMonths: 0, worstDaysPastDue: 200, activeLoans: 20 })])).toBe(250);
  });

  it('grades A 750+, B 650+, C 550+, D 450+, E below', () => {
    expect([900, 750, 749, 650, 649, 550, 549, 450, 449, 250].map(gradeOf)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'E',
      'E',
    ]);
  });
});

describe('decideCreditScore', () => {
  it('is COMPLETED with score and grade when the sources answer', () => {
    expect(decideCreditScore([ok('afpi', summary()), ok('clik', summary({ historyMonths: 36 }))])).toEqual({
      status: 'COMPLETED',
      score: 808,
      grade: 'A',
      thinFile: false,
    });
  });

  it('keeps the answering source when another FAILED', () => {
    const outcome = decideCreditScore([
      { source: 'afpi', status: 'FAILED', reason: 'outage' },
      ok('clik', summary({ historyMonths: 36 })),
    ]);
    expect(outcome).toMatchObject({ status: 'COMPLETED', score: 808, grade: 'A' });
  });

  it('is a thin file (COMPLETED, no score, no grade) when no bureau knows the borrower', () => {
    const none = summary({ hit: false, activeLoans: 0, outstanding: 0, historyMonths: 0 });
    expect(decideCreditScore([ok('afpi', none), ok('clik', none)])).toEqual({
      status: 'COMPLETED',
      score: null,
      grade: null,
      thinFile: true,
    });
  });

  it('is FAILED, naming each reason, when no source answered', () => {
    const outcome = decideCreditScore([
      { source: 'afpi', status: 'FAILED', reason: 'down' },
      { source: 'clik', status: 'FAILED', reason: 'not configured' },
    ]);
    expect(outcome).toMatchObject({ status: 'FAILED', score: null, grade: null });
    expect(outcome.reason).toContain('afpi: down; clik: not configured');
  });
});

describe('nextRunAction (one run per borrower and sources)', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const run = (overrides: Partial<CreditScoreRun> = {}): CreditScoreRun => ({
    referenceId: 'csr_1',
    status: 'IN_PROGRESS',
    sources: ['afpi', 'clik'],
    requestedAt: '2026-12-01T09:59:00Z',
    ...overrides,
  });
  const both = ['afpi', 'clik'] as const;

  it('starts when there is no run, or the run is older than 15 minutes', () => {
    expect(nextRunAction(undefined, both, now)).toBe('start');
    expect(nextRunAction(run({ requestedAt: '2026-12-01T09:44:59Z' }), both, now)).toBe('start');
  });

  it('reuses a recent run for the same sources, in progress or completed by every source', () => {
    expect(nextRunAction(run(), both, now)).toBe('reuse');
    const completed = run({ status: 'COMPLETED', reports: [ok('afpi', summary()), ok('clik', summary())] });
    expect(nextRunAction(completed, both, now)).toBe('reuse');
  });

  it('starts again after a FAILED run or a source that failed', () => {
    expect(nextRunAction(run({ status: 'FAILED' }), both, now)).toBe('start');
    const partial = run({
      status: 'COMPLETED',
      reports: [{ source: 'afpi', status: 'FAILED', reason: 'down' }, ok('clik', summary())],
    });
    expect(nextRunAction(partial, both, now)).toBe('start');
  });

  it('refuses other sources while a run is in progress, and starts them once it has ended', () => {
    expect(nextRunAction(run(), ['afpi'], now)).toBe('conflict');
    expect(nextRunAction(run({ status: 'COMPLETED', reports: [] }), ['afpi'], now)).toBe('start');
  });
});

describe('the credit-source header', () => {
  it('accepts afpi, clik or both in any order and case, canonically ordered', () => {
    expect(parseCreditSources('afpi')).toEqual({ ok: true, sources: ['afpi'] });
    expect(parseCreditSources('CLIK')).toEqual({ ok: true, sources: ['clik'] });
    expect(parseCreditSources('clik, AFPI')).toEqual({ ok: true, sources: ['afpi', 'clik'] });
  });

  it('refuses unknown, empty and duplicated sources', () => {
    expect(parseCreditSources('pefindo')).toMatchObject({ ok: false, reason: expect.stringContaining('pefindo') });
    expect(parseCreditSources('')).toMatchObject({ ok: false });
    expect(parseCreditSources('afpi,')).toMatchObject({ ok: false });
    expect(parseCreditSources('afpi,AFPI')).toMatchObject({ ok: false, reason: 'names a source twice' });
  });
});

describe('the sandbox bureaus', () => {
  const nik = (digits: string) => `317101170845${digits}`;

  it('score every magic value as its table row says', () => {
    const expected: Record<string, RegExp> = {
      '7001': /thin file/,
      '7002': /score 360, grade E/,
      '7003': /score 736, grade B/,
      '7004': /score 636, grade C/,
      '7005': /score 472, grade D/,
      '7006': /score 808, grade A/,
      '7007': /score 772, grade A/,
      '7008': /FAILED/,
    };
    expect(Object.keys(SANDBOX_CREDIT_MAGIC).sort()).toEqual(Object.keys(expected).sort());
    for (const [digits, row] of Object.entries(SANDBOX_CREDIT_MAGIC)) {
      expect(row.outcome).toMatch(expected[digits] as RegExp);
      const reports: SourceReport[] = (['afpi', 'clik'] as const).map((source) => {
        const answer = row[source];
        return answer === 'outage'
          ? { source, status: 'FAILED', reason: 'outage' }
          : ok(source, { ...answer, currency: 'IDR' });
      });
      const outcome = decideCreditScore(reports);
      if (outcome.score !== null && outcome.score !== undefined) {
        expect(row.outcome).toContain(`score ${outcome.score}, grade ${outcome.grade}`);
      }
    }
  });

  it('fail with a ProviderError for an outage and answer a good borrower otherwise', async () => {
    await expect(sandboxCreditBureau('afpi').report({ nik: nik('7006') })).rejects.toBeInstanceOf(ProviderError);
    await expect(sandboxCreditBureau('clik').report({ nik: nik('7006') })).resolves.toMatchObject({ hit: true });
    await expect(sandboxCreditBureau('clik').report({ nik: nik('0001') })).resolves.toMatchObject({
      hit: true,
      worstDaysPastDue: 0,
    });
  });

  it('refuse in live mode instead of simulating', () => {
    expect(() => creditBureau('live', 'afpi')).toThrow(NotConfiguredError);
  });

  it('are all listed on /docs and in the README', () => {
    const html = renderDocs(routeList);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    for (const [digits, row] of Object.entries(SANDBOX_CREDIT_MAGIC)) {
      expect(html).toContain(`<code>…${digits}</code>`);
      expect(html).toContain(row.outcome.split(':')[0]);
      expect(readme).toContain(`\`${digits}\``);
    }
  });
});

describe('borrower status rules', () => {
  const borrower = (status: BorrowerStatus) => ({ borrowerId: 'bor_1', status });

  it('refuses KYC and credit score for a BLOCKED borrower with a 400-type error naming the status', () => {
    expect(() => assertCanStartKyc(borrower('BLOCKED'))).toThrow(BorrowerStatusError);
    expect(() => assertCanStartKyc(borrower('BLOCKED'))).toThrow(/BLOCKED/);
    expect(() => assertNotBlocked(borrower('BLOCKED'), 'a credit score')).toThrow(/credit score.*BLOCKED/);
    expect(() => assertNotBlocked(borrower('APPROVED'), 'a credit score')).not.toThrow();
    expect(() => assertCanStartKyc(borrower('APPROVED'))).toThrow(InvalidStateError);
  });

  it('lets only an APPROVED borrower take a loan, naming the status otherwise', () => {
    expect(loanRefusal(borrower('APPROVED'))).toBeNull();
    for (const status of ['PENDING', 'VERIFIED', 'REJECTED', 'BLOCKED'] as const) {
      expect(loanRefusal(borrower(status))).toContain(`status is ${status}`);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { applicantFacts, dedupeRule, lenderBre, policyFor, preBre } from '#core/credit/policies';
import { holds } from '#core/credit/rules';

describe('rule conditions', () => {
  const facts = { age: 30, pincode: '560095', score: null, tags: undefined };

  it('compares, tests membership and presence, and combines with all/any/not', () => {
    expect(holds({ fact: 'age', op: 'gte', value: 21 }, facts)).toBe(true);
    expect(holds({ fact: 'pincode', op: 'in', value: ['560095', '110001'] }, facts)).toBe(true);
    expect(holds({ fact: 'score', op: 'missing' }, facts)).toBe(true);
    expect(
      holds({ all: [{ fact: 'age', op: 'lt', value: 60 }, { not: { fact: 'score', op: 'exists' } }] }, facts),
    ).toBe(true);
    expect(
      holds(
        {
          any: [
            { fact: 'age', op: 'gt', value: 60 },
            { fact: 'age', op: 'eq', value: 31 },
          ],
        },
        facts,
      ),
    ).toBe(false);
  });

  it('treats a comparison with a missing fact as false, never as a pass', () => {
    expect(holds({ fact: 'score', op: 'lt', value: 600 }, facts)).toBe(false);
    expect(holds({ fact: 'nothing', op: 'gte', value: 0 }, facts)).toBe(false);
  });
});

describe('the personal-loan policy', () => {
  const policy = policyFor('PERSONAL_LOAN', '2026-11-23');
  const details = {
    basicDetails: {
      personalDetails: { dob: '1997-11-18', currentAddress: { pincode: '560095' } },
      employmentDetails: { monthlyIncome: '0-25000' },
    },
  };

  it('is versioned and serves EDI too', () => {
    expect(policy).toMatchObject({ id: 'personal-loan', version: 1 });
    expect(policyFor('EDI', '2026-11-23')?.id).toBe('personal-loan');
    expect(policyFor('PERSONAL_LOAN', '2023-01-01')).toBeNull();
    expect(policyFor('CAR_LOAN', '2026-11-23')).toBeNull();
  });

  it('reads age on the decision date, the income band and the PIN code from the details', () => {
    expect(applicantFacts(details, '2026-11-17')).toMatchObject({
      age: 28,
      monthlyIncomeUpper: 25000,
      pincode: '560095',
      pincodeServiceable: true,
    });
    expect(applicantFacts(details, '2026-11-18').age).toBe(29);
  });

  it('passes the spec sample through pre-BRE and gives the prime band at 760', () => {
    const facts = applicantFacts(details, '2026-11-23');
    expect(preBre(policy!, facts)).toBeNull();
    expect(lenderBre(policy!, { ...facts, bureauScore: 760, bureauDelinquent: false })).toMatchObject({
      outcome: 'OFFER',
      band: 'prime',
    });
  });

  it('names the rule that rejects', () => {
    const facts = applicantFacts(details, '2026-11-23');
    expect(preBre(policy!, { ...facts, monthlyIncomeUpper: 10000 })).toMatchObject({
      outcome: 'PRE_BRE_REJECT',
      rule: 'income-min',
    });
    expect(lenderBre(policy!, { ...facts, bureauScore: 550 })).toMatchObject({
      outcome: 'LENDER_BRE_REJECT',
      rule: 'bureau-score-min',
    });
    expect(lenderBre(policy!, { ...facts, bureauScore: 720, bureauDelinquent: true })).toMatchObject({
      rule: 'bureau-delinquency',
    });
    expect(lenderBre(policy!, { ...facts, bureauScore: null })).toMatchObject({ outcome: 'OFFER', band: 'thin-file' });
  });
});

describe('the dedupe rule of a policy', () => {
  const facts = (matches: number, open: number) => ({ dedupeMatches: matches, dedupeOpenMatches: open });

  it('rejects any match in reject mode', () => {
    const rule = dedupeRule('reject');
    expect(rule && holds(rule.rejectWhen, facts(1, 0))).toBe(true);
    expect(rule && holds(rule.rejectWhen, facts(0, 0))).toBe(false);
  });

  it('rejects only an open match in allow_closed mode (a repeat borrower whose journey ended is welcome)', () => {
    const rule = dedupeRule('allow_closed');
    expect(rule && holds(rule.rejectWhen, facts(2, 1))).toBe(true);
    expect(rule && holds(rule.rejectWhen, facts(2, 0))).toBe(false);
  });

  it('never rejects in refer mode', () => {
    expect(dedupeRule('refer')).toBeNull();
  });

  it('is the first pre-BRE rule of the sandbox personal-loan policy', () => {
    const policy = policyFor('PERSONAL_LOAN', '2026-11-23');
    expect(policy?.dedupe).toBe('allow_closed');
    const decision =
      policy &&
      preBre(policy, {
        ...facts(1, 1),
        age: 30,
        monthlyIncomeUpper: 50000,
        pincode: '560095',
        pincodeServiceable: true,
      });
    expect(decision).toMatchObject({ outcome: 'PRE_BRE_REJECT', rule: 'dedupe' });
  });

  it('gives BUSINESS_LOAN no policy in the sandbox (GNO-E-002)', () => {
    expect(policyFor('BUSINESS_LOAN', '2026-11-23')).toBeNull();
    expect(policyFor('EDI', '2026-11-23')?.id).toBe('personal-loan');
  });
});

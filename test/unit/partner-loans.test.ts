import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDocs } from '#api/docs-page';
import { routeList } from '#api/routes';
import { defaultDayCount, isIndonesianBankCode, loanEventType, partnerLoanStatus } from '#core/partner-loans';
import { PARTNER_LOAN_MAGIC } from '#providers/sandbox-journey';
import { type PartnerLoan, partnerLoanChange } from '#store/loan-events';

describe('partnerLoanStatus (the guide status of a loan application)', () => {
  it.each([
    [{ status: 'OFFER_ACCEPTED' as const }, 'PENDING'],
    [{ status: 'OFFER_ACCEPTED' as const, agreement: { status: 'PROCESSING' } }, 'SIGNING'],
    [{ status: 'SIGNED' as const, agreement: { status: 'SUCCESS' } }, 'ACTIVE'],
    [{ status: 'DISBURSAL_PROCESSING' as const }, 'ACTIVE'],
    [{ status: 'DISBURSAL_FAILED' as const }, 'ACTIVE'],
    [{ status: 'DISBURSED' as const }, 'DISBURSED'],
    [{ status: 'REJECTED' as const, agreement: { status: 'REJECTED' } }, 'REJECTED'],
    [{ status: 'EXPIRED' as const }, 'REJECTED'],
  ])('maps %o to %s', (app, status) => {
    expect(partnerLoanStatus(app)).toBe(status);
  });
});

describe('loanEventType', () => {
  it('is bnpl for installment loans and loan for single payments', () => {
    expect(loanEventType('BNPL')).toBe('bnpl');
    expect(loanEventType('SINGLE_PAYMENT')).toBe('loan');
  });
});

describe('defaultDayCount', () => {
  it('applies a daily rate per actual day', () => {
    expect(defaultDayCount('SINGLE_PAYMENT', 'day')).toBe('actual/365');
    expect(defaultDayCount('BNPL', 'day', 'weekly')).toBe('actual/365');
  });
  it('makes a monthly rate exact per month on monthly installments and per 7/364 year on weekly ones', () => {
    expect(defaultDayCount('BNPL', 'month', 'monthly')).toBe('30/360');
    expect(defaultDayCount('BNPL', 'month', 'weekly')).toBe('364');
    expect(defaultDayCount('BNPL', 'month', 'biweekly')).toBe('364');
  });
  it('accrues a single payment with a monthly rate per calendar day', () => {
    expect(defaultDayCount('SINGLE_PAYMENT', 'month')).toBe('actual/365');
  });
});

describe('isIndonesianBankCode', () => {
  it('knows the short codes and nothing else', () => {
    expect(isIndonesianBankCode('BCA')).toBe(true);
    expect(isIndonesianBankCode('MANDIRI')).toBe(true);
    expect(isIndonesianBankCode('bca')).toBe(false);
    expect(isIndonesianBankCode('toString')).toBe(false);
  });
});

describe('the sandbox magic reference_id endings of partner loans', () => {
  it('are all listed on /docs and in the README', () => {
    const html = renderDocs(routeList);
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    for (const [ending, outcome] of Object.entries(PARTNER_LOAN_MAGIC)) {
      expect(html).toContain(`<code>…${ending}</code>`);
      expect(html).toContain(outcome.split(':')[0]);
      expect(readme).toContain(`| \`${ending}\` |`);
    }
  });
});

describe('partnerLoanChange (the callback and history entry of a status change)', () => {
  const loan = {
    applicationId: 'loan_01',
    borrowerId: 'bor_01',
    origin: 'partner',
    partner: { type: 'BNPL', referenceId: 'order-2' },
    statusHistory: [{ status: 'PENDING', at: '2026-01-01T00:00:00.000Z' }],
  } as unknown as PartnerLoan;
  const tenant = { partnerId: 'ptn_01', mode: 'sandbox' } as const;

  it('is a bnpl event with the guide status, the ids a partner matches on, and its place in the history', () => {
    const { event, history } = partnerLoanChange(tenant, loan, 'SIGNING');
    expect(event).toMatchObject({
      type: 'bnpl',
      status: 'SIGNING',
      data: { loanUniqueId: 'loan_01', userId: 'bor_01', type: 'BNPL', reference_id: 'order-2', sequence: 2 },
    });
    expect(history).toEqual({ status: 'SIGNING', at: event.createdAt });
  });

  it('carries the reason in both when there is one', () => {
    const { event, history } = partnerLoanChange(tenant, loan, 'REJECTED', { reason: 'order cancelled' });
    expect(event.data.reason).toBe('order cancelled');
    expect(history.reason).toBe('order cancelled');
  });
});

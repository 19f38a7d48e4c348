/**
 * A disbursed loan written straight to the table, as the disbursal writes one (the loan
 * record, its ledger and its index items in one transaction), for integration tests that
 * start from a serviced loan rather than walk a journey to it.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '#core/ids';
import { PRODUCTS } from '#core/loans/caps';
import type { IsoDate } from '#core/loans/dates';
import { annualRate, generateSchedule } from '#core/loans/schedule';
import { openLedger } from '#core/repayment/ledger';
import type { Tenant } from '#core/tenant';
import { ddb } from '#store/client';
import { newLoanRecord, openLoanItems } from '#store/loans';

/** A 4-installment weekly BNPL loan of 1,000,000 IDR at 2 % a month flat, disbursed on `disbursementDate`. */
export async function seedServicedLoan(tenant: Tenant, disbursementDate: IsoDate) {
  const loanId = newId('loan');
  const terms = {
    currency: 'IDR' as const,
    principal: 1_000_000n,
    method: 'flat' as const,
    annualRate: annualRate({ num: 2n, den: 1n }, 'month', '30/360'),
    term: { count: 4, frequency: 'weekly' as const },
    dayCount: '30/360' as const,
    disbursementDate,
  };
  const ledger = openLedger({
    loanId,
    schedule: generateSchedule(terms),
    terms: { annualRate: terms.annualRate, dayCount: terms.dayCount, method: terms.method },
    disbursementDate,
    product: PRODUCTS['id-p2p-consumptive'],
  });
  const record = newLoanRecord({
    loanId,
    borrowerId: newId('bor'),
    origin: 'partner',
    kind: 'BNPL',
    product: 'id-p2p-consumptive',
    disbursedAt: `${disbursementDate}T03:00:00.000Z`,
    ledger,
  });
  await ddb.send(new TransactWriteCommand({ TransactItems: openLoanItems(tenant, record) }));
  return record;
}

/**
 * The borrower app's bills (spec items 15 and 18): every installment of a serviced loan that
 * is not fully paid, as the app shows it. A bill's id names its loan and installment
 * (`<loanId>.<installment>`), so generate payment can find the ledger without another index.
 * Pure: the handlers read the loans.
 */
import { type Ledger, remainingOf } from '../repayment/ledger.ts';

export interface AppBill {
  billId: string;
  loanId: string;
  installmentNo: number;
  dueDate: string;
  /** Principal, interest and fees still owed (minor units). */
  amount: bigint;
  /** Late fees still owed: the spec's `pinalty_amount`. */
  penalty: bigint;
  total: bigint;
  status: 'UNPAID' | 'PARTIALLY_PAID' | 'OVERDUE';
}

export const billId = (loanId: string, installmentNo: number) => `${loanId}.${installmentNo}`;

/** The bill id's loan and installment, or null when it is not one. */
export function parseBillId(id: string): { loanId: string; installmentNo: number } | null {
  const match = /^([A-Za-z0-9_-]{1,100})\.([1-9][0-9]{0,3})$/.exec(id);
  if (!match?.[1] || !match[2]) return null;
  return { loanId: match[1], installmentNo: Number(match[2]) };
}

/** The ledger's unpaid installments as bills (a REPAID ledger has none). */
export function billsOf(ledger: Ledger): AppBill[] {
  if (ledger.status === 'REPAID') return [];
  return ledger.installments
    .filter((i) => i.status !== 'PAID')
    .map((i): AppBill => {
      const left = remainingOf(i);
      const amount = left.principal + left.interest + left.fee;
      return {
        billId: billId(ledger.loanId, i.number),
        loanId: ledger.loanId,
        installmentNo: i.number,
        dueDate: i.dueDate,
        amount,
        penalty: left.penalty,
        total: amount + left.penalty,
        status: i.status === 'DUE' ? 'UNPAID' : i.status === 'PARTIALLY_PAID' ? 'PARTIALLY_PAID' : 'OVERDUE',
      };
    })
    .filter((b) => b.total > 0n);
}

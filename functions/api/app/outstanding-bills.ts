import middy from '@middy/core';
import { type AppBill, billsOf } from '#core/app/bills';
import { OK } from '#core/app/text';
import type { Tenant } from '#core/tenant';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listLoanRecords } from '#store/loans';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appOutstandingBills;

/** The user's bills: an app user is its tenant's borrower under the same id (round 1's verify-otp). */
export async function userBills(tenant: Tenant, userId: string): Promise<AppBill[]> {
  const { items } = await listLoanRecords(tenant, { borrowerId: userId, status: 'DISBURSED', limit: 100, offset: 0 });
  return items.flatMap((record) => billsOf(record.ledger));
}

export const billView = (b: AppBill) => ({
  bill_id: b.billId,
  loan_id: b.loanId,
  amount: Number(b.amount),
  pinalty_amount: Number(b.penalty),
  total_amount: Number(b.total),
  installment_no: b.installmentNo,
  due_date: b.dueDate,
  status: b.status,
});

/** GET /api/v1/loan/bills/outstanding (item 15). */
const outstandingBills = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const bills = await userBills(tenant, user.userId);
  const total = bills.reduce((sum, b) => sum + b.total, 0n);
  return ok(input.headers, OK.bills, { total_outstanding: Number(total), bills: bills.map(billView) });
};

export const handler = middy(outstandingBills).use(http(routes.appOutstandingBills));

import middy from '@middy/core';
import { parseBillId } from '#core/app/bills';
import { appProducts } from '#core/app/products';
import { appErrors, appValidation, fieldMessage as m, OK } from '#core/app/text';
import type { BankCode } from '#core/repayment/virtual-accounts';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { generateInstruction } from '#workflows/app-instructions';
import { caller, ok } from './common.ts';
import { userBills } from './outstanding-bills.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appGeneratePayment;

/** The VA method codes the sandbox can issue: `<BANK>_VA`. */
const vaBank = (code: string): BankCode | null => {
  const bank = code.replace(/_VA$/, '');
  return (['BCA', 'BNI', 'BRI', 'MANDIRI', 'PERMATA', 'CIMB'] as const).find((b) => b === bank) ?? null;
};

/**
 * POST /api/v1/payments/generate (item 18): one VA or QRIS for the chosen bills, all of one
 * loan (a channel collects for one ledger). It asks for the bills' total as they stand now;
 * `amount` must equal it (a stale screen is refused, not silently re-priced). The method's fee
 * is the lender's cost at the gateway, shown in `fee`, not added to what the borrower pays
 * (the spec's sample: MANDIRI_VA with fee 2,500, paid_amount = amount). Asking again for the
 * same bills while the instruction is live and unpaid answers the same payment_id
 * (#workflows/app-instructions).
 */
const generatePayment = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const { payment_channel_id: methodId, amount, loan_repayment_schedules: chosen } = input.body;
  const method = appProducts(tenant.mode)
    .flatMap((p) => p.paymentMethods)
    .find((m) => m.id === methodId);
  const bank = method?.category === 'VIRTUAL_ACCOUNT' ? vaBank(method.code) : null;
  if (!method || (method.category === 'VIRTUAL_ACCOUNT' && !bank)) throw appErrors.paymentMethodUnavailable();

  const bills = await userBills(tenant, user.userId);
  const ids = new Set<string>();
  let total = 0n;
  let loanId: string | undefined;
  for (const [index, schedule] of chosen.entries()) {
    const field = `loan_repayment_schedules[${index}].schedule_id`;
    const bill = bills.find((b) => b.billId === schedule.schedule_id);
    if (!parseBillId(schedule.schedule_id) || !bill) {
      throw appValidation([
        { field, value: schedule.schedule_id, message: m('Tagihan tidak ditemukan.', 'Bill not found.') },
      ]);
    }
    if (ids.has(bill.billId))
      throw appValidation([
        { field, value: bill.billId, message: m('Tagihan dipilih dua kali.', 'Bill chosen twice.') },
      ]);
    if (loanId && bill.loanId !== loanId) {
      throw appValidation([
        {
          field,
          value: bill.billId,
          message: m('Semua tagihan harus dari pinjaman yang sama.', 'All bills must be of the same loan.'),
        },
      ]);
    }
    ids.add(bill.billId);
    loanId = bill.loanId;
    total += bill.total;
  }
  if (!loanId)
    throw appValidation([
      { field: 'loan_repayment_schedules', value: [], message: m('Pilih tagihan.', 'Choose a bill.') },
    ]);
  if (BigInt(amount) !== total) {
    throw appValidation([
      { field: 'amount', value: amount, message: m(`Jumlah harus ${total}.`, `The amount must be ${total}.`) },
    ]);
  }

  const { instruction, channel, imageUrl } = await generateInstruction(tenant, {
    userId: user.userId,
    loanId,
    methodId,
    bank,
    billIds: [...ids],
    amount: total,
  });
  return ok(
    input.headers,
    OK.paymentCreated,
    {
      payment_id: instruction.paymentId,
      payment_method: method.code,
      payment_code: bank ? channel.key : null,
      qr_url: imageUrl,
      paid_amount: Number(total),
      fee: Number(method.fee),
      expiry_time: instruction.expiryTime,
    },
    201,
  );
};

export const handler = middy(generatePayment).use(http(routes.appGeneratePayment));

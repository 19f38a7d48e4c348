import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { formatMajor } from '#core/loans/money';
import { settlementQuote } from '#core/repayment/ledger';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getLoanRecord, loanToday } from '#store/loans';
import { routes } from './routes.ts';

type Route = typeof routes.createSettlementQuote;

/**
 * POST /v1/loans/{id}/settlement-quote: what settles the loan on a date (its today by
 * default): everything due by then, the principal not yet due, and interest to the date only;
 * future interest and fees are waived. Paying it (any channel) settles the loan.
 */
const quote = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const record = await getLoanRecord(input.principal, input.params.id);
  const date = input.body.date ?? loanToday(record);
  if (date < record.ledger.servicedThrough) {
    throw new ValidationError([
      {
        field: 'date',
        message: `must not be before ${record.ledger.servicedThrough}, the day the loan is serviced through`,
      },
    ]);
  }
  const q = settlementQuote(record.ledger, date);
  const m = (minor: bigint) => Number(formatMajor(minor, record.ledger.currency));
  return {
    statusCode: 200,
    body: {
      data: {
        loan_id: record.loanId,
        date,
        amount: m(q.amount),
        principal: m(q.principal),
        accrued_interest: m(q.accruedInterest),
        fees: m(q.fees),
        penalties: m(q.penalties),
        waived_interest: m(q.waivedInterest),
        waived_fees: m(q.waivedFees),
        credit: m(q.credit),
      },
    },
  };
};

export const handler = middy(quote).use(http(routes.createSettlementQuote));

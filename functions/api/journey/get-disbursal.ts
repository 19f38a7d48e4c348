import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findApplicationByReference } from '#store/applications';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyGetDisbursal;

/**
 * GET /v2/loan/disburse?referenceID=…: PROCESSING, SUCCESS with UTR and loan account, or FAILED
 * (an earlier attempt, superseded by a trigger after it failed, stays FAILED).
 */
const getDisbursal = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const app = await findApplicationByReference(input.principal, input.query.referenceID, 'disbursal');
  const d = app.disbursal;
  if (d && d.referenceId !== input.query.referenceID) {
    // An earlier attempt: it failed, and a later trigger is the one that counts.
    return journeyOk(
      {
        customerID: app.customerId,
        message: `This disbursal attempt failed; the latest attempt is ${d.referenceId}`,
        referenceID: input.query.referenceID,
        status: 'FAILED',
      },
      'GDB-S-200',
    );
  }
  if (d?.status === 'SUCCESS') {
    return journeyOk(
      {
        utrNumber: d.utrNumber,
        disbursedAt: d.disbursedAt,
        disbursedAmount: Number(d.disbursedAmount),
        loanAccountNumber: d.loanAccountNumber,
        status: 'SUCCESS',
        message: 'SUCCESS',
      },
      'GDB-S-200',
    );
  }
  return journeyOk(
    {
      customerID: app.customerId,
      message: d?.message ?? '',
      referenceID: input.query.referenceID,
      status: d?.status === 'FAILED' ? 'FAILED' : 'PROCESSING',
    },
    'GDB-S-200',
  );
};

export const handler = middy(getDisbursal).use(http(routes.journeyGetDisbursal));

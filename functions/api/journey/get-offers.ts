import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { getBreRun } from '#store/credit';
import { journeyOk } from './respond.ts';
import { routes } from './routes.ts';

type Route = typeof routes.journeyGetOffers;

const STATUS_CODE = {
  SUCCESS: 'GEO-S-000',
  PROCESSING: 'GEO-S-001',
  REJECTED: 'GEO-S-002',
  FAILED: 'GEO-S-003',
} as const;

/** GET /v2/user/offers?referenceID=…: the BRE run as the spec shows it, per status. */
const getOffers = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const run = await getBreRun(input.principal, input.query.referenceID);
  const now = new Date().toISOString();
  // A newer BRE run of the customer supersedes this run's offers: they read EXPIRED.
  const latest = (await getBorrower(input.principal, run.borrowerId)).journey?.breReferenceId;
  const superseded = Boolean(latest && latest !== run.referenceId);
  const done = run.status === 'SUCCESS' || run.status === 'REJECTED';
  return journeyOk(
    {
      dataRequired: run.status === 'SUCCESS' ? {} : null,
      offers:
        run.status === 'SUCCESS'
          ? (run.offers ?? []).map((o) => ({
              createdAt: o.createdAt,
              expiresAt: o.expiresAt,
              lenderID: o.lenderID,
              lenderLogoURL: '',
              lenderName: o.lenderName,
              offerID: o.offerID,
              offerType: 'final',
              slabs: o.slabs,
              status: o.expiresAt > now && !superseded ? 'ACTIVE' : 'EXPIRED',
            }))
          : null,
      outputVariables: done ? (run.status === 'REJECTED' ? { rejectionReason: run.detailedReason ?? '' } : {}) : null,
      rejectionReason: run.rejectionReason ?? null,
      referenceID: run.referenceId,
      status: run.status,
    },
    STATUS_CODE[run.status],
  );
};

export const handler = middy(getOffers).use(http(routes.journeyGetOffers));

import middy from '@middy/core';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listKycRunsInReview } from '#store/kyc-runs';
import { kycReviewView } from './ops-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.listKycReviews;

/** GET /v1/kyc-reviews: KYC runs held for a manual review, the longest waiting first (resolve: POST /v1/kyc-reviews/{referenceID}). */
const list = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { limit, offset } = input.query;
  const runs = await listKycRunsInReview(input.principal);
  return {
    statusCode: 200,
    body: { data: runs.slice(offset, offset + limit).map(kycReviewView), meta: { total: runs.length, limit, offset } },
  };
};

export const handler = middy(list).use(http(routes.listKycReviews));

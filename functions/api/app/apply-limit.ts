import middy from '@middy/core';
import { appProducts, chooseProduct } from '#core/app/products';
import { appErrors, OK } from '#core/app/text';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { claimCreditLimit, releaseCreditLimit } from '#store/app-limits';
import { findAppUser } from '#store/app-users';
import { startWorkflow } from '#store/workflows';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appApplyLimit;

/**
 * POST /api/v1/loan/apply-limit: claims the user's limit application (one at a time: a
 * conditional write) and starts the app-limit workflow named after it; a workflow that cannot
 * start releases the claim (compensation), so the user is not stuck in PROCESSING.
 */
const applyLimit = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const product = chooseProduct(appProducts(tenant.mode), input.body.product_id);
  if (!product) throw appErrors.productNotFound(input.body.product_id);
  const account = await findAppUser(tenant, user.userId);
  if (account?.app.status !== 'ACTIVE') throw appErrors.accountNotActive();
  const applicationId = newId('lim');
  const claim = await claimCreditLimit(tenant, {
    applicationId,
    userId: user.userId,
    productId: product.productId,
    status: 'PROCESSING',
    currency: 'IDR',
    requestedAt: new Date().toISOString(),
  });
  if (!claim.claimed) {
    throw claim.current?.status === 'APPROVED' ? appErrors.limitExists() : appErrors.duplicateSubmission();
  }
  try {
    await startWorkflow('appLimit', applicationId, {
      partnerId: tenant.partnerId,
      mode: tenant.mode,
      userId: user.userId,
      applicationId,
      productId: product.productId,
    });
  } catch (error) {
    await releaseCreditLimit(tenant, user.userId, applicationId);
    throw error;
  }
  return ok(input.headers, OK.limitProcessing, undefined, 201);
};

export const handler = middy(applyLimit).use(http(routes.appApplyLimit));

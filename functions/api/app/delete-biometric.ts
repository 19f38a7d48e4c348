import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { deleteBiometric } from '#store/app-biometrics';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appDeleteBiometric;

/** DELETE /api/v1/biometric/{biometric_id}: one of the user's own registrations. */
const remove = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  if (!(await deleteBiometric(tenant, user.userId, input.params.biometric_id))) throw appErrors.biometricNotFound();
  return ok(input.headers, OK.biometricDeleted);
};

export const handler = middy(remove).use(http(routes.appDeleteBiometric));

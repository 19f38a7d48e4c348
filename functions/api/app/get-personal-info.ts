import middy from '@middy/core';
import { appErrors, OK } from '#core/app/text';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppUser } from '#store/app-users';
import { caller, ok } from './common.ts';
import { routes } from './routes.ts';

type Route = typeof routes.appGetPersonalInfo;

/** The fields item 20 answers, in its order (the PIN is never stored on the profile). */
const FIELDS = [
  'nik',
  'full_name',
  'birth_place',
  'birth_date',
  'ktp_address',
  'marital_status',
  'email',
  'home_ownership_id',
  'education_id',
  'birth_mother_name',
  'domicile_city',
  'domicile_address',
  'occupation_id',
  'bank_id',
  'bank_account_number',
  'bank_account_name',
] as const;

/** GET /api/v1/profile/personal-info (the spec's item 20, whose URL it gives as payment-methods'). */
const getPersonalInfo = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { tenant, user } = caller(input.principal);
  const account = await findAppUser(tenant, user.userId);
  const profile = account?.app.profile;
  if (!profile) throw appErrors.accountNotActive();
  return ok(input.headers, OK.personalInfo, Object.fromEntries(FIELDS.map((f) => [f, profile[f] ?? null])));
};

export const handler = middy(getPersonalInfo).use(http(routes.appGetPersonalInfo));

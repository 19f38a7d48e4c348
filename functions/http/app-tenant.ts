/**
 * The borrower app's tenant. The app API has no partner key: it serves the deployment's own
 * lending app, so whose borrowers its users are (a partner id and a mode) is configuration of
 * the stage: `APP_PARTNER_ID` and `APP_MODE`, set by the CDK from the `appTenant` context
 * (cdk.json or `-c appTenant='{"partnerId":"ptn_…","mode":"live"}'`) and by `npm start` to the
 * sandbox partner it creates. Without it the app routes answer 503.
 */
import { AppError } from '#core/errors';
import type { Tenant } from '#core/tenant';

export function appTenantOrNull(env: Record<string, string | undefined> = process.env): Tenant | null {
  const partnerId = env.APP_PARTNER_ID;
  const mode = env.APP_MODE;
  if (!partnerId || (mode !== 'sandbox' && mode !== 'live')) return null;
  return { partnerId, mode };
}

/** The stage's app tenant, or 503 SERVICE_UNAVAILABLE naming what to configure. */
export function appTenant(): Tenant {
  const tenant = appTenantOrNull();
  if (!tenant) {
    throw new AppError('not_configured', 'SERVICE_UNAVAILABLE', {
      id: 'Layanan aplikasi belum dikonfigurasi.',
      en: 'The borrower app tenant is not configured (APP_PARTNER_ID, APP_MODE: the appTenant context)',
    });
  }
  return tenant;
}

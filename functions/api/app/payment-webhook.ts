import middy from '@middy/core';
import * as z from 'zod';
import idLocale from 'zod/v4/locales/id.js';
import { appValidation, fieldMessage as m } from '#core/app/text';
import { AppError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { verifyWebhookSignature } from '#core/webhooks';
import { appTenant } from '#http/app-tenant';
import { appLang } from '#http/envelopes';
import { http, lowerHeaders } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findAppPayment } from '#store/app-payments';
import { findSandboxGatewaySecret, type PaymentProvider } from '#store/payments';
import { webhookPays } from '#workflows/app-payments';
import { applyIncomingPayment } from '#workflows/repayment';
import { routes } from './routes.ts';

type Route = typeof routes.appPaymentWebhook;

/** `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, as every lendstack signature (functions/core/webhooks.ts). */
export const APP_WEBHOOK_SIGNATURE_HEADER = 'x-signature';

/**
 * The secret the gateway signs with. Sandbox: the app tenant's sandbox gateway secret (GET
 * /v1/sandbox/payment-gateway with the app tenant's key: locally the sandbox partner's), so a
 * developer signs test notifications as the sandbox gateway does. Live: env
 * APP_PAYMENT_WEBHOOK_SECRET (the secret agreed with the gateway); none configured refuses all.
 */
async function webhookSecret(tenant: Tenant): Promise<string | null> {
  if (tenant.mode === 'sandbox') return findSandboxGatewaySecret(tenant);
  return process.env.APP_PAYMENT_WEBHOOK_SECRET || null;
}

/** The provider payments are recorded under: the sandbox's, or the live gateway's (env APP_PAYMENT_WEBHOOK_PROVIDER). */
function providerOf(tenant: Tenant): PaymentProvider {
  if (tenant.mode === 'sandbox') return 'sandbox';
  return process.env.APP_PAYMENT_WEBHOOK_PROVIDER === 'midtrans' ? 'midtrans' : 'xendit';
}

const forged = () =>
  new AppError('unauthenticated', 'INVALID_SIGNATURE', {
    id: 'Tanda tangan webhook tidak valid.',
    en: 'The webhook signature is not valid.',
  });

const notification = z.object({
  reference_no: z.string().min(1).max(64),
  status: z.enum(['PAID', 'PENDING', 'EXPIRED', 'FAILED']),
  paid_amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  payment_time: z.iso.datetime({ offset: true }).optional(),
});

/**
 * POST /api/v1/webhooks/payments (item 19): the gateway's notification for a generate-payment
 * instruction (reference_no = its payment_id). The HMAC signature is checked before the body
 * is read (constant time; 401 INVALID_SIGNATURE, nothing stored, otherwise); a PAID one is
 * applied through applyIncomingPayment, the partner gateway callback's path, under the
 * provider payment id `app:<reference_no>`, marking the instruction PAID in the same
 * transaction: retries, concurrent deliveries and an instruction the gateway callback on its
 * channel paid already apply nothing and answer the same 200.
 */
const paymentWebhook = async (event: ApiEvent<Route>): Promise<ApiResult> => {
  const headers = lowerHeaders(event);
  const lang = appLang(headers['accept-language']);
  const namesBahasa = /(^|,)\s*(id|in)\b/i.test(headers['accept-language'] ?? '');
  const successLang = lang === 'id' && namesBahasa ? 'id' : 'en';
  const raw = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8') : '';
  const tenant = appTenant();
  const signature = headers[APP_WEBHOOK_SIGNATURE_HEADER];
  if (!signature) throw forged();
  const secret = await webhookSecret(tenant);
  if (!secret || !verifyWebhookSignature(secret, raw, signature, Math.floor(Date.now() / 1000))) {
    throw forged();
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw appValidation([{ field: 'body', value: null, message: m('Body harus JSON.', 'The body must be JSON.') }]);
  }
  const parsed = notification.safeParse(json, lang === 'id' ? { error: idLocale().localeError } : undefined);
  if (!parsed.success) {
    throw appValidation(
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', value: null, message: i.message })),
    );
  }
  const body = parsed.data;
  const instruction = await findAppPayment(tenant, body.reference_no);
  if (!instruction) {
    throw new AppError('not_found', 'PAYMENT_NOT_FOUND', {
      id: 'Pembayaran tidak ditemukan.',
      en: 'Payment not found.',
    });
  }
  const done = {
    statusCode: 200,
    body: {
      status: 'success',
      // The spec's words, in English: a gateway sends no Accept-Language (Bahasa only when asked).
      message: successLang === 'en' ? 'Webhook received and processed.' : 'Webhook diterima dan diproses.',
    },
  };
  if (body.status !== 'PAID') return done;
  // Paid at most once, whichever path reports it first: a PAID instruction (this webhook's
  // earlier delivery, or the gateway callback on its channel) applies nothing and answers the same.
  await applyIncomingPayment(tenant, instruction.loanId, {
    provider: providerOf(tenant),
    providerPaymentId: `app:${body.reference_no}`,
    channel: instruction.channel,
    amount: BigInt(body.paid_amount),
    currency: 'IDR',
    reference: body.reference_no,
    ...(body.payment_time ? { receivedAt: new Date(body.payment_time).toISOString() } : {}),
    instruction: webhookPays(tenant, body.reference_no, BigInt(body.paid_amount)),
  });
  return done;
};

export const handler = middy(paymentWebhook).use(http(routes.appPaymentWebhook));

/** What the borrower app's handlers share: the caller, the language, OTP sending and sessions. */
import { hashOtp, newOtpCode, OTP_POLICY, PIN_POLICY, pinMatches } from '#core/app/security';
import { appErrors, appOk } from '#core/app/text';
import type { AppText } from '#core/errors';
import { UnauthenticatedError } from '#core/errors';
import { normaliseMobile } from '#core/identity';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { appTenant } from '#http/app-tenant';
import { issueAppAccessToken } from '#http/app-tokens';
import { appLang } from '#http/envelopes';
import type { ApiResult } from '#http/route';
import { messagingFor } from '#providers/messaging';
import { reserveAttempt, resetAttempts } from '#store/app-attempts';
import { dropOtp, type OtpPurpose, storeOtpWithinLimits } from '#store/app-otps';
import { issueAppRefreshToken } from '#store/app-sessions';
import { appCredentialKey, findAppUser, findPin } from '#store/app-users';
import type { AppCaller, Principal } from '#store/partners';

export interface AppHeaders {
  'x-device-id': string;
  'accept-language'?: string;
}

/** The success answer in the caller's language. */
export function ok(
  headers: AppHeaders,
  text: AppText,
  data?: unknown,
  statusCode = 200,
  extra?: Record<string, string>,
): ApiResult {
  return { statusCode, body: appOk(text, appLang(headers['accept-language']), data), headers: extra };
}

/** A signed-in caller: the tenant and the user the authorizer found. */
export function caller(principal: Principal | undefined): { tenant: Tenant; user: AppCaller } {
  if (!principal?.app) throw new UnauthenticatedError();
  return { tenant: { partnerId: principal.partnerId, mode: principal.mode }, user: principal.app };
}

/** The number as E.164 (the schema has checked it is an Indonesian mobile). */
export function e164(phone: string): string {
  const normalised = normaliseMobile(phone, 'ID');
  if (!normalised) throw new Error('phone_number passed validation but does not normalise');
  return normalised;
}

export { appTenant };

/**
 * Sends a fresh OTP to `phone`: the code (its hash) is stored only if the resend cooldown and
 * the rolling-hour caps (per phone, per device) allow it, counted in the same write, then the
 * message goes. A refused request counts nothing. A failed delivery releases the code so the
 * user can ask again at once (the attempt stays counted).
 */
export async function sendOtp(tenant: Tenant, purpose: OtpPurpose, phone: string, deviceId: string) {
  const now = Math.floor(Date.now() / 1000);
  const code = newOtpCode();
  const otpLogId = newId('otp');
  const expiresAtEpoch = now + OTP_POLICY.ttlSeconds;
  const stored = await storeOtpWithinLimits(
    tenant,
    purpose,
    phone,
    { otpLogId, ...hashOtp(code), deviceId, sentAt: now, expiresAtEpoch, attempts: 0 },
    [
      { kind: 'PHONE', subject: `${purpose}:${phone}`, cap: OTP_POLICY.perPhonePerHour },
      { kind: 'DEVICE', subject: deviceId, cap: OTP_POLICY.perDevicePerHour },
    ],
  );
  if ('refused' in stored) {
    throw stored.refused === 'cooldown'
      ? appErrors.otpCooldown(stored.retryAfter)
      : appErrors.otpHourlyCap(stored.retryAfter);
  }
  const minutes = OTP_POLICY.ttlSeconds / 60;
  try {
    const { channel } = await messagingFor(tenant).send(
      phone,
      `Kode OTP lendstack Anda: ${code}. Berlaku ${minutes} menit. JANGAN berikan kode ini kepada siapa pun.`,
    );
    return { otp_log_id: otpLogId, channel, expired_at: isoSeconds(expiresAtEpoch) };
  } catch (error) {
    await dropOtp(tenant, purpose, phone, otpLogId);
    throw error;
  }
}

export const isoSeconds = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');

/** A new session for the user on this device: an access token and the first refresh token of its family. */
export async function startSession(tenant: Tenant, userId: string, deviceId: string, familyId?: string) {
  const { refreshToken, sessionId } = await issueAppRefreshToken({ ...tenant, userId, deviceId }, familyId);
  const access = await issueAppAccessToken({ ...tenant, userId, deviceId, scope: 'full', sessionId });
  return { ...access, refresh_token: refreshToken };
}

/** The name the app greets with: the first word of the full name. */
export function greetingName(fullName: string | undefined): string {
  return (fullName ?? '').trim().split(/\s+/)[0] ?? '';
}

/**
 * The security PIN, under one lockout wherever it is asked for (login verify-pin, loan
 * submission): the attempt is counted first (so guesses sent at once get no more than the
 * limit), then the PIN checked; wrong, 401 INVALID_PIN with the attempts left (PIN_LOCKED at
 * the last); right, the counter is cleared. Answers the ACTIVE account.
 */
export async function checkSecurityPin(
  tenant: Tenant,
  userId: string,
  given: string,
  options: { waitForAttemptsInFlight?: boolean } = {},
) {
  const [account, pin] = await Promise.all([findAppUser(tenant, userId), findPin(tenant, userId)]);
  if (!account || !pin || account.app.status !== 'ACTIVE') throw appErrors.accountNotActive();
  const key = appCredentialKey(tenant, userId);
  let reserved = await reserveAttempt(key, 'pin', PIN_POLICY);
  // Attempts are counted before they are checked, so more than the limit at once find the
  // counter full while the others are still being checked (right PINs clear it a moment later).
  // With waitForAttemptsInFlight a refusal whose counter moved within the last seconds waits
  // and asks again, for a few seconds at most: concurrent submissions with the right PIN all get
  // through, while guesses still get no more checks (a lock they cause stays a lock).
  for (let wait = 0; options.waitForAttemptsInFlight && !reserved.ok && wait < 20; wait++) {
    if (reserved.retryAfter < PIN_POLICY.lockSeconds - 3) break;
    await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 150));
    reserved = await reserveAttempt(key, 'pin', PIN_POLICY);
  }
  if (!reserved.ok) throw appErrors.invalidPin(0, true, reserved.retryAfter);
  if (!(await pinMatches(given, pin))) {
    const remaining = PIN_POLICY.maxAttempts - reserved.used;
    throw appErrors.invalidPin(remaining, remaining <= 0, remaining <= 0 ? PIN_POLICY.lockSeconds : undefined);
  }
  await resetAttempts(key, 'pin');
  return account;
}

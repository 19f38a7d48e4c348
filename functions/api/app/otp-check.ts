/** Checking an OTP the app sends back: expiry, wrong attempts (counted), single use. */
import { OTP_POLICY, otpMatches } from '#core/app/security';
import { appErrors } from '#core/app/text';
import type { Tenant } from '#core/tenant';
import { consumeOtp, findOtp, type OtpPurpose, recordWrongOtp } from '#store/app-otps';

/**
 * Spends the phone's current code when `code` is it. Throws INVALID_OTP_CODE (with the
 * attempts left), OTP_EXPIRED, or OTP_ATTEMPTS_EXCEEDED once the code has no tries left.
 */
export async function spendOtp(tenant: Tenant, purpose: OtpPurpose, phone: string, code: string): Promise<void> {
  const otp = await findOtp(tenant, purpose, phone);
  if (!otp) throw appErrors.invalidOtp(0);
  if (otp.attempts >= OTP_POLICY.maxAttempts) throw appErrors.otpAttemptsExceeded();
  if (otp.expiresAtEpoch <= Math.floor(Date.now() / 1000)) throw appErrors.otpExpired();
  if (!otpMatches(code, otp)) {
    const used = await recordWrongOtp(tenant, purpose, phone, otp.otpLogId);
    if (used === null || used >= OTP_POLICY.maxAttempts) throw appErrors.otpAttemptsExceeded();
    throw appErrors.invalidOtp(OTP_POLICY.maxAttempts - used);
  }
  // Of concurrent verifications with the right code, one spends it; the others find it gone.
  if (!(await consumeOtp(tenant, purpose, phone, otp.otpLogId))) throw appErrors.invalidOtp(0);
}

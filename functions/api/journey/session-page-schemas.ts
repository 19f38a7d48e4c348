/** The hosted session page's own inputs: the notice a redirect shows, and the fields of its forms. */
import * as z from 'zod';

/** What the page says after an action (the action redirects to the page with `?n=<notice>`). */
export const SESSION_NOTICES = [
  'kyc_started',
  'otp_sent',
  'agreement_ready',
  'signed',
  'invalid_file',
  'file_too_large',
  'selfie_missing',
  'consent_missing',
  'otp_invalid',
  'step_closed',
  'try_again',
] as const;

export type SessionNotice = (typeof SESSION_NOTICES)[number];

/** An unknown notice is dropped, not refused: the page always opens. */
export const sessionPageQuery = z.object({
  n: z.enum(SESSION_NOTICES).optional().catch(undefined).describe('The notice an action left for the page'),
});

/** The CKYC OTP form. */
export const sessionOtpForm = z.object({ otp: z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits') });

/** The e-sign consent form: the box must be ticked. */
export const sessionConsentForm = z.object({ consent: z.literal('yes', { error: 'must be ticked' }) });

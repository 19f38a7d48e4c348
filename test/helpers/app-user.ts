/**
 * A borrower-app user made over HTTP as the app makes one: register the phone, read the OTP
 * from the sandbox outbox (platform API key), verify, upload the KTP and selfie, give the
 * personal information; then log in with a login OTP and the PIN.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { client } from './http.ts';

/** A JPEG by its first bytes (the app API checks magic bytes, not the picture). */
export const APP_JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0, 1]);
export const APP_PIN = '246810';

/**
 * The NIK tails (a phone's last four digits, as the sandbox OCR reads them) this test file has
 * handed out. NIKs are unique per tenant and a file's runtime has one app tenant, so a plain
 * phone never shares its tail with an earlier one (about 9,800 tails; random picks for 50
 * users would meet about once in eight files).
 */
const usedTails = new Set<string>();
const nikTail = (tail: string) => (tail === '0000' ? '0001' : tail);

/** Marks a NIK tail as taken; false when it already was. */
export function reserveTail(tail: string): boolean {
  if (usedTails.has(nikTail(tail))) return false;
  usedTails.add(nikTail(tail));
  return true;
}

/**
 * A fresh Indonesian mobile (0812…), ending in `tail` when given (sandbox magic values, or a
 * tail the test means to share), otherwise with a tail no earlier phone of this file had.
 */
export function appPhone(tail?: string): string {
  for (;;) {
    const digits = String(randomInt(10 ** 7, 10 ** 8));
    const phone = tail ? `0812${digits.slice(0, 8 - tail.length)}${tail}` : `0812${digits}`;
    if (tail) {
      if (tail.length >= 4) reserveTail(phone.slice(-4));
      return phone;
    }
    // Plain numbers avoid every magic ending (9001-9006, 98, 99).
    if (!/(900[1-6]|98|99)$/.test(phone) && reserveTail(phone.slice(-4))) return phone;
  }
}

export const newDeviceId = () => `dev-${randomUUID()}`;

/** The NIK the sandbox OCR reads for a phone (#providers/ktp-ocr). */
export function sandboxNik(phone: string): string {
  const tail = phone.slice(-4);
  return `317101${tail === '9006' ? '68' : '28'}0490${tail === '0000' ? '0001' : tail}`;
}

export function personalInfo(phone: string, overrides: Record<string, unknown> = {}) {
  return {
    nik: sandboxNik(phone),
    full_name: 'Budi Santoso',
    birth_place: 'JAKARTA',
    birth_date: '1990-04-28',
    ktp_address: 'Jl. Merdeka No. 17 001/002, Gambir, Gambir, Jakarta Pusat, DKI Jakarta',
    marital_status: 'BELUM KAWIN',
    email: 'budi.santoso@example.com',
    home_ownership_id: 'hom_own',
    education_id: 'edu_s1',
    birth_mother_name: 'Sarah Wijaya',
    domicile_city: 'Jakarta',
    domicile_address: 'Jl. Sample 1, Jakarta, DKI Jakarta',
    occupation_id: 'occ_private',
    bank_id: 'bnk_bca',
    bank_account_number: '8912357232',
    bank_account_name: 'Budi Santoso',
    security_pin: APP_PIN,
    emergency_contacts: [
      { contact_name: 'Sarah Wijaya', phone_number: appPhone(), relationship_id: 'rel_parent' },
      { contact_name: 'Andi Santoso', phone_number: appPhone(), relationship_id: 'rel_sibling' },
    ],
    ...overrides,
  };
}

export function multipartBody(
  parts: { name: string; filename?: string; type?: string; bytes?: Uint8Array; value?: string }[],
) {
  const boundary = `----app-${randomUUID()}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = p.filename
      ? `form-data; name="${p.name}"; filename="${p.filename}"\r\ncontent-type: ${p.type ?? 'image/jpeg'}`
      : `form-data; name="${p.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.from(p.bytes ?? Buffer.from(p.value ?? '')));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function appClient(baseUrl: string, apiKey: string) {
  const http = client(baseUrl);
  const as = (deviceId: string, token?: string, extra: Record<string, string> = {}) => ({
    'x-device-id': deviceId,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });

  /** Every message the sandbox outbox holds for `phone`, newest first. */
  const messagesTo = async (phone: string): Promise<{ text: string; channel: string }[]> => {
    const res = await http('GET', `/v1/sandbox/messages?to=${encodeURIComponent(phone)}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    return res.body?.data ?? [];
  };

  /** The newest OTP code sent to `phone`, read from the sandbox outbox. */
  const otpOf = async (phone: string): Promise<string> => {
    const text = String((await messagesTo(phone))[0]?.text ?? '');
    const code = /\b(\d{6})\b/.exec(text)?.[1];
    if (!code) throw new Error(`no OTP in the sandbox outbox for ${phone}`);
    return code;
  };

  const kycUpload = async (deviceId: string, token: string, files = { ktp: APP_JPEG, selfie: APP_JPEG }) => {
    const form = multipartBody([
      { name: 'ktp_image', filename: 'ktp.jpg', bytes: files.ktp },
      { name: 'selfie_image', filename: 'selfie.jpg', bytes: files.selfie },
      { name: 'document_type', value: 'KTP' },
    ]);
    const res = await fetch(`${baseUrl}/api/v1/onboarding/kyc-upload`, {
      method: 'POST',
      headers: { ...as(deviceId, token), 'content-type': form.contentType },
      body: form.body,
    });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };

  /** Register -> OTP -> verify: the onboarding token. */
  const registered = async (phone = appPhone(), deviceId = newDeviceId()) => {
    const sent = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: as(deviceId),
    });
    if (sent.status !== 200) throw new Error(`register-phone ${sent.status}: ${JSON.stringify(sent.body)}`);
    const verified = await http('POST', '/api/v1/onboarding/verify-otp', {
      body: { phone_number: phone, otp_code: await otpOf(phone) },
      headers: as(deviceId),
    });
    if (verified.status !== 201) throw new Error(`verify-otp ${verified.status}: ${JSON.stringify(verified.body)}`);
    return { phone, deviceId, onboardingToken: verified.body.data.access_token as string };
  };

  /** Registered, KYC verified and personal info given: an ACTIVE account. */
  const activated = async (phone = appPhone(), deviceId = newDeviceId(), info: Record<string, unknown> = {}) => {
    const user = await registered(phone, deviceId);
    const kyc = await kycUpload(deviceId, user.onboardingToken);
    if (kyc.status !== 200) throw new Error(`kyc-upload ${kyc.status}: ${JSON.stringify(kyc.body)}`);
    const done = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(phone, info),
      headers: as(deviceId, user.onboardingToken),
    });
    if (done.status !== 200) throw new Error(`personal-info ${done.status}: ${JSON.stringify(done.body)}`);
    return { ...user, userId: done.body.data.user_id as string };
  };

  /** Login OTP -> the verify-pin token. */
  const loginToken = async (phone: string, deviceId: string) => {
    const sent = await http('POST', '/api/v1/auth/login/send-otp', {
      body: { phone_number: phone },
      headers: as(deviceId),
    });
    if (sent.status !== 200) throw new Error(`send-otp ${sent.status}: ${JSON.stringify(sent.body)}`);
    const verified = await http('POST', '/api/v1/auth/login/verify-otp', {
      body: { phone_number: phone, otp_code: await otpOf(phone) },
      headers: as(deviceId),
    });
    if (verified.status !== 200)
      throw new Error(`login verify-otp ${verified.status}: ${JSON.stringify(verified.body)}`);
    return verified.body.data.access_token as string;
  };

  /** An ACTIVE user logged in by OTP + PIN: a session. */
  const signedIn = async (phone = appPhone(), deviceId = newDeviceId(), info: Record<string, unknown> = {}) => {
    const user = await activated(phone, deviceId, info);
    const token = await loginToken(phone, deviceId);
    const session = await http('POST', '/api/v1/auth/login/verify-pin', {
      body: { pin: APP_PIN },
      headers: as(deviceId, token),
    });
    if (session.status !== 200) throw new Error(`verify-pin ${session.status}: ${JSON.stringify(session.body)}`);
    return {
      ...user,
      accessToken: session.body.data.access_token as string,
      refreshToken: session.body.data.refresh_token as string,
    };
  };

  return { http, as, messagesTo, otpOf, kycUpload, registered, activated, loginToken, signedIn };
}

/**
 * The borrower app API over HTTP against `npm start`'s runtime, as the app calls it: register
 * -> OTP from the sandbox outbox -> KYC upload -> personal info -> login by OTP + PIN ->
 * biometric register and login with a real P-256 key pair -> apply limit -> limit -> tenors.
 * Then the abuse cases (OTP brute force, resend flood, PIN lockout and unlock, replayed
 * challenge, a signature from another key, a token from another device, a reused rotated
 * refresh token, forged input), each answer checked against the spec's envelope and code.
 */
import { generateKeyPairSync, type KeyObject, randomInt, sign } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRuntime, startLocalRuntime } from '../../lib/local/runtime.ts';
import {
  APP_JPEG,
  APP_PIN,
  appClient,
  appPhone,
  multipartBody,
  newDeviceId,
  personalInfo,
  reserveTail,
  sandboxNik,
} from '../helpers/app-user.ts';
import { client, eventually, type Reply } from '../helpers/http.ts';
import { partnerClient } from '../helpers/sandbox.ts';

let runtime: LocalRuntime;
let app: ReturnType<typeof appClient>;
let http: ReturnType<typeof client>;
let credentials: { clientId: string; clientSecret: string; apiKey: string };

beforeAll(async () => {
  process.env.RATE_LIMIT_PER_MINUTE = '100000';
  const credentialsDir = mkdtempSync(join(tmpdir(), 'lendstack-app-'));
  runtime = await startLocalRuntime({ port: 0, credentialsDir });
  credentials = JSON.parse(readFileSync(join(credentialsDir, 'sandbox-credentials.json'), 'utf8'));
  app = appClient(runtime.baseUrl, credentials.apiKey);
  http = client(runtime.baseUrl);
});

afterAll(async () => {
  await runtime?.stop();
});

/** The spec's error envelope with this status and code (and nothing internal). */
function expectAppError(res: Reply, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ status: 'error', error_code: code, message: expect.any(String) });
  expect(JSON.stringify(res.body)).not.toMatch(/stack|Exception|TABLE|pk"/);
}

function expectSuccess(res: Reply, status: number, message: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ status: 'success', message });
}

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = (key: KeyObject) => (key.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64');
/** What Android Keystore's SHA256withECDSA gives: DER, base64, over the UTF-8 bytes of the challenge id. */
const signChallenge = (privateKey: KeyObject, challengeId: string) =>
  sign('sha256', Buffer.from(challengeId, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString('base64');

describe('the app flow, as the app calls it', () => {
  it('registers, verifies KYC, activates, logs in by OTP + PIN and by biometrics, gets a limit and the tenors', async () => {
    const phone = appPhone();
    const deviceId = newDeviceId();
    const h = (token?: string) => app.as(deviceId, token);

    const sent = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: h(),
    });
    expectSuccess(sent, 200, 'Kode OTP telah dikirim.');
    expect(sent.body.data).toMatchObject({ otp_log_id: expect.stringMatching(/^otp_/), channel: 'WHATSAPP' });
    expect(Date.parse(sent.body.data.expired_at) - Date.now()).toBeGreaterThan(200_000);

    const verified = await http('POST', '/api/v1/onboarding/verify-otp', {
      body: { phone_number: phone, otp_code: await app.otpOf(phone) },
      headers: h(),
    });
    expectSuccess(verified, 201, 'Verifikasi Berhasil.');
    expect(verified.body.data).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const onboarding = verified.body.data.access_token as string;

    // The onboarding token opens onboarding only.
    expectAppError(await http('GET', '/api/v1/loan/limit', { headers: h(onboarding) }), 401, 'UNAUTHORIZED');

    const kyc = await app.kycUpload(deviceId, onboarding);
    expect(kyc.status, JSON.stringify(kyc.body)).toBe(200);
    expect(kyc.body).toMatchObject({
      status: 'success',
      message: 'Verifikasi dokumen berhasil.',
      data: {
        kyc_reference_id: expect.stringMatching(/^kyc_/),
        face_match_score: 95,
        kyc_status: 'SYSTEM_VERIFIED',
        ocr_preview: { nik: sandboxNik(phone), birth_date: '1990-04-28', gender: 'LAKI-LAKI' },
      },
    });

    const info = personalInfo(phone);
    const activated = await http('POST', '/api/v1/onboarding/personal-info', { body: info, headers: h(onboarding) });
    expectSuccess(activated, 200, 'Dokumen berhasil disimpan dan akun telah diaktifkan.');
    expect(activated.body.data).toMatchObject({
      user_id: expect.stringMatching(/^bor_/),
      account_activation: { is_active: true, status: 'ACTIVE' },
    });
    const userId = activated.body.data.user_id as string;

    // The partner side sees the same borrower: KYC approved, the NIK and phone on it.
    const partner = await partnerClient(runtime.baseUrl, credentials.clientId, credentials.clientSecret);
    const borrower = await partner('GET', `/api/core/users/${userId}`);
    expect(borrower.status).toBe(200);
    expect(borrower.body).toMatchObject({ userId, status: 'APPROVED' });

    // Login: OTP, then the PIN.
    const loginToken = await app.loginToken(phone, deviceId);
    const session = await http('POST', '/api/v1/auth/login/verify-pin', {
      body: { pin: APP_PIN },
      headers: h(loginToken),
    });
    expectSuccess(session, 200, 'Login berhasil.');
    expect(session.body.data).toMatchObject({
      token_type: 'Bearer',
      refresh_token: expect.stringMatching(/^ref_/),
      expires_in: 3600,
      user: { name: 'Budi' },
    });
    const access = session.body.data.access_token as string;

    const personal = await http('GET', '/api/v1/profile/personal-info', { headers: h(access) });
    expect(personal.status).toBe(200);
    expect(personal.body.data).toMatchObject({ nik: info.nik, email: info.email, bank_id: 'bnk_bca' });
    expect(JSON.stringify(personal.body)).not.toContain(APP_PIN);

    // Biometrics with a real P-256 key pair.
    const { publicKey, privateKey } = keyPair();
    const ch1 = await http('GET', '/api/v1/biometric/challenge', { headers: h() });
    expectSuccess(ch1, 200, 'Challenge ID berhasil dibuat.');
    expect(ch1.body.data.expires_in).toBe(300);
    const registered = await http('POST', '/api/v1/biometric/register', {
      body: { challenge_id: ch1.body.data.challenge_id, public_key: spki(publicKey), biometric_type: 'FACE_ID' },
      headers: h(access),
    });
    expectSuccess(registered, 201, 'Biometrik berhasil didaftarkan.');
    const ch2 = (await http('GET', '/api/v1/biometric/challenge', { headers: h() })).body.data.challenge_id as string;
    const bioLogin = await http('POST', '/api/v1/auth/login/biometric', {
      body: { challenge_id: ch2, signature: signChallenge(privateKey, ch2) },
      headers: h(),
    });
    expectSuccess(bioLogin, 200, 'Login berhasil.');
    const bioAccess = bioLogin.body.data.access_token as string;

    // The limit: none yet, then the workflow's decision.
    expectAppError(await http('GET', '/api/v1/loan/limit', { headers: h(bioAccess) }), 404, 'LIMIT_NOT_FOUND');
    const applied = await http('POST', '/api/v1/loan/apply-limit', {
      body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
      headers: h(bioAccess),
    });
    expectSuccess(applied, 201, 'Pengajuan limit kredit Anda sedang diproses.');
    const limit = await eventually(async () => {
      const res = await http('GET', '/api/v1/loan/limit', { headers: h(bioAccess) });
      return res.body.data?.status === 'APPROVED' && res;
    });
    expect(limit.body).toEqual({
      status: 'success',
      message: 'Data limit kredit berhasil diambil.',
      data: { total_limit: 10000000, available_limit: 10000000, currency: 'IDR', status: 'APPROVED', is_active: true },
    });
    expectAppError(
      await http('POST', '/api/v1/loan/apply-limit', {
        body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
        headers: h(bioAccess),
      }),
      409,
      'LIMIT_ALREADY_EXISTS',
    );

    const tenors = await http('GET', '/api/v1/loan/tenors', { headers: h(bioAccess) });
    expect(tenors.body).toEqual({
      status: 'success',
      message: 'Data tenor berhasil diambil.',
      data: {
        tenor_list: [
          { id: 1, month: 3, label: '3 bulan', interest_rate: 2.5 },
          { id: 2, month: 6, label: '6 bulan', interest_rate: 2.2 },
          { id: 3, month: 12, label: '12 bulan', interest_rate: 2 },
        ],
      },
    });
    const products = await http('GET', '/api/v1/loan/products', { headers: h(bioAccess) });
    expect(products.body.data.products[0]).toMatchObject({
      service_fee_amount: 150000,
      promos: [{ promo_id: 3, promo_code: 'PROMO-MERDEKA-2026', promo_discount_amount: 100000 }],
    });

    // Delete the biometric: the device can no longer log in with it.
    const deleted = await http('DELETE', `/api/v1/biometric/${registered.body.data.biometric_id}`, {
      headers: h(access),
    });
    expectSuccess(deleted, 200, 'Akses biometrik telah dihapus.');
    const ch3 = (await http('GET', '/api/v1/biometric/challenge', { headers: h() })).body.data.challenge_id as string;
    expectAppError(
      await http('POST', '/api/v1/auth/login/biometric', {
        body: { challenge_id: ch3, signature: signChallenge(privateKey, ch3) },
        headers: h(),
      }),
      404,
      'BIOMETRIC_NOT_FOUND',
    );
  });

  it('accepts an iOS raw X9.63 public key (65 bytes) as well as SPKI', async () => {
    const user = await app.signedIn();
    const { publicKey, privateKey } = keyPair();
    const raw = Buffer.from(spki(publicKey), 'base64').subarray(-65).toString('base64');
    const ch = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body.data
      .challenge_id;
    const reg = await http('POST', '/api/v1/biometric/register', {
      body: { challenge_id: ch, public_key: raw, biometric_type: 'TOUCH_ID' },
      headers: app.as(user.deviceId, user.accessToken),
    });
    expect(reg.status).toBe(201);
    const ch2 = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body.data
      .challenge_id;
    const login = await http('POST', '/api/v1/auth/login/biometric', {
      body: { challenge_id: ch2, signature: signChallenge(privateKey, ch2) },
      headers: app.as(user.deviceId),
    });
    expect(login.status).toBe(200);
  });
});

describe('the envelope', () => {
  it('names the field, the value and the problem in Bahasa Indonesia, and in English on request', async () => {
    const bad = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: '08123' },
      headers: app.as(newDeviceId()),
    });
    expectAppError(bad, 400, 'VALIDATION_ERROR');
    expect(bad.body).toEqual({
      status: 'error',
      error_code: 'VALIDATION_ERROR',
      message: 'Data yang Anda masukkan tidak valid.',
      details: [{ field: 'phone_number', value: '08123', message: 'Format nomor telepon tidak valid.' }],
    });
    const en = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: '08401234567' },
      headers: app.as(newDeviceId(), undefined, { 'accept-language': 'en' }),
    });
    expect(en.body).toMatchObject({
      message: 'The data you entered is not valid.',
      details: [{ field: 'phone_number', value: '08401234567', message: 'The phone number format is not valid.' }],
    });
  });

  it('refuses a request without X-Device-ID, naming the header', async () => {
    const res = await http('POST', '/api/v1/onboarding/register-phone', { body: { phone_number: appPhone() } });
    expectAppError(res, 400, 'VALIDATION_ERROR');
    expect(res.body.details[0]).toMatchObject({
      field: 'header.x-device-id',
      message: 'Header X-Device-ID wajib diisi.',
    });
  });

  it('answers unknown paths and methods under /api/v1 in the app envelope', async () => {
    expectAppError(await http('GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
    const english = await http('GET', '/api/v1/nothing-here', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(english.body.message).toBe('Not found.');
    const wrongMethod = await http('DELETE', '/api/v1/loan/limit');
    expectAppError(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it("checks every personal-info field and stores nothing on bad input (the spec's sample errors)", async () => {
    const user = await app.registered();
    await app.kycUpload(user.deviceId, user.onboardingToken);
    const res = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(user.phone, {
        nik: '12345678',
        birth_date: '12/01/1990',
        email: 'not-an-email',
        education_id: 'edu_nope',
        security_pin: '12a456',
        emergency_contacts: [{ contact_name: 'Sarah', phone_number: '08893', relationship_id: 'rel_parent' }],
      }),
      headers: app.as(user.deviceId, user.onboardingToken),
    });
    expectAppError(res, 400, 'VALIDATION_ERROR');
    const byField = Object.fromEntries(res.body.details.map((d: any) => [d.field, d]));
    expect(byField.nik).toEqual({ field: 'nik', value: '12345678', message: 'NIK harus terdiri dari 16 digit angka.' });
    expect(byField.birth_date).toEqual({
      field: 'birth_date',
      value: '12/01/1990',
      message: 'Format tanggal lahir tidak valid.',
    });
    expect(byField.email).toMatchObject({ value: 'not-an-email', message: 'Format email tidak valid.' });
    expect(byField.education_id).toMatchObject({ value: 'edu_nope', message: 'education_id tidak ditemukan.' });
    expect(byField['emergency_contacts.0.phone_number']).toMatchObject({
      value: '08893',
      message: 'Format nomor telepon tidak valid.',
    });
    // The PIN is named, never echoed.
    expect(byField.security_pin).toEqual({
      field: 'security_pin',
      value: null,
      message: 'PIN harus terdiri dari 6 digit angka.',
    });
    // Nothing stored: the account is still onboarding and a valid body activates it.
    const ok = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(user.phone),
      headers: app.as(user.deviceId, user.onboardingToken),
    });
    expect(ok.status).toBe(200);
  });

  it('refuses a birth date the NIK contradicts, and a weak PIN', async () => {
    const user = await app.registered();
    await app.kycUpload(user.deviceId, user.onboardingToken);
    const res = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(user.phone, { birth_date: '1991-04-28', security_pin: '123456' }),
      headers: app.as(user.deviceId, user.onboardingToken),
    });
    expectAppError(res, 400, 'VALIDATION_ERROR');
    expect(res.body.details.map((d: any) => d.message).sort()).toEqual([
      'PIN terlalu mudah ditebak (angka berulang atau berurutan).',
      'Tanggal lahir tidak sesuai dengan NIK.',
    ]);
  });
  it('lets the user correct a misread NIK digit but not swap the verified identity; a NIK in use is 409', async () => {
    // Two phones with the same last four digits: the sandbox OCR reads the same NIK for both.
    const bump = (digits: string) => [...digits].map((d) => String((Number(d) % 8) + 1)).join('');
    // A tail, and its bump, that no other user of this file has.
    let tail: string;
    do tail = Array.from({ length: 4 }, () => randomInt(1, 9)).join('');
    while (!reserveTail(tail) || !reserveTail(bump(tail)));
    const first = await app.registered(appPhone(tail));
    await app.kycUpload(first.deviceId, first.onboardingToken);
    const read = sandboxNik(first.phone);
    const swapped = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(first.phone, { nik: `${read.slice(0, 12)}${bump(read.slice(12))}` }),
      headers: app.as(first.deviceId, first.onboardingToken, { 'accept-language': 'en' }),
    });
    expectAppError(swapped, 400, 'VALIDATION_ERROR');
    expect(swapped.body.details).toEqual([
      { field: 'nik', value: expect.any(String), message: 'The NIK does not match the verified KTP.' },
    ]);
    const corrected = `${read.slice(0, 15)}${bump(read.slice(15))}`;
    const ok = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(first.phone, { nik: corrected }),
      headers: app.as(first.deviceId, first.onboardingToken),
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);

    const second = await app.registered(appPhone(tail));
    await app.kycUpload(second.deviceId, second.onboardingToken);
    const taken = await http('POST', '/api/v1/onboarding/personal-info', {
      body: personalInfo(second.phone, { nik: corrected }),
      headers: app.as(second.deviceId, second.onboardingToken),
    });
    expectAppError(taken, 409, 'NIK_ALREADY_REGISTERED');
    expect(taken.body.details).toEqual([
      { field: 'nik', value: corrected, message: 'NIK sudah terdaftar pada akun lain.' },
    ]);
  });
});

describe('KYC upload', () => {
  it('refuses a file that is not a JPEG or PNG, and a missing selfie', async () => {
    const user = await app.registered();
    const form = multipartBody([
      { name: 'ktp_image', filename: 'ktp.jpg', bytes: Buffer.from('%PDF-1.4 not an image') },
    ]);
    const res = await fetch(`${runtime.baseUrl}/api/v1/onboarding/kyc-upload`, {
      method: 'POST',
      headers: { ...app.as(user.deviceId, user.onboardingToken), 'content-type': form.contentType },
      body: form.body,
    });
    const body = (await res.json()) as any;
    expectAppError({ status: res.status, body, headers: res.headers }, 400, 'VALIDATION_ERROR');
    expect(body.details).toEqual([
      { field: 'ktp_image', value: null, message: 'Foto KTP harus berformat JPEG atau PNG.' },
      { field: 'selfie_image', value: null, message: 'Foto selfie wajib diunggah.' },
    ]);
  });

  it('answers LOW_FACE_MATCH_SCORE with REJECTED_RETRY and a suggestion (sandbox phone …9003), then accepts a retry', async () => {
    const user = await app.registered(appPhone('9003'));
    const res = await app.kycUpload(user.deviceId, user.onboardingToken);
    expectAppError(res as Reply, 422, 'LOW_FACE_MATCH_SCORE');
    expect(res.body).toEqual({
      status: 'error',
      error_code: 'LOW_FACE_MATCH_SCORE',
      message: 'Verifikasi wajah gagal.',
      data: {
        face_match_score: 34,
        required_score: 80,
        kyc_status: 'REJECTED_RETRY',
        failed_check: 'face_match',
        suggestion: 'Pastikan wajah Anda terlihat dengan jelas.',
      },
    });
    // Personal info needs a verified KYC.
    expectAppError(
      await http('POST', '/api/v1/onboarding/personal-info', {
        body: personalInfo(user.phone),
        headers: app.as(user.deviceId, user.onboardingToken),
      }),
      409,
      'KYC_NOT_VERIFIED',
    );
  });

  it('says a failed liveness is one (sandbox phone …9002), with its suggestion in the language asked for', async () => {
    const user = await app.registered(appPhone('9002'));
    const form = multipartBody([
      { name: 'ktp_image', filename: 'ktp.jpg', bytes: APP_JPEG },
      { name: 'selfie_image', filename: 'selfie.jpg', bytes: APP_JPEG },
      { name: 'document_type', value: 'KTP' },
    ]);
    const res = await fetch(`${runtime.baseUrl}/api/v1/onboarding/kyc-upload`, {
      method: 'POST',
      headers: {
        ...app.as(user.deviceId, user.onboardingToken, { 'accept-language': 'en' }),
        'content-type': form.contentType,
      },
      body: form.body,
    });
    const body = (await res.json()) as any;
    expect(res.status).toBe(422);
    expect(body).toMatchObject({
      error_code: 'LOW_FACE_MATCH_SCORE',
      message: 'Face verification failed: the selfie was not detected as a live face.',
      data: {
        failed_check: 'liveness',
        kyc_status: 'REJECTED_RETRY',
        suggestion: 'Take the selfie live with the camera, not a photo of a screen or a print.',
      },
    });
  });

  it('answers KTP_DATA_MISMATCH when the OCR birth date contradicts the NIK (sandbox phone …9005)', async () => {
    const user = await app.registered(appPhone('9005'));
    const res = await app.kycUpload(user.deviceId, user.onboardingToken);
    expectAppError(res as Reply, 422, 'KTP_DATA_MISMATCH');
    expect(res.body.data.fields).toEqual(['birth_date']);
  });

  it("reads a woman's KTP consistently (NIK day + 40, PEREMPUAN; sandbox phone …9006)", async () => {
    const user = await app.registered(appPhone('9006'));
    const res = await app.kycUpload(user.deviceId, user.onboardingToken);
    expect(res.status).toBe(200);
    expect(res.body.data.ocr_preview).toMatchObject({ gender: 'PEREMPUAN', nik: expect.stringMatching(/^31710168/) });
  });
});

describe('OTP abuse', () => {
  it('spends a code after 5 wrong tries: even the right one is refused then', async () => {
    const phone = appPhone();
    const deviceId = newDeviceId();
    await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(deviceId),
    });
    const code = await app.otpOf(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push(
        await http('POST', '/api/v1/onboarding/verify-otp', {
          body: { phone_number: phone, otp_code: wrong },
          headers: app.as(deviceId),
        }),
      );
    }
    for (const [i, res] of answers.slice(0, 4).entries()) {
      expectAppError(res, 400, 'INVALID_OTP_CODE');
      expect(res.body.message).toBe('Kode OTP yang Anda masukkan salah.');
      expect(res.body.data.remaining_attempts).toBe(4 - i);
    }
    expectAppError(answers[4] as Reply, 429, 'OTP_ATTEMPTS_EXCEEDED');
    expectAppError(
      await http('POST', '/api/v1/onboarding/verify-otp', {
        body: { phone_number: phone, otp_code: code },
        headers: app.as(deviceId),
      }),
      429,
      'OTP_ATTEMPTS_EXCEEDED',
    );
  });

  it('counts concurrent wrong guesses: 20 at once, no more than 5 are checked', async () => {
    const phone = appPhone();
    const deviceId = newDeviceId();
    await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(deviceId),
    });
    const code = await app.otpOf(phone);
    const guesses = Array.from({ length: 20 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const answers = await Promise.all(
      guesses.map((otp_code) =>
        http('POST', '/api/v1/onboarding/verify-otp', {
          body: { phone_number: phone, otp_code },
          headers: app.as(deviceId),
        }),
      ),
    );
    expect(answers.filter((a) => a.body.error_code === 'INVALID_OTP_CODE').length).toBeLessThanOrEqual(4);
    expect(answers.every((a) => ['INVALID_OTP_CODE', 'OTP_ATTEMPTS_EXCEEDED'].includes(a.body.error_code))).toBe(true);
  });

  it('refuses a resend within 60 s (429, when to retry) and caps a device at 10 sends in a rolling hour, counting only codes sent', async () => {
    const deviceId = newDeviceId();
    const phone = appPhone();
    const first = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(deviceId),
    });
    expect(first.status).toBe(200);
    const again = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(deviceId),
    });
    expectAppError(again, 429, 'OTP_RESEND_TOO_SOON');
    expect(again.body.message).toMatch(/^Mohon tunggu \d+ detik sebelum meminta kode OTP baru\.$/);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(again.body.data.retry_after).toBeGreaterThan(0);
    // A user tapping "resend" during the countdown, 20 times at once: each is refused by the
    // cooldown, and none of them is counted against the hour.
    const taps = await Promise.all(
      Array.from({ length: 20 }, () =>
        http('POST', '/api/v1/onboarding/register-phone', { body: { phone_number: phone }, headers: app.as(deviceId) }),
      ),
    );
    expect(taps.map((t) => t.body.error_code)).toEqual(Array(20).fill('OTP_RESEND_TOO_SOON'));

    // Nine more phones from the same device (ten codes sent), then the eleventh send is refused
    // until the oldest of the ten is an hour old.
    for (let i = 0; i < 9; i++) {
      const res = await http('POST', '/api/v1/onboarding/register-phone', {
        body: { phone_number: appPhone() },
        headers: app.as(deviceId),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const capped = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: appPhone() },
      headers: app.as(deviceId),
    });
    expectAppError(capped, 429, 'OTP_LIMIT_EXCEEDED');
    expect(capped.body.message).toMatch(/^Batas pengiriman kode OTP tercapai\. Silahkan coba lagi dalam \d+ menit\.$/);
    expect(capped.body.data.retry_after).toBeGreaterThan(3400);
    expect(capped.body.data.retry_after).toBeLessThanOrEqual(3600);
  });

  it('stores one code when the same send arrives 20 times at once', async () => {
    const phone = appPhone();
    const deviceId = newDeviceId();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        http('POST', '/api/v1/onboarding/register-phone', { body: { phone_number: phone }, headers: app.as(deviceId) }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.body.error_code)).toEqual(
      Array(19).fill('OTP_RESEND_TOO_SOON'),
    );
    expect(await app.messagesTo(phone)).toHaveLength(1);
  });

  it('sends by SMS when the number has no WhatsApp (sandbox phone …99)', async () => {
    const phone = appPhone('99');
    const res = await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(newDeviceId()),
    });
    expect(res.body.data.channel).toBe('SMS');
  });

  it('answers PHONE_NUMBER_NOT_FOUND for a login OTP to an unknown number, naming it', async () => {
    const phone = appPhone();
    const res = await http('POST', '/api/v1/auth/login/send-otp', {
      body: { phone_number: phone },
      headers: app.as(newDeviceId()),
    });
    expectAppError(res, 404, 'PHONE_NUMBER_NOT_FOUND');
    expect(res.body.details).toEqual([
      { field: 'phone_number', value: phone, message: 'Nomor telepon belum terdaftar.' },
    ]);
  });
});

describe('PIN lockout', () => {
  it('locks after 3 wrong PINs (the right one too), and a fresh login OTP unlocks', async () => {
    const user = await app.activated();
    const token = await app.loginToken(user.phone, user.deviceId);
    const tryPin = (pin: string, t = token) =>
      http('POST', '/api/v1/auth/login/verify-pin', { body: { pin }, headers: app.as(user.deviceId, t) });
    const first = await tryPin('135791');
    expectAppError(first, 401, 'INVALID_PIN');
    expect(first.body).toMatchObject({
      message: 'PIN yang anda masukkan salah. Silahkan coba lagi.',
      data: { remaining_attempts: 2, is_locked: false },
    });
    expect((await tryPin('135791')).body.data).toEqual({ remaining_attempts: 1, is_locked: false });
    const third = await tryPin('135791');
    expect(third.body.data).toMatchObject({ remaining_attempts: 0, is_locked: true });
    const locked = await tryPin(APP_PIN);
    expectAppError(locked, 401, 'PIN_LOCKED');
    expect(locked.body.data).toMatchObject({ remaining_attempts: 0, is_locked: true });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(1700);

    const fresh = await app.loginToken(user.phone, user.deviceId);
    const unlocked = await tryPin(APP_PIN, fresh);
    expectSuccess(unlocked, 200, 'Login berhasil.');
  });

  it('starts one session from one OTP login: the right PIN 20 times at once is one 200, never a false lock', async () => {
    const user = await app.activated();
    const token = await app.loginToken(user.phone, user.deviceId);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        http('POST', '/api/v1/auth/login/verify-pin', {
          body: { pin: APP_PIN },
          headers: app.as(user.deviceId, token),
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.some((a) => a.body.error_code === 'PIN_LOCKED')).toBe(false);
    for (const refused of answers.filter((a) => a.status !== 200)) expectAppError(refused, 401, 'UNAUTHORIZED');
    // The spent login token stays spent; a fresh OTP login starts the next session.
    const again = await http('POST', '/api/v1/auth/login/verify-pin', {
      body: { pin: APP_PIN },
      headers: app.as(user.deviceId, token),
    });
    expectAppError(again, 401, 'UNAUTHORIZED');
    expect(again.body.message).toBe('Sesi login ini sudah digunakan. Silahkan masuk ulang dengan OTP.');
    const fresh = await app.loginToken(user.phone, user.deviceId);
    expectSuccess(
      await http('POST', '/api/v1/auth/login/verify-pin', {
        body: { pin: APP_PIN },
        headers: app.as(user.deviceId, fresh),
      }),
      200,
      'Login berhasil.',
    );
  });

  it('checks no more than 3 of 10 wrong PINs sent at once', async () => {
    const user = await app.activated();
    const token = await app.loginToken(user.phone, user.deviceId);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        http('POST', '/api/v1/auth/login/verify-pin', {
          body: { pin: String(900000 + i) },
          headers: app.as(user.deviceId, token),
        }),
      ),
    );
    const checked = answers.filter((a) => a.body.error_code === 'INVALID_PIN');
    expect(checked.length).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.body.error_code === 'PIN_LOCKED').length).toBeGreaterThanOrEqual(7);
  });
});

describe('biometric abuse', () => {
  it('refuses a replayed challenge (410) and a signature from another key (401, with attempts)', async () => {
    const user = await app.signedIn();
    const h = app.as(user.deviceId);
    const { publicKey, privateKey } = keyPair();
    const ch = (await http('GET', '/api/v1/biometric/challenge', { headers: h })).body.data.challenge_id;
    const body = { challenge_id: ch, public_key: spki(publicKey), biometric_type: 'FINGERPRINT' };
    expect(
      (await http('POST', '/api/v1/biometric/register', { body, headers: app.as(user.deviceId, user.accessToken) }))
        .status,
    ).toBe(201);
    const replay = await http('POST', '/api/v1/biometric/register', {
      body,
      headers: app.as(user.deviceId, user.accessToken),
    });
    expectAppError(replay, 410, 'CHALLENGE_EXPIRED');
    expect(replay.body.message).toBe('Sesi pendaftaran biometrik telah berakhir. Silahkan ulangi proses.');

    const login = await http('GET', '/api/v1/biometric/challenge', { headers: h });
    const challengeId = login.body.data.challenge_id as string;
    const signature = signChallenge(privateKey, challengeId);
    expect(
      (
        await http('POST', '/api/v1/auth/login/biometric', {
          body: { challenge_id: challengeId, signature },
          headers: h,
        })
      ).status,
    ).toBe(200);
    // The same signed challenge again: spent, in the login's own words.
    const spent = await http('POST', '/api/v1/auth/login/biometric', {
      body: { challenge_id: challengeId, signature },
      headers: h,
    });
    expectAppError(spent, 410, 'CHALLENGE_EXPIRED');
    expect(spent.body.message).toBe('Sesi login biometrik telah berakhir. Silahkan minta challenge baru.');
    // Another key signs a fresh challenge: refused, with the attempts left.
    const other = keyPair();
    const fresh = (await http('GET', '/api/v1/biometric/challenge', { headers: h })).body.data.challenge_id as string;
    const forged = await http('POST', '/api/v1/auth/login/biometric', {
      body: { challenge_id: fresh, signature: signChallenge(other.privateKey, fresh) },
      headers: h,
    });
    expectAppError(forged, 401, 'BIOMETRIC_VERIFICATION_FAILED');
    expect(forged.body.data).toEqual({ remaining_attempts: 2, is_locked: false });
    // A challenge asked for by another device cannot be used here.
    const elsewhere = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(newDeviceId()) })).body.data
      .challenge_id as string;
    expectAppError(
      await http('POST', '/api/v1/auth/login/biometric', {
        body: { challenge_id: elsewhere, signature: signChallenge(privateKey, elsewhere) },
        headers: h,
      }),
      410,
      'CHALLENGE_EXPIRED',
    );
  });

  it('refuses a public key that is not P-256, without spending the challenge', async () => {
    const user = await app.signedIn();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ch = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(user.deviceId) })).body.data
      .challenge_id;
    const res = await http('POST', '/api/v1/biometric/register', {
      body: { challenge_id: ch, public_key: spki(rsa.publicKey), biometric_type: 'FACE_ID' },
      headers: app.as(user.deviceId, user.accessToken),
    });
    expectAppError(res, 400, 'VALIDATION_ERROR');
    expect(res.body.details[0].field).toBe('public_key');
    const { publicKey } = keyPair();
    const ok = await http('POST', '/api/v1/biometric/register', {
      body: { challenge_id: ch, public_key: spki(publicKey), biometric_type: 'FACE_ID' },
      headers: app.as(user.deviceId, user.accessToken),
    });
    expect(ok.status).toBe(201);
  });
});

describe('sessions', () => {
  it('refuses a token from another device', async () => {
    const user = await app.signedIn();
    const res = await http('GET', '/api/v1/loan/tenors', { headers: app.as(newDeviceId(), user.accessToken) });
    expectAppError(res, 401, 'UNAUTHORIZED');
    expect(res.body.message).toBe('Sesi anda tidak valid. Silahkan login kembali.');
    expect(
      (await http('GET', '/api/v1/loan/tenors', { headers: app.as(user.deviceId, user.accessToken) })).status,
    ).toBe(200);
  });

  it('rotates refresh tokens; a rotated one reused (its successor spent) revokes the whole session', async () => {
    const user = await app.signedIn();
    const refresh = (token: string, deviceId = user.deviceId) =>
      http('POST', '/api/v1/auth/refresh', { body: { refresh_token: token }, headers: app.as(deviceId) });
    // From another device the token is refused and left alone.
    expectAppError(await refresh(user.refreshToken, newDeviceId()), 401, 'INVALID_REFRESH_TOKEN');
    const rotated = await refresh(user.refreshToken);
    expectSuccess(rotated, 201, 'Akses token berhasil diperbarui.');
    expect(rotated.body.data).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const next = rotated.body.data.refresh_token as string;
    const access = rotated.body.data.access_token as string;
    expect((await http('GET', '/api/v1/loan/tenors', { headers: app.as(user.deviceId, access) })).status).toBe(200);

    // A double tap or a retry after a lost answer: the same tokens, one refresh.
    const retried = await refresh(user.refreshToken);
    expectSuccess(retried, 201, 'Akses token berhasil diperbarui.');
    expect(retried.body.data).toEqual(rotated.body.data);
    // Once the tokens it gave were used, the old token again is reuse.
    const newest = await refresh(next);
    expectSuccess(newest, 201, 'Akses token berhasil diperbarui.');
    const reused = await refresh(user.refreshToken);
    expectAppError(reused, 401, 'INVALID_REFRESH_TOKEN');
    expect(reused.body.message).toBe('Sesi anda telah berakhir. Silahkan login kembali.');
    // The family is gone: the newest refresh token and the session's access tokens too.
    expectAppError(await refresh(newest.body.data.refresh_token), 401, 'INVALID_REFRESH_TOKEN');
    expectAppError(
      await http('GET', '/api/v1/loan/tenors', { headers: app.as(user.deviceId, access) }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('revokes with a reason: the session ends, only the owner may revoke', async () => {
    const user = await app.signedIn();
    const other = await app.signedIn();
    expectAppError(
      await http('POST', '/api/v1/auth/revoke', {
        body: { refresh_token: user.refreshToken, reason: 'USER_LOGOUT' },
        headers: app.as(other.deviceId, other.accessToken),
      }),
      401,
      'INVALID_REFRESH_TOKEN',
    );
    const revoked = await http('POST', '/api/v1/auth/revoke', {
      body: { refresh_token: user.refreshToken, reason: 'DEVICE_LOST' },
      headers: app.as(user.deviceId, user.accessToken),
    });
    expectSuccess(revoked, 200, 'Refresh token berhasil dicabut.');
    expectAppError(
      await http('GET', '/api/v1/loan/limit', { headers: app.as(user.deviceId, user.accessToken) }),
      401,
      'UNAUTHORIZED',
    );
    expectAppError(
      await http('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: user.refreshToken },
        headers: app.as(user.deviceId),
      }),
      401,
      'INVALID_REFRESH_TOKEN',
    );
  });
});

describe('apply-limit', () => {
  it('answers DUPLICATE_SUBMISSION while one runs: 20 at once start one decision (slow sandbox bureau, NIK …9005)', async () => {
    // The OCR reads NIK …9015 for this phone; personal-info corrects one digit to the bureau's magic …9005.
    const phone = appPhone('9015');
    const user = await app.signedIn(phone, newDeviceId(), { nik: '3171012804909005' });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        http('POST', '/api/v1/loan/apply-limit', {
          body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
          headers: app.as(user.deviceId, user.accessToken),
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expectAppError(a, 409, 'DUPLICATE_SUBMISSION');
      expect(a.body.message).toBe('Mohon tunggu, saat ini pengajuan limit Anda masih dalam proses peninjauan.');
    }
    const processing = await http('GET', '/api/v1/loan/limit', { headers: app.as(user.deviceId, user.accessToken) });
    expect(processing.body.data).toMatchObject({ status: 'PROCESSING', total_limit: null, is_active: false });
    await eventually(async () => {
      const res = await http('GET', '/api/v1/loan/limit', { headers: app.as(user.deviceId, user.accessToken) });
      return res.body.data?.status === 'APPROVED';
    });
  });

  it('rejects by the credit policy (sandbox bureau score 550, NIK …9001), and the user may apply again', async () => {
    const user = await app.signedIn(appPhone('9011'), newDeviceId(), { nik: '3171012804909001' });
    const h = app.as(user.deviceId, user.accessToken);
    expect(
      (
        await http('POST', '/api/v1/loan/apply-limit', {
          body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
          headers: h,
        })
      ).status,
    ).toBe(201);
    const rejected = await eventually(async () => {
      const res = await http('GET', '/api/v1/loan/limit', { headers: h });
      return res.body.data?.status === 'REJECTED' && res;
    });
    expect(rejected.body.data).toMatchObject({ total_limit: null, available_limit: null, is_active: false });
    expect(
      (
        await http('POST', '/api/v1/loan/apply-limit', {
          body: { submission_type: 'INITIAL_CREDIT_LIMIT' },
          headers: h,
        })
      ).status,
    ).toBe(201);
  });

  it('refuses an unknown product and a wrong submission_type', async () => {
    const user = await app.signedIn();
    const h = app.as(user.deviceId, user.accessToken);
    const product = await http('POST', '/api/v1/loan/apply-limit', {
      body: { submission_type: 'INITIAL_CREDIT_LIMIT', product_id: 'prd_nope' },
      headers: h,
    });
    expectAppError(product, 400, 'VALIDATION_ERROR');
    expect(product.body.details[0]).toMatchObject({ field: 'product_id', value: 'prd_nope' });
    const type = await http('POST', '/api/v1/loan/apply-limit', { body: { submission_type: 'TOP_UP' }, headers: h });
    expect(type.body.details[0]).toMatchObject({ field: 'submission_type', value: 'TOP_UP' });
    expectAppError(await http('GET', '/api/v1/loan/limit', { headers: h }), 404, 'LIMIT_NOT_FOUND');
  });
});

describe('master data', () => {
  it("lists every personal-info reference id's choices", async () => {
    for (const category of ['home-ownerships', 'educations', 'occupations', 'banks', 'relationships']) {
      const res = await http('GET', `/api/v1/master-data/${category}`, { headers: app.as(newDeviceId()) });
      expect(res.status).toBe(200);
      expect(res.body.data.items.length).toBeGreaterThan(3);
    }
    expectAppError(
      await http('GET', '/api/v1/master-data/pets', { headers: app.as(newDeviceId()) }),
      400,
      'VALIDATION_ERROR',
    );
  });
});

describe('the sandbox outbox', () => {
  it('is read with the platform API key only', async () => {
    const res = await http('GET', `/v1/sandbox/messages?to=${appPhone()}`);
    expect(res.status).toBe(401);
  });
  it('never holds the code in clear elsewhere: the stored OTP is a digest', async () => {
    const phone = appPhone();
    await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(newDeviceId()),
    });
    const code = await app.otpOf(phone);
    const { ddb, tableName } = await import('#store/client');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const { Items = [] } = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': `T#${(runtime.credentials as { partnerId: string }).partnerId}#sandbox#APPOTP#ONBOARDING#+62${phone.slice(1)}`,
        },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(JSON.stringify(Items[0])).not.toContain(code);
    expect(Items[0]).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('one user never reaches another', () => {
  it("answers 404 for another user's biometric_id, and leaves it working", async () => {
    const owner = await app.signedIn();
    const other = await app.signedIn();
    const { publicKey, privateKey } = keyPair();
    const ch = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(owner.deviceId) })).body.data
      .challenge_id;
    const reg = await http('POST', '/api/v1/biometric/register', {
      body: { challenge_id: ch, public_key: spki(publicKey), biometric_type: 'FACE_ID' },
      headers: app.as(owner.deviceId, owner.accessToken),
    });
    const stolen = await http('DELETE', `/api/v1/biometric/${reg.body.data.biometric_id}`, {
      headers: app.as(other.deviceId, other.accessToken),
    });
    expectAppError(stolen, 404, 'BIOMETRIC_NOT_FOUND');
    const ch2 = (await http('GET', '/api/v1/biometric/challenge', { headers: app.as(owner.deviceId) })).body.data
      .challenge_id;
    const login = await http('POST', '/api/v1/auth/login/biometric', {
      body: { challenge_id: ch2, signature: signChallenge(privateKey, ch2) },
      headers: app.as(owner.deviceId),
    });
    expect(login.status).toBe(200);
  });

  it('rotates a refresh token once when it is sent 20 times at once, and answers all 20 the same tokens', async () => {
    const user = await app.signedIn();
    const refresh = (token: string) =>
      http('POST', '/api/v1/auth/refresh', { body: { refresh_token: token }, headers: app.as(user.deviceId) });
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(user.refreshToken)));
    for (const a of answers) expectSuccess(a, 201, 'Akses token berhasil diperbarui.');
    expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
    const next = answers[0]?.body.data as { access_token: string; refresh_token: string };
    expect(
      (await http('GET', '/api/v1/loan/tenors', { headers: app.as(user.deviceId, next.access_token) })).status,
    ).toBe(200);
    expectSuccess(await refresh(next.refresh_token), 201, 'Akses token berhasil diperbarui.');
  });

  it('answers nothing again for a session revoked since, even within the grace', async () => {
    const user = await app.signedIn();
    const refresh = () =>
      http('POST', '/api/v1/auth/refresh', {
        body: { refresh_token: user.refreshToken },
        headers: app.as(user.deviceId),
      });
    const rotated = await refresh();
    expect(rotated.status).toBe(201);
    const revoked = await http('POST', '/api/v1/auth/revoke', {
      body: { refresh_token: rotated.body.data.refresh_token, reason: 'USER_LOGOUT' },
      headers: app.as(user.deviceId, rotated.body.data.access_token),
    });
    expect(revoked.status).toBe(200);
    expectAppError(await refresh(), 401, 'INVALID_REFRESH_TOKEN');
  });

  it("shows another tenant's platform key nothing of the app tenant's sandbox outbox", async () => {
    const phone = appPhone();
    await http('POST', '/api/v1/onboarding/register-phone', {
      body: { phone_number: phone },
      headers: app.as(newDeviceId()),
    });
    const { createPartner, issueCredential } = await import('#store/partners');
    const other = await issueCredential((await createPartner('Another partner')).partnerId, 'sandbox');
    const res = await http('GET', `/v1/sandbox/messages?to=${phone}`, {
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(await app.otpOf(phone)).toMatch(/^\d{6}$/);
  });
});

void APP_JPEG;

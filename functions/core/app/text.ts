/**
 * What the borrower app says: the spec's messages in Bahasa Indonesia (as it writes them)
 * with English beside, and the app's errors with the spec's codes. One place, so the app's
 * wording is reviewed together.
 */
import { AppError, type AppText, type FieldIssue } from '../errors.ts';

export const OK = {
  otpSent: { id: 'Kode OTP telah dikirim.', en: 'The OTP code has been sent.' },
  verified: { id: 'Verifikasi Berhasil.', en: 'Verification successful.' },
  kycVerified: { id: 'Verifikasi dokumen berhasil.', en: 'Document verification successful.' },
  activated: {
    id: 'Dokumen berhasil disimpan dan akun telah diaktifkan.',
    en: 'Your data has been saved and your account is active.',
  },
  challenge: { id: 'Challenge ID berhasil dibuat.', en: 'Challenge ID created.' },
  biometricRegistered: { id: 'Biometrik berhasil didaftarkan.', en: 'Biometric registered.' },
  loggedIn: { id: 'Login berhasil.', en: 'Login successful.' },
  biometricDeleted: { id: 'Akses biometrik telah dihapus.', en: 'Biometric access has been removed.' },
  limitProcessing: {
    id: 'Pengajuan limit kredit Anda sedang diproses.',
    en: 'Your credit limit application is being processed.',
  },
  limit: { id: 'Data limit kredit berhasil diambil.', en: 'Credit limit retrieved.' },
  tenors: { id: 'Data tenor berhasil diambil.', en: 'Tenors retrieved.' },
  products: { id: 'Data produk berhasil diambil.', en: 'Products retrieved.' },
  masterData: { id: 'Data referensi berhasil diambil.', en: 'Reference data retrieved.' },
  personalInfo: { id: 'Data pribadi berhasil diambil.', en: 'Personal information retrieved.' },
  revoked: { id: 'Refresh token berhasil dicabut.', en: 'The refresh token has been revoked.' },
  refreshed: { id: 'Akses token berhasil diperbarui.', en: 'The access token has been renewed.' },
  bills: { id: 'Data tagihan aktif berhasil diambil.', en: 'Active bills retrieved.' },
  paymentMethods: { id: 'Metode pembayaran berhasil diambil.', en: 'Payment methods retrieved.' },
  paymentCreated: { id: 'Instruksi pembayaran berhasil dibuat.', en: 'Payment instructions created.' },
  loanSubmitted: {
    id: 'Pengajuan pinjaman berhasil dikirim dan sedang dalam peninjauan.',
    en: 'Your loan application has been submitted and is under review.',
  },
} satisfies Record<string, AppText>;

/** Field messages in Bahasa Indonesia -> English (the envelope's `details[].message` with Accept-Language: en). */
export const FIELD_MESSAGES_EN = new Map<string, string>();

/** A field message: the Bahasa text (what schemas carry), its English registered beside it. */
export function fieldMessage(id: string, en: string): string {
  FIELD_MESSAGES_EN.set(id, en);
  return id;
}

/** The success envelope: `{ status: "success", message, data? }`. */
export function appOk(text: AppText, lang: 'id' | 'en', data?: unknown) {
  return { status: 'success', message: text[lang], ...(data === undefined ? {} : { data }) };
}

const INVALID_DATA = { id: 'Data yang Anda masukkan tidak valid.', en: 'The data you entered is not valid.' };

/** VALIDATION_ERROR naming each field, its value and what is wrong (in the app's language: `message`). */
export function appValidation(details: FieldIssue[]): AppError {
  return new AppError('validation', 'VALIDATION_ERROR', INVALID_DATA, { details });
}

/** Minutes (rounded up) in words, for "try again in …". */
function inMinutes(seconds: number) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return { id: `${minutes} menit`, en: `${minutes} minute${minutes === 1 ? '' : 's'}` };
}

export const appErrors = {
  invalidOtp: (remaining: number) =>
    new AppError(
      'validation',
      'INVALID_OTP_CODE',
      { id: 'Kode OTP yang Anda masukkan salah.', en: 'The OTP code you entered is wrong.' },
      { data: { remaining_attempts: remaining } },
    ),
  otpExpired: () =>
    new AppError('validation', 'OTP_EXPIRED', {
      id: 'Kode OTP sudah kedaluwarsa. Silahkan minta kode baru.',
      en: 'The OTP code has expired. Please request a new code.',
    }),
  otpAttemptsExceeded: () =>
    new AppError(
      'rate_limited',
      'OTP_ATTEMPTS_EXCEEDED',
      {
        id: 'Terlalu banyak percobaan kode OTP. Silahkan minta kode baru.',
        en: 'Too many wrong OTP codes. Please request a new code.',
      },
      { data: { remaining_attempts: 0 } },
    ),
  otpCooldown: (retryAfter: number) =>
    new AppError(
      'rate_limited',
      'OTP_RESEND_TOO_SOON',
      {
        id: `Mohon tunggu ${retryAfter} detik sebelum meminta kode OTP baru.`,
        en: `Please wait ${retryAfter} seconds before requesting a new OTP code.`,
      },
      { data: { retry_after: retryAfter }, retryAfterSeconds: retryAfter },
    ),
  otpHourlyCap: (retryAfter: number) => {
    const wait = inMinutes(retryAfter);
    return new AppError(
      'rate_limited',
      'OTP_LIMIT_EXCEEDED',
      {
        id: `Batas pengiriman kode OTP tercapai. Silahkan coba lagi dalam ${wait.id}.`,
        en: `You have reached the OTP limit. Please try again in ${wait.en}.`,
      },
      { data: { retry_after: retryAfter }, retryAfterSeconds: retryAfter },
    );
  },
  phoneNotFound: (value: string) =>
    new AppError(
      'not_found',
      'PHONE_NUMBER_NOT_FOUND',
      { id: 'Pengguna tidak ditemukan.', en: 'User not found.' },
      {
        details: [
          {
            field: 'phone_number',
            value,
            message: fieldMessage('Nomor telepon belum terdaftar.', 'This phone number is not registered.'),
          },
        ],
      },
    ),
  phoneRegistered: (value: string) =>
    new AppError(
      'conflict',
      'PHONE_NUMBER_ALREADY_REGISTERED',
      { id: 'Nomor telepon sudah terdaftar. Silahkan masuk.', en: 'This phone number is registered. Please log in.' },
      {
        details: [
          {
            field: 'phone_number',
            value,
            message: fieldMessage('Nomor telepon sudah terdaftar.', 'This phone number is already registered.'),
          },
        ],
      },
    ),
  nikRegistered: (value: string) =>
    new AppError(
      'conflict',
      'NIK_ALREADY_REGISTERED',
      { id: 'NIK sudah terdaftar pada akun lain.', en: 'This NIK is registered to another account.' },
      {
        details: [
          {
            field: 'nik',
            value,
            message: fieldMessage('NIK sudah terdaftar pada akun lain.', 'This NIK is registered to another account.'),
          },
        ],
      },
    ),
  accountNotActive: () =>
    new AppError('invalid_state', 'ACCOUNT_NOT_ACTIVE', {
      id: 'Akun Anda belum aktif. Silahkan selesaikan pendaftaran.',
      en: 'Your account is not active yet. Please complete the registration.',
    }),
  accountAlreadyActive: () =>
    new AppError('invalid_state', 'ACCOUNT_ALREADY_ACTIVE', {
      id: 'Akun Anda sudah aktif.',
      en: 'Your account is already active.',
    }),
  kycRequired: () =>
    new AppError('invalid_state', 'KYC_NOT_VERIFIED', {
      id: 'Silahkan selesaikan verifikasi dokumen terlebih dahulu.',
      en: 'Please complete the document verification first.',
    }),
  kycAlreadyVerified: () =>
    new AppError('invalid_state', 'KYC_ALREADY_VERIFIED', {
      id: 'Dokumen Anda sudah terverifikasi.',
      en: 'Your documents are already verified.',
    }),
  /**
   * The selfie failed: the face does not match the KTP's, or (`check: 'liveness'`) it is not of a
   * live person. Both are the spec's LOW_FACE_MATCH_SCORE; `failed_check` and the message tell
   * the app which, so it can coach the user.
   */
  lowFaceMatch: (score: number, required: number, check: 'face_match' | 'liveness' = 'face_match') =>
    new AppError(
      'rule_violation',
      'LOW_FACE_MATCH_SCORE',
      check === 'liveness'
        ? {
            id: 'Verifikasi wajah gagal: swafoto tidak terdeteksi sebagai wajah asli.',
            en: 'Face verification failed: the selfie was not detected as a live face.',
          }
        : { id: 'Verifikasi wajah gagal.', en: 'Face verification failed.' },
      {
        data: {
          face_match_score: score,
          required_score: required,
          kyc_status: 'REJECTED_RETRY',
          failed_check: check,
          suggestion:
            check === 'liveness'
              ? {
                  id: 'Ambil swafoto langsung dengan kamera, bukan foto dari layar atau cetakan.',
                  en: 'Take the selfie live with the camera, not a photo of a screen or a print.',
                }
              : { id: 'Pastikan wajah Anda terlihat dengan jelas.', en: 'Make sure your face is clearly visible.' },
        },
      },
    ),
  ocrUnreadable: () =>
    new AppError(
      'rule_violation',
      'KTP_UNREADABLE',
      { id: 'Foto KTP tidak dapat dibaca.', en: 'The KTP photo cannot be read.' },
      {
        data: {
          kyc_status: 'REJECTED_RETRY',
          suggestion: {
            id: 'Pastikan seluruh KTP terlihat jelas, tidak buram dan tidak terkena pantulan cahaya.',
            en: 'Make sure the whole KTP is visible, sharp and free of glare.',
          },
        },
      },
    ),
  ocrInconsistent: (fields: string[]) =>
    new AppError(
      'rule_violation',
      'KTP_DATA_MISMATCH',
      {
        id: 'Data KTP tidak konsisten: NIK tidak sesuai dengan tanggal lahir atau jenis kelamin.',
        en: 'The KTP data is inconsistent: the NIK does not match the birth date or gender.',
      },
      {
        data: {
          kyc_status: 'REJECTED_RETRY',
          fields,
          suggestion: {
            id: 'Pastikan foto KTP asli dan terbaca jelas.',
            en: 'Make sure the photo is of the original KTP and clearly readable.',
          },
        },
      },
    ),
  invalidPin: (remaining: number, locked: boolean, retryAfter?: number) =>
    new AppError(
      'unauthenticated',
      locked ? 'PIN_LOCKED' : 'INVALID_PIN',
      locked
        ? {
            id: `PIN Anda terkunci karena terlalu banyak percobaan. Silahkan coba lagi dalam ${inMinutes(retryAfter ?? 0).id} atau masuk ulang dengan OTP.`,
            en: `Your PIN is locked after too many attempts. Try again in ${inMinutes(retryAfter ?? 0).en} or log in again with an OTP.`,
          }
        : {
            id: 'PIN yang anda masukkan salah. Silahkan coba lagi.',
            en: 'The PIN you entered is wrong. Please try again.',
          },
      {
        data: {
          remaining_attempts: remaining,
          is_locked: locked,
          ...(locked && retryAfter ? { retry_after: retryAfter } : {}),
        },
        ...(locked ? { retryAfterSeconds: retryAfter } : {}),
      },
    ),
  /** The spec's message is for registration; a login says so in its own words. */
  challengeExpired: (purpose: 'register' | 'login') =>
    new AppError(
      'invalid_state',
      'CHALLENGE_EXPIRED',
      purpose === 'register'
        ? {
            id: 'Sesi pendaftaran biometrik telah berakhir. Silahkan ulangi proses.',
            en: 'The biometric registration session has ended. Please start again.',
          }
        : {
            id: 'Sesi login biometrik telah berakhir. Silahkan minta challenge baru.',
            en: 'The biometric login session has ended. Please request a new challenge.',
          },
      { status: 410 },
    ),
  invalidPublicKey: (value: string) =>
    appValidation([
      {
        field: 'public_key',
        value: value.length > 64 ? `${value.slice(0, 64)}…` : value,
        message: fieldMessage(
          'Public key harus berupa kunci EC P-256 (SPKI atau X9.63) dalam base64.',
          'The public key must be an EC P-256 key (SPKI or X9.63) in base64.',
        ),
      },
    ]),
  biometricFailed: (remaining: number, locked: boolean) =>
    new AppError(
      'unauthenticated',
      'BIOMETRIC_VERIFICATION_FAILED',
      {
        id: 'Verifikasi biometrik gagal. Silahkan coba lagi atau masuk menggunakan PIN.',
        en: 'Biometric verification failed. Please try again or log in with your PIN.',
      },
      { data: { remaining_attempts: remaining, is_locked: locked } },
    ),
  biometricNotFound: () =>
    new AppError('not_found', 'BIOMETRIC_NOT_FOUND', {
      id: 'Data biometrik tidak ditemukan.',
      en: 'Biometric registration not found.',
    }),
  duplicateSubmission: () =>
    new AppError('conflict', 'DUPLICATE_SUBMISSION', {
      id: 'Mohon tunggu, saat ini pengajuan limit Anda masih dalam proses peninjauan.',
      en: 'Please wait: your limit application is still being reviewed.',
    }),
  limitExists: () =>
    new AppError('conflict', 'LIMIT_ALREADY_EXISTS', {
      id: 'Anda sudah memiliki limit kredit.',
      en: 'You already have a credit limit.',
    }),
  limitNotFound: () =>
    new AppError('not_found', 'LIMIT_NOT_FOUND', {
      id: 'Anda belum memiliki limit kredit. Silahkan lakukan pengajuan awal.',
      en: 'You have no credit limit yet. Please apply for one first.',
    }),
  productNotFound: (value: string | undefined) =>
    appValidation([
      {
        field: 'product_id',
        value: value ?? null,
        message: value
          ? 'Produk tidak ditemukan.'
          : 'product_id wajib diisi karena Anda memiliki lebih dari satu produk.',
      },
    ]),
  paymentMethodUnavailable: () =>
    new AppError(
      'validation',
      'PAYMENT_METHOD_UNAVAILABLE',
      { id: 'Metode pembayaran ini tidak tersedia.', en: 'This payment method is not available.' },
      { status: 422 },
    ),
  insufficientLimit: (available: bigint | null) =>
    new AppError(
      'rule_violation',
      'INSUFFICIENT_LIMIT',
      {
        id: 'Jumlah pinjaman melebihi sisa limit kredit Anda.',
        en: 'The loan amount exceeds your remaining credit limit.',
      },
      { status: 422, ...(available === null ? {} : { data: { available_limit: Number(available) } }) },
    ),
  loginTokenSpent: () =>
    new AppError('unauthenticated', 'UNAUTHORIZED', {
      id: 'Sesi login ini sudah digunakan. Silahkan masuk ulang dengan OTP.',
      en: 'This login has already been used. Please log in again with an OTP.',
    }),
  invalidRefreshToken: () =>
    new AppError('unauthenticated', 'INVALID_REFRESH_TOKEN', {
      id: 'Sesi anda telah berakhir. Silahkan login kembali.',
      en: 'Your session has ended. Please log in again.',
    }),
};

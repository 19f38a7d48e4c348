/**
 * Borrower app API schemas (shared/specs/borrower-app-api.txt). Every field's error is the
 * spec's Bahasa Indonesia sentence naming the field (English beside it, for
 * Accept-Language: en); the envelope echoes the value sent (never a PIN, OTP or token).
 */
import * as z from 'zod';
import { isMasterDataId, MASTER_DATA_CATEGORIES, type MasterDataCategory } from '#core/app/master-data';
import { weakPinReason } from '#core/app/security';
import { fieldMessage as m } from '#core/app/text';
import { normaliseMobile, parseNik } from '#core/identity';

const required = (label: string, en: string) => m(`${label} wajib diisi.`, `${en} is required.`);

/** A text field: its Bahasa "wajib diisi" for a missing or non-string value, and its length. */
function text(label: string, en: string, min: number, max: number) {
  return z
    .string({ error: required(label, en) })
    .trim()
    .min(min, { error: m(`${label} minimal ${min} karakter.`, `${en} must be at least ${min} characters.`) })
    .max(max, { error: m(`${label} maksimal ${max} karakter.`, `${en} must be at most ${max} characters.`) });
}

const INVALID_PHONE = m('Format nomor telepon tidak valid.', 'The phone number format is not valid.');

/** An Indonesian mobile number (libphonenumber), answered as sent and stored in E.164. */
export const phoneNumber = z
  .string({ error: INVALID_PHONE })
  .max(20, { error: INVALID_PHONE })
  .refine((v) => normaliseMobile(v, 'ID') !== null, { error: INVALID_PHONE })
  .describe('Indonesian mobile number: 08…, 628… or +628… (libphonenumber mobile ranges)')
  .meta({ examples: ['081234567890'] });

export const deviceHeaders = z.object({
  'x-device-id': z
    .string({ error: m('Header X-Device-ID wajib diisi.', 'The X-Device-ID header is required.') })
    .min(8, { error: m('X-Device-ID minimal 8 karakter.', 'X-Device-ID must be at least 8 characters.') })
    .max(128, { error: m('X-Device-ID maksimal 128 karakter.', 'X-Device-ID must be at most 128 characters.') })
    .regex(/^[\x21-\x7e]+$/, {
      error: m('X-Device-ID hanya boleh berisi karakter ASCII.', 'X-Device-ID must be printable ASCII.'),
    })
    .describe("The app's stable id for this installation (Android ID / identifierForVendor); tokens are bound to it")
    .meta({ examples: ['7f3c2a9e1b4d6f08'] }),
  'accept-language': z.string().optional().describe('`en` for English messages; Bahasa Indonesia otherwise'),
});

const otpCode = z
  .string({ error: m('Kode OTP wajib diisi.', 'The OTP code is required.') })
  .regex(/^\d{6}$/, { error: m('Kode OTP harus 6 digit angka.', 'The OTP code must be 6 digits.') });

export const registerPhoneBody = z.object({ phone_number: phoneNumber });
export const verifyOtpBody = z.object({ phone_number: phoneNumber, otp_code: otpCode });

const isoDate = (label: string, en: string) =>
  z.string({ error: required(label, en) }).refine(
    (v) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
      if (!match) return false;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
    },
    {
      error: m(
        `Format ${label.toLowerCase()} tidak valid.`,
        `The ${en.toLowerCase()} format is not valid (YYYY-MM-DD).`,
      ),
    },
  );

function reference(category: MasterDataCategory, field: string) {
  return z
    .string({ error: m(`${field} wajib diisi.`, `${field} is required.`) })
    .max(64, { error: m(`${field} tidak ditemukan.`, `${field} does not exist.`) })
    .refine((id) => isMasterDataId(category, id), {
      error: m(`${field} tidak ditemukan.`, `${field} does not exist (see GET /api/v1/master-data/${category}).`),
    })
    .describe(`An id from GET /api/v1/master-data/${category}`);
}

export const MARITAL_STATUSES = ['BELUM KAWIN', 'KAWIN', 'CERAI HIDUP', 'CERAI MATI'] as const;

const PIN_FORMAT = m('PIN harus terdiri dari 6 digit angka.', 'The PIN must be 6 digits.');
const PIN_WEAK = m(
  'PIN terlalu mudah ditebak (angka berulang atau berurutan).',
  'The PIN is too easy to guess (repeated or sequential digits).',
);

export const personalInfoBody = z
  .object({
    nik: z
      .string({ error: m('NIK harus terdiri dari 16 digit angka.', 'The NIK must be 16 digits.') })
      .regex(/^\d{16}$/, { error: m('NIK harus terdiri dari 16 digit angka.', 'The NIK must be 16 digits.') })
      .refine((v) => !/^\d{16}$/.test(v) || parseNik(v).ok, { error: m('NIK tidak valid.', 'The NIK is not valid.') }),
    full_name: text('Nama lengkap', 'Full name', 2, 100),
    birth_place: text('Tempat lahir', 'Birth place', 2, 100),
    birth_date: isoDate('Tanggal lahir', 'Birth date'),
    ktp_address: text('Alamat KTP', 'KTP address', 5, 300),
    marital_status: z.enum(MARITAL_STATUSES, {
      error: m(
        `Status perkawinan harus salah satu dari: ${MARITAL_STATUSES.join(', ')}.`,
        `Marital status must be one of: ${MARITAL_STATUSES.join(', ')}.`,
      ),
    }),
    email: z
      .string({ error: required('Email', 'Email') })
      .max(254, { error: m('Format email tidak valid.', 'The e-mail format is not valid.') })
      .pipe(z.email({ error: m('Format email tidak valid.', 'The e-mail format is not valid.') })),
    home_ownership_id: reference('home-ownerships', 'home_ownership_id'),
    education_id: reference('educations', 'education_id'),
    birth_mother_name: text('Nama ibu kandung', "Mother's maiden name", 2, 100),
    domicile_city: text('Kota domisili', 'Domicile city', 2, 100),
    domicile_address: text('Alamat domisili', 'Domicile address', 5, 300),
    occupation_id: reference('occupations', 'occupation_id'),
    bank_id: reference('banks', 'bank_id'),
    bank_account_number: z.string({ error: required('Nomor rekening', 'Bank account number') }).regex(/^\d{6,20}$/, {
      error: m('Nomor rekening harus 6 sampai 20 digit angka.', 'The bank account number must be 6 to 20 digits.'),
    }),
    bank_account_name: text('Nama pemilik rekening', 'Account holder name', 2, 100),
    security_pin: z
      .string({ error: PIN_FORMAT })
      .regex(/^\d{6}$/, { error: PIN_FORMAT })
      .refine((v) => !/^\d{6}$/.test(v) || weakPinReason(v) === null, { error: PIN_WEAK })
      .describe('6 digits, not one digit repeated nor a straight run; stored with scrypt only, never logged'),
    emergency_contacts: z
      .array(
        z.object({
          contact_name: text('Nama kontak darurat', 'Emergency contact name', 2, 100),
          phone_number: phoneNumber,
          relationship_id: reference('relationships', 'relationship_id'),
        }),
        { error: m('Kontak darurat wajib diisi.', 'Emergency contacts are required.') },
      )
      .min(1, { error: m('Minimal 1 kontak darurat.', 'At least one emergency contact.') })
      .max(5, { error: m('Maksimal 5 kontak darurat.', 'At most 5 emergency contacts.') }),
  })
  .superRefine((body, ctx) => {
    // The NIK encodes the birth date (DDMMYY, women's day + 40): they must agree.
    const nik = parseNik(body.nik);
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(body.birth_date);
    if (nik.ok && match) {
      const { birthDay, birthMonth, birthYear2 } = nik.info;
      if (Number(match[3]) !== birthDay || Number(match[2]) !== birthMonth || Number(match[1]) % 100 !== birthYear2) {
        ctx.addIssue({
          code: 'custom',
          path: ['birth_date'],
          message: m('Tanggal lahir tidak sesuai dengan NIK.', 'The birth date does not match the NIK.'),
        });
      }
    }
  })
  .meta({
    examples: [
      {
        nik: '3171251508900001',
        full_name: 'Budi Santoso',
        birth_place: 'Jakarta',
        birth_date: '1990-08-15',
        ktp_address: 'Jl. Merdeka No. 1, Jakarta Pusat',
        marital_status: 'KAWIN',
        email: 'budi@example.com',
        home_ownership_id: 'hom_own',
        education_id: 'edu_s1',
        birth_mother_name: 'Siti Aminah',
        domicile_city: 'Jakarta',
        domicile_address: 'Jl. Merdeka No. 1, Jakarta Pusat',
        occupation_id: 'occ_private',
        bank_id: 'bnk_bca',
        bank_account_number: '1234567890',
        bank_account_name: 'Budi Santoso',
        security_pin: '582914',
        emergency_contacts: [
          { contact_name: 'Siti Rahayu', phone_number: '081298765432', relationship_id: 'rel_spouse' },
        ],
      },
    ],
  });

export const registerBiometricBody = z.object({
  challenge_id: z
    .string({ error: required('challenge_id', 'challenge_id') })
    .max(64, { error: m('challenge_id tidak valid.', 'challenge_id is not valid.') }),
  public_key: z
    .string({ error: required('public_key', 'public_key') })
    .max(1024, { error: m('public_key terlalu panjang.', 'public_key is too long.') })
    .describe(
      'The device key: ECDSA P-256, base64 of the DER SubjectPublicKeyInfo (Android) or the 65-byte X9.63 point (iOS)',
    ),
  biometric_type: z.enum(['FACE_ID', 'TOUCH_ID', 'FINGERPRINT', 'FACE'], {
    error: m(
      'biometric_type harus FACE_ID, TOUCH_ID, FINGERPRINT atau FACE.',
      'biometric_type must be FACE_ID, TOUCH_ID, FINGERPRINT or FACE.',
    ),
  }),
});

export const verifyPinBody = z.object({
  pin: z.string({ error: PIN_FORMAT }).regex(/^\d{6}$/, { error: PIN_FORMAT }),
});

export const biometricLoginBody = z.object({
  challenge_id: z
    .string({ error: required('challenge_id', 'challenge_id') })
    .max(64, { error: m('challenge_id tidak valid.', 'challenge_id is not valid.') }),
  signature: z
    .string({ error: required('signature', 'signature') })
    .max(512, { error: m('signature tidak valid.', 'signature is not valid.') })
    .describe('base64 of the DER ECDSA-SHA256 signature of the UTF-8 bytes of challenge_id'),
});

export const biometricParams = z.object({
  biometric_id: z.string().max(64, { error: m('biometric_id tidak valid.', 'biometric_id is not valid.') }),
});

export const applyLimitBody = z.object({
  submission_type: z.literal('INITIAL_CREDIT_LIMIT', {
    error: m('submission_type harus INITIAL_CREDIT_LIMIT.', 'submission_type must be INITIAL_CREDIT_LIMIT.'),
  }),
  product_id: z
    .string()
    .max(64)
    .optional()
    .describe('Optional when the user has one product (GET /api/v1/loan/products)'),
});

export const productQuery = z.object({
  product_id: z.string().max(64).optional().describe('Optional when there is one product (GET /api/v1/loan/products)'),
});

export const masterDataParams = z.object({
  category: z.enum(MASTER_DATA_CATEGORIES, {
    error: m(
      `Kategori harus salah satu dari: ${MASTER_DATA_CATEGORIES.join(', ')}.`,
      `The category must be one of: ${MASTER_DATA_CATEGORIES.join(', ')}.`,
    ),
  }),
});

const refreshToken = z
  .string({ error: required('refresh_token', 'refresh_token') })
  .max(256, { error: m('refresh_token tidak valid.', 'refresh_token is not valid.') });

export const revokeBody = z.object({
  refresh_token: refreshToken,
  reason: z
    .enum(['USER_LOGOUT', 'DEVICE_LOST', 'SECURITY_CONCERN', 'OTHER'], {
      error: m(
        'reason harus USER_LOGOUT, DEVICE_LOST, SECURITY_CONCERN atau OTHER.',
        'reason must be USER_LOGOUT, DEVICE_LOST, SECURITY_CONCERN or OTHER.',
      ),
    })
    .default('USER_LOGOUT'),
});

export const refreshBody = z.object({ refresh_token: refreshToken });

// ---------------------------------------------------------------- responses (OpenAPI)

const envelope = <T extends z.ZodType>(data: T) =>
  z.object({ status: z.literal('success'), message: z.string(), data });

export const messageOnly = z.object({ status: z.literal('success'), message: z.string() });

export const errorBody = z.object({
  status: z.literal('error'),
  error_code: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), value: z.unknown(), message: z.string() })).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const otpSent = envelope(
  z.object({ otp_log_id: z.string(), channel: z.enum(['WHATSAPP', 'SMS']), expired_at: z.string() }),
);

const accessToken = z.object({
  token_type: z.literal('Bearer'),
  access_token: z.string(),
  expired_at: z.string(),
  expires_in: z.number(),
});
export const tokenAnswer = envelope(accessToken);
export const sessionAnswer = envelope(
  accessToken.extend({ refresh_token: z.string(), user: z.object({ name: z.string() }) }),
);

export const kycAnswer = envelope(
  z.object({
    kyc_reference_id: z.string(),
    face_match_score: z.number(),
    kyc_status: z.literal('SYSTEM_VERIFIED'),
    ocr_preview: z.record(z.string(), z.string()),
  }),
);

export const activationAnswer = envelope(
  z.object({
    user_id: z.string(),
    account_activation: z.object({ is_active: z.boolean(), status: z.literal('ACTIVE'), activated_at: z.string() }),
  }),
);

export const challengeAnswer = envelope(
  z.object({ challenge_id: z.string(), expires_at: z.string(), expires_in: z.number() }),
);

export const biometricRegistered = messageOnly.extend({ data: z.object({ biometric_id: z.string() }) });

export const limitAnswer = envelope(
  z.object({
    total_limit: z.number().nullable(),
    available_limit: z.number().nullable(),
    currency: z.literal('IDR'),
    status: z.enum(['PROCESSING', 'APPROVED', 'REJECTED']),
    is_active: z.boolean(),
  }),
);

export const tenorsAnswer = envelope(
  z.object({
    tenor_list: z.array(z.object({ id: z.number(), month: z.number(), label: z.string(), interest_rate: z.number() })),
  }),
);

export const productsAnswer = envelope(
  z.object({
    products: z.array(
      z.object({
        product_id: z.string(),
        title: z.string(),
        currency: z.literal('IDR'),
        service_fee_amount: z.number(),
        min_amount: z.number(),
        tenor_list: z.array(
          z.object({ id: z.number(), month: z.number(), label: z.string(), interest_rate: z.number() }),
        ),
        promos: z.array(z.object({ promo_id: z.number(), promo_code: z.string(), promo_discount_amount: z.number() })),
      }),
    ),
  }),
);

export const masterDataAnswer = envelope(
  z.object({
    category: z.string(),
    items: z.array(z.object({ id: z.string(), name: z.string(), name_en: z.string(), code: z.string().optional() })),
  }),
);

export const personalInfoAnswer = envelope(z.record(z.string(), z.unknown()));

/** Item 15: every installment of the user's serviced loans not fully paid; amounts in rupiah. */
export const billsAnswer = envelope(
  z.object({
    total_outstanding: z.number(),
    bills: z.array(
      z.object({
        bill_id: z.string().describe("generate payment's schedule_id"),
        loan_id: z.string(),
        amount: z.number().describe('Principal, interest and fees still owed'),
        pinalty_amount: z.number().describe('Late fees still owed (the spec spells it pinalty)'),
        total_amount: z.number(),
        installment_no: z.number(),
        due_date: z.string(),
        status: z.enum(['UNPAID', 'PARTIALLY_PAID', 'OVERDUE']),
      }),
    ),
  }),
);

/** Item 17: the product's payment methods; `id` is generate payment's payment_channel_id. */
export const paymentMethodsAnswer = envelope(
  z.object({
    payment_methods: z.array(
      z.object({
        id: z.number(),
        code: z.string(),
        name: z.string(),
        category: z.enum(['VIRTUAL_ACCOUNT', 'QR_CODE']),
        fee: z.number(),
      }),
    ),
  }),
);

const rupiah = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** Item 18: the method and the bills (schedules) to pay, all of one loan. */
export const generatePaymentBody = z.object({
  payment_channel_id: z.number().int().positive().max(1_000_000),
  amount: rupiah.positive().describe("The chosen schedules' total_amount summed"),
  loan_repayment_schedules: z
    .array(
      z.object({
        schedule_id: z.string().min(1).max(128).describe("A bill's bill_id"),
        total_installment_paid: rupiah.optional(),
        penalty_paid: rupiah.optional(),
        amount_paid: rupiah.optional(),
      }),
    )
    .min(1)
    .max(60),
});

export const generatePaymentAnswer = envelope(
  z.object({
    payment_id: z.string(),
    payment_method: z.string(),
    payment_code: z.string().nullable(),
    qr_url: z.string().nullable(),
    paid_amount: z.number(),
    fee: z.number(),
    expiry_time: z.string(),
  }),
);

/** Item 16: the loan submission. Unknown fields are ignored (zod strips them). */
export const submissionBody = z.object({
  product_id: z
    .string({ error: m('product_id tidak valid.', 'product_id is not valid.') })
    .max(64, { error: m('product_id tidak valid.', 'product_id is not valid.') })
    .optional()
    .describe('Optional when the user has one product (GET /api/v1/loan/products)'),
  requested_amount: z
    .number({ error: required('requested_amount', 'requested_amount') })
    .int({ error: m('requested_amount harus bilangan bulat rupiah.', 'requested_amount must be whole rupiah.') })
    .positive({ error: m('requested_amount harus lebih dari 0.', 'requested_amount must be greater than 0.') })
    .max(Number.MAX_SAFE_INTEGER, { error: m('requested_amount terlalu besar.', 'requested_amount is too large.') })
    .describe('Rupiah (integer); at most the available limit')
    .meta({ examples: [8_000_000] }),
  tenor_months_id: z
    .number({ error: required('tenor_months_id', 'tenor_months_id') })
    .int({ error: m('tenor_months_id tidak valid.', 'tenor_months_id is not valid.') })
    .positive({ error: m('tenor_months_id tidak valid.', 'tenor_months_id is not valid.') })
    .max(1_000_000, { error: m('tenor_months_id tidak valid.', 'tenor_months_id is not valid.') })
    .describe('A tenor id from GET /api/v1/loan/tenors')
    .meta({ examples: [3] }),
  promo_id: z
    .number({ error: m('promo_id tidak valid.', 'promo_id is not valid.') })
    .int({ error: m('promo_id tidak valid.', 'promo_id is not valid.') })
    .positive({ error: m('promo_id tidak valid.', 'promo_id is not valid.') })
    .max(1_000_000, { error: m('promo_id tidak valid.', 'promo_id is not valid.') })
    .nullable()
    .optional()
    .describe("A promo id of the product's promos (GET /api/v1/loan/products); omit or null for none"),
  security_pin: z
    .string({ error: PIN_FORMAT })
    .regex(/^\d{6}$/, { error: PIN_FORMAT })
    .describe('The security PIN (6 digits): checked under the login lockout'),
});

export const submissionAnswer = envelope(
  z.object({
    application_no: z.string(),
    loan_id: z.string().describe("The loan's id: bills' loan_id, the platform API's /v1/loans/{id}"),
    loan_title: z.string(),
    product_id: z.string(),
    requested_amount: z.number(),
    tenor_months_id: z.number(),
    tenor_months: z.number(),
    applied_interest_rate: z.number().describe('Percent per month, flat'),
    is_promo_applied: z.boolean(),
    promo: z.object({ promo_id: z.number(), promo_code: z.string(), promo_discount_amount: z.number() }).nullable(),
    service_fee_amount: z.number(),
    interest_amount: z.number(),
    total_repayment_amount: z.number(),
    status: z.literal('UNDER REVIEW'),
    applied_at: z.string().describe('YYYY-MM-DD, Asia/Jakarta'),
  }),
);

/**
 * One error mapper per surface: the only place error types become status codes and bodies.
 * Each surface keeps its own spec's envelope, so a client written against that spec works.
 */
import { FIELD_MESSAGES_EN } from '#core/app/text';
import { AppError, type AppText, type ErrorType, type LendstackError } from '#core/errors';
import type { Surface } from './route.ts';

const STATUS: Record<ErrorType, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_state: 409,
  rate_limited: 429,
  rule_violation: 422,
  idempotency_key_reused: 422,
  idempotency_in_progress: 409,
  provider_unavailable: 502,
  not_configured: 503,
  internal: 500,
};

/** The journey API's generic codes (journey-api.txt, "Generic Status Codes"). */
const JOURNEY_CODE: Record<ErrorType, string> = {
  validation: 'FBX-E-001',
  unauthenticated: 'FBX-E-005',
  forbidden: 'FBX-E-005',
  not_found: 'FBX-E-006',
  method_not_allowed: 'FBX-E-000',
  conflict: 'FBX-E-010',
  invalid_state: 'FBX-E-010',
  rate_limited: 'FBX-E-004',
  rule_violation: 'FBX-E-011',
  idempotency_key_reused: 'FBX-E-001',
  idempotency_in_progress: 'FBX-E-004',
  provider_unavailable: 'FBX-E-012',
  not_configured: 'FBX-E-012',
  internal: 'FBX-E-002',
};

/** Journey codes that hold whatever the route: an unknown path is the spec's Generic Failure. */
const JOURNEY_CODE_BY_CODE: Record<string, string> = { no_route: 'FBX-E-000' };

/**
 * Journey endpoints whose sample names the code `status` instead of `statusCode` (the session
 * API). One key per endpoint, on success and on error alike; keyed by the route's path so the
 * authorizer (which has no route table) answers with the same key.
 */
const STATUS_KEY_PATHS = new Set(['/v2/user/session']);

/** The key that carries a journey endpoint's status code. */
export function journeyStatusKey(path: string | undefined): 'status' | 'statusCode' {
  return path && STATUS_KEY_PATHS.has(path) ? 'status' : 'statusCode';
}

export interface ErrorResponse {
  statusCode: number;
  body: unknown;
}

/** Which route answers: its endpoint-specific codes (journey API) and its path (for the status key). */
export interface ErrorContext {
  errorCodes?: Record<string, string>;
  /** The route's path template (`/v2/user/session`). */
  path?: string;
  /** The borrower app's language (from Accept-Language): Bahasa Indonesia unless `en`. */
  lang?: AppLang;
}

export type AppLang = 'id' | 'en';

/** `en` when the app asks for English first (`Accept-Language: en`, `en-US,…`); Bahasa Indonesia otherwise. */
export function appLang(acceptLanguage: string | undefined): AppLang {
  // The preferred of English and Indonesian by q-value (RFC 9110 §12.5.4); Bahasa when neither
  // is named or they tie, as the app is Indonesian first.
  let en = 0;
  let id = 0;
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const primary = tag.trim().split('-')[0];
    if (primary === 'en') en = Math.max(en, q);
    if (primary === 'id' || primary === 'in') id = Math.max(id, q);
  }
  return en > id ? 'en' : 'id';
}

/**
 * The borrower app's generic codes and messages, for errors that are not the app's own
 * (validation of the envelope, authorizer refusals, unknown paths, rate limits, 500s).
 */
const APP_GENERIC: Record<ErrorType, { code: string; text: AppText }> = {
  validation: {
    code: 'VALIDATION_ERROR',
    text: { id: 'Data yang Anda masukkan tidak valid.', en: 'The data you entered is not valid.' },
  },
  unauthenticated: {
    code: 'UNAUTHORIZED',
    text: {
      id: 'Sesi anda tidak valid. Silahkan login kembali.',
      en: 'Your session is not valid. Please log in again.',
    },
  },
  forbidden: {
    code: 'FORBIDDEN',
    text: { id: 'Anda tidak memiliki akses.', en: 'You do not have access.' },
  },
  not_found: {
    code: 'NOT_FOUND',
    text: { id: 'Data tidak ditemukan.', en: 'Not found.' },
  },
  method_not_allowed: {
    code: 'METHOD_NOT_ALLOWED',
    text: { id: 'Metode tidak diizinkan untuk alamat ini.', en: 'This method is not allowed on this path.' },
  },
  conflict: { code: 'CONFLICT', text: { id: 'Permintaan bertentangan dengan data yang ada.', en: 'Conflict.' } },
  invalid_state: {
    code: 'INVALID_STATE',
    text: { id: 'Permintaan tidak dapat diproses saat ini.', en: 'The request cannot be processed now.' },
  },
  rate_limited: {
    code: 'TOO_MANY_REQUESTS',
    text: {
      id: 'Terlalu banyak permintaan. Silahkan coba lagi nanti.',
      en: 'Too many requests. Please try again later.',
    },
  },
  rule_violation: {
    code: 'UNPROCESSABLE',
    text: { id: 'Permintaan tidak dapat diproses.', en: 'The request cannot be processed.' },
  },
  idempotency_key_reused: {
    code: 'IDEMPOTENCY_KEY_REUSED',
    text: {
      id: 'Idempotency-Key ini sudah dipakai untuk permintaan lain.',
      en: 'This Idempotency-Key was already used with a different request.',
    },
  },
  idempotency_in_progress: {
    code: 'REQUEST_IN_PROGRESS',
    text: {
      id: 'Permintaan yang sama masih diproses. Silahkan coba lagi.',
      en: 'The same request is still being processed. Please retry.',
    },
  },
  provider_unavailable: {
    code: 'SERVICE_UNAVAILABLE',
    text: { id: 'Layanan sedang tidak tersedia. Silahkan coba lagi.', en: 'The service is unavailable. Please retry.' },
  },
  not_configured: {
    code: 'SERVICE_UNAVAILABLE',
    text: { id: 'Layanan belum dikonfigurasi.', en: 'The service is not configured.' },
  },
  internal: {
    code: 'INTERNAL_ERROR',
    text: { id: 'Terjadi kesalahan pada server. Silahkan coba lagi.', en: 'Something went wrong on our side.' },
  },
};

/** Field messages the middleware writes (short English fragments), as sentences in the app's two languages. */
const APP_FIELD_MESSAGES: Record<string, AppText> = {
  'is required': { id: 'Wajib diisi.', en: 'This field is required.' },
  'is not valid JSON': { id: 'Isi permintaan bukan JSON yang valid.', en: 'The request body is not valid JSON.' },
  'must be multipart/form-data': {
    id: 'Isi permintaan harus multipart/form-data.',
    en: 'The request body must be multipart/form-data.',
  },
  'must be multipart/form-data with a boundary': {
    id: 'Isi permintaan harus multipart/form-data dengan boundary.',
    en: 'The request body must be multipart/form-data with a boundary.',
  },
  'is not valid multipart/form-data': {
    id: 'Isi permintaan bukan multipart/form-data yang valid.',
    en: 'The request body is not valid multipart/form-data.',
  },
};

/** The borrower app's error envelope: `{ status: "error", error_code, message, details?, data? }`. */
function appErrorBody(error: LendstackError, lang: AppLang) {
  const app = error instanceof AppError ? error : undefined;
  const generic = APP_GENERIC[error.type];
  const text = app?.text ?? generic.text;
  const code = app
    ? app.code
    : error.code === 'no_route'
      ? error.type === 'not_found'
        ? 'NOT_FOUND'
        : 'METHOD_NOT_ALLOWED'
      : generic.code;
  // One problem per field, the first found (the spec's samples name each field once).
  const seen = new Set<string>();
  const first = error.details.filter((d) => !seen.has(d.field) && seen.add(d.field));
  const details = first.map((d) => ({
    field: d.field,
    value: d.value ?? null,
    message:
      APP_FIELD_MESSAGES[d.message]?.[lang] ??
      (lang === 'en' ? (FIELD_MESSAGES_EN.get(d.message) ?? d.message) : d.message),
  }));
  return {
    status: 'error',
    error_code: code,
    message: text[lang],
    ...(details.length ? { details } : {}),
    ...(app?.data ? { data: inLanguage(app.data, lang) } : {}),
  };
}

/** An error's data with each `{ id, en }` text (a KYC suggestion, say) in the app's language. */
function inLanguage(data: Record<string, unknown>, lang: AppLang): Record<string, unknown> {
  const isText = (v: unknown): v is AppText =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as AppText).id === 'string' &&
    typeof (v as AppText).en === 'string';
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, isText(v) ? v[lang] : v]));
}

/** Maps a domain error to the surface's envelope. `requestId` lets support find the logs. */
export function errorResponse(
  surface: Surface,
  error: LendstackError,
  requestId: string,
  { errorCodes = {}, path, lang = 'id' }: ErrorContext = {},
): ErrorResponse {
  const statusCode = (error instanceof AppError && error.status) || STATUS[error.type];
  if (surface === 'app') return { statusCode, body: appErrorBody(error, lang) };
  if (surface === 'journey') {
    const message = error.details.length
      ? `${error.message}: ${error.details.map((d) => `${d.field} ${d.message}`).join('; ')}`
      : error.message;
    const byField = error.details.map((d) => errorCodes[`field:${d.field.split('.')[0]}`]).find(Boolean);
    const code = byField ?? errorCodes[error.code] ?? JOURNEY_CODE_BY_CODE[error.code] ?? JOURNEY_CODE[error.type];
    // The spec's error samples carry `"data": {}`: a client reading res.data.referenceID must not throw.
    return { statusCode, body: { data: {}, error: message, [journeyStatusKey(path)]: code } };
  }
  // Platform conventions: { error: { code, message, details } }; the partner API uses the same shape.
  return {
    statusCode,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details.length ? { details: error.details } : {}),
        request_id: requestId,
      },
    },
  };
}

/** The body for an error nobody planned for: generic, with the request id, internals never leak. */
export function internalErrorResponse(
  surface: Surface,
  requestId: string,
  path?: string,
  lang: AppLang = 'id',
): ErrorResponse {
  if (surface === 'app') {
    const { code, text } = APP_GENERIC.internal;
    return { statusCode: 500, body: { status: 'error', error_code: code, message: text[lang], request_id: requestId } };
  }
  if (surface === 'journey') {
    return { statusCode: 500, body: { data: {}, error: 'Internal Issues', [journeyStatusKey(path)]: 'FBX-E-002' } };
  }
  return {
    statusCode: 500,
    body: { error: { code: 'internal_error', message: 'Something went wrong on our side', request_id: requestId } },
  };
}

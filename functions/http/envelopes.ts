/**
 * One error mapper per surface: the only place error types become status codes and bodies.
 * Each surface keeps its own spec's envelope, so a client written against that spec works.
 */
import type { ErrorType, LendstackError } from '#core/errors';
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
}

/** Maps a domain error to the surface's envelope. `requestId` lets support find the logs. */
export function errorResponse(
  surface: Surface,
  error: LendstackError,
  requestId: string,
  { errorCodes = {}, path }: ErrorContext = {},
): ErrorResponse {
  const statusCode = STATUS[error.type];
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
export function internalErrorResponse(surface: Surface, requestId: string, path?: string): ErrorResponse {
  if (surface === 'journey') {
    return { statusCode: 500, body: { data: {}, error: 'Internal Issues', [journeyStatusKey(path)]: 'FBX-E-002' } };
  }
  return {
    statusCode: 500,
    body: { error: { code: 'internal_error', message: 'Something went wrong on our side', request_id: requestId } },
  };
}

/**
 * The one error family. Errors carry a `type` (what went wrong, in domain terms), never an
 * HTTP status: each API surface has one mapper (functions/http/envelopes.ts) that turns a
 * type into that surface's status code and envelope.
 */
export type ErrorType =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  /** The path exists, but not with this HTTP method. */
  | 'method_not_allowed'
  | 'conflict'
  | 'invalid_state'
  | 'rate_limited'
  | 'rule_violation'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'provider_unavailable'
  | 'not_configured'
  | 'internal';

/** One field that failed validation: `field` is a dotted path into the request. */
export interface FieldIssue {
  field: string;
  message: string;
  /** The value sent (the borrower app's envelope echoes it; other surfaces leave it out). */
  value?: unknown;
}

export class LendstackError extends Error {
  readonly type: ErrorType;
  /** Stable, machine-readable reason within the type (e.g. `borrower_not_found`). */
  readonly code: string;
  readonly details: FieldIssue[];

  constructor(type: ErrorType, code: string, message: string, options?: { cause?: unknown; details?: FieldIssue[] }) {
    super(message, { cause: options?.cause });
    this.name = 'LendstackError';
    this.type = type;
    this.code = code;
    this.details = options?.details ?? [];
  }
}

export class ValidationError extends LendstackError {
  constructor(details: FieldIssue[], message = 'The request was invalid', options?: { cause?: unknown }) {
    super('validation', 'invalid_request', message, { ...options, details });
    this.name = 'ValidationError';
  }
}

export class UnauthenticatedError extends LendstackError {
  constructor(message = 'Missing or invalid credentials', code = 'unauthenticated') {
    super('unauthenticated', code, message);
    this.name = 'UnauthenticatedError';
  }
}

export class ForbiddenError extends LendstackError {
  constructor(message: string, code = 'forbidden') {
    super('forbidden', code, message);
    this.name = 'ForbiddenError';
  }
}

export class NotFoundError extends LendstackError {
  constructor(what: string, id: string, options?: { cause?: unknown }) {
    super('not_found', `${what}_not_found`, `No ${what.replaceAll('_', ' ')} with id ${id}`, options);
    this.name = 'NotFoundError';
  }
}

/** No endpoint at this path (code `no_route`), or not with this method. */
export class NoRouteError extends LendstackError {
  constructor(method: string, path: string, pathExists: boolean) {
    super(
      pathExists ? 'method_not_allowed' : 'not_found',
      'no_route',
      pathExists ? `${method} is not allowed on ${path}` : `No endpoint ${method} ${path}`,
    );
    this.name = 'NoRouteError';
  }
}

export class ConflictError extends LendstackError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('conflict', code, message, options);
    this.name = 'ConflictError';
  }
}

/** The resource exists but is not in a state that allows the operation. */
export class InvalidStateError extends LendstackError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super('invalid_state', code, message, options);
    this.name = 'InvalidStateError';
  }
}

/** A valid request that a business rule refuses (a regulatory cap, a policy limit). */
export class RuleViolationError extends LendstackError {
  constructor(code: string, message: string, details: FieldIssue[] = []) {
    super('rule_violation', code, message, { details });
    this.name = 'RuleViolationError';
  }
}

export class RateLimitedError extends LendstackError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate_limited', 'rate_limited', 'Too many requests: retry after the current window');
    this.name = 'RateLimitedError';
  }
}

export class IdempotencyKeyReusedError extends LendstackError {
  constructor() {
    super(
      'idempotency_key_reused',
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request',
    );
    this.name = 'IdempotencyKeyReusedError';
  }
}

export class IdempotencyInProgressError extends LendstackError {
  constructor() {
    super(
      'idempotency_in_progress',
      'idempotency_in_progress',
      'A request with this Idempotency-Key is still being processed: retry later',
    );
    this.name = 'IdempotencyInProgressError';
  }
}

/** A live-mode provider has no configuration: lendstack never silently simulates in live mode. */
export class NotConfiguredError extends LendstackError {
  constructor(what: string) {
    super('not_configured', 'provider_not_configured', `${what} is not configured for live mode`);
    this.name = 'NotConfiguredError';
  }
}

/**
 * The borrower's status refuses the operation (a BLOCKED borrower's KYC or credit score; a
 * loan for a borrower that is not APPROVED): 400 with the status named, as the partner guide
 * answers a loan for a blocked borrower.
 */
export class BorrowerStatusError extends LendstackError {
  constructor(code: string, message: string) {
    super('validation', code, message);
    this.name = 'BorrowerStatusError';
  }
}

export class ProviderError extends LendstackError {
  constructor(provider: string, message: string, options?: { cause?: unknown }) {
    super('provider_unavailable', 'provider_unavailable', `${provider}: ${message}`, options);
    this.name = 'ProviderError';
  }
}

/** A message in the borrower app's two languages: Bahasa Indonesia (the default) and English. */
export interface AppText {
  id: string;
  en: string;
}

/**
 * An error of the borrower app API with the spec's own `error_code` (INVALID_OTP_CODE,
 * CHALLENGE_EXPIRED…), its message in both languages and, where the spec shows one, a `data`
 * object (remaining attempts, the face-match score). `type` still chooses the status code,
 * except where the spec names another (410 for an expired challenge): `status` overrides it.
 */
export class AppError extends LendstackError {
  readonly text: AppText;
  readonly data?: Record<string, unknown>;
  readonly status?: number;
  /** Seconds until the caller may try again (429 and lockouts): sent as Retry-After too. */
  readonly retryAfterSeconds?: number;

  constructor(
    type: ErrorType,
    errorCode: string,
    text: AppText,
    options?: {
      data?: Record<string, unknown>;
      details?: FieldIssue[];
      status?: number;
      retryAfterSeconds?: number;
      cause?: unknown;
    },
  ) {
    super(type, errorCode, text.en, { cause: options?.cause, details: options?.details });
    this.name = 'AppError';
    this.text = text;
    this.data = options?.data;
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

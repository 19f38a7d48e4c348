/** Test data with overrides. Every call makes unique identifiers, so tests never collide. */
import { randomInt } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Principal } from '#store/partners';

/**
 * A valid NIK born in 1990. The serial (last four digits) is random in 1000-6999 unless given:
 * away from every sandbox magic serial (7xxx-9xxx), and with the district and day enough
 * combinations (about 14 million) that a test file's borrowers never share one (NIKs are unique
 * per tenant: a fixed serial left about 2,400, and CI met a 409).
 */
export function nik(serial = String(randomInt(1000, 7000))): string {
  const district = String(randomInt(10, 99));
  const day = String(randomInt(1, 28)).padStart(2, '0');
  return `3171${district}${day}0890${serial}`;
}

/** A valid Indonesian mobile number, unique per call. */
export function phone(): string {
  return `0812${String(randomInt(10_000_000, 99_999_999))}`;
}

export function personalBorrower(overrides: Record<string, unknown> = {}) {
  return {
    borrower_type: 'PERSONAL',
    name: 'Budi Santoso',
    phone: phone(),
    email: 'budi@example.com',
    nik: nik(),
    ...overrides,
  };
}

/** The proxy event API Gateway sends after the authorizer allowed `principal`. */
export function apiEvent(
  principal: Principal | null,
  request: {
    method?: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
  },
): APIGatewayProxyEvent {
  return {
    resource: request.path,
    path: request.path,
    httpMethod: request.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: request.pathParameters ?? null,
    stageVariables: null,
    body: request.body === undefined ? null : JSON.stringify(request.body),
    isBase64Encoded: false,
    requestContext: {
      requestId: `req-${randomInt(1e9)}`,
      stage: 'test',
      authorizer: principal ? { ...principal, principalId: principal.partnerId } : null,
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as never;

/** The middleware stack around real handlers, against DynamoDB Local: auth context, validation, idempotency, rate limits. */
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createPartner,
  type IssuedCredential,
  issueCredential,
  type Principal,
  revokeCredential,
} from '#store/partners';
import { handler as apiKeyAuthorizer } from '../../functions/api/authorizers/api-key-bearer.ts';
import { handler as jwtAuthorizer } from '../../functions/api/authorizers/partner-jwt.ts';
import { handler as createUser } from '../../functions/api/partner/create-user.ts';
import { handler as issueToken } from '../../functions/api/partner/issue-token.ts';
import { handler as refreshToken } from '../../functions/api/partner/refresh-token.ts';
import { apiEvent, lambdaContext, personalBorrower } from '../helpers/factories.ts';

type Handler = (event: unknown, context: never) => Promise<APIGatewayProxyResult>;
const call = (handler: unknown, event: unknown) => (handler as Handler)(event, lambdaContext);
const json = (r: APIGatewayProxyResult) => JSON.parse(r.body);

let credential: IssuedCredential;
let principal: Principal;

beforeAll(async () => {
  const partner = await createPartner('HTTP stack partner');
  credential = await issueCredential(partner.partnerId, 'sandbox');
  principal = { partnerId: partner.partnerId, mode: 'sandbox', credentialId: credential.credentialId };
});

describe('POST /api/core/users through the middleware stack', () => {
  it('creates a borrower with 201, a request id and rate-limit headers', async () => {
    const res = await call(createUser, apiEvent(principal, { path: '/api/core/users', body: personalBorrower() }));
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({ userId: expect.stringMatching(/^bor_/), status: 'PENDING' });
    // The partner API's own default limit (the platform API's is its spec's 100).
    expect(res.headers).toMatchObject({ 'x-request-id': expect.any(String), 'x-ratelimit-limit': '3000' });
    expect(Number(res.headers?.['x-ratelimit-remaining'])).toBeLessThan(3000);
  });

  it('answers 400 naming every bad field, and stores nothing', async () => {
    const res = await call(
      createUser,
      apiEvent(principal, {
        path: '/api/core/users',
        body: personalBorrower({ nik: '123', phone: '0840123456789', email: undefined }),
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(
      json(res)
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['email', 'nik', 'phone']);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const event = { ...apiEvent(principal, { path: '/api/core/users' }), body: '{not json' };
    const res = await call(createUser, event);
    expect(res.statusCode).toBe(400);
    expect(json(res).error.details).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
  });

  it('replays the first response for the same Idempotency-Key and body, creating nothing new', async () => {
    const body = personalBorrower();
    const headers = { 'Idempotency-Key': `key-${Date.now()}` };
    const first = await call(createUser, apiEvent(principal, { path: '/api/core/users', body, headers }));
    const again = await call(createUser, apiEvent(principal, { path: '/api/core/users', body, headers }));
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(json(again)).toEqual(json(first));
    expect(again.headers?.['idempotent-replayed']).toBe('true');
  });

  it('answers 20 identical requests sent at once with one borrower and one answer, the first one', async () => {
    const body = personalBorrower();
    const headers = { 'Idempotency-Key': `key-${Date.now()}-burst` };
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(createUser, apiEvent(principal, { path: '/api/core/users', body, headers })),
      ),
    );
    // Not one 201 and nineteen "in progress": the others wait for the first answer and replay it.
    expect(replies.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((r) => json(r).userId)).size).toBe(1);
    expect(replies.filter((r) => r.headers?.['idempotent-replayed'] === 'true')).toHaveLength(19);
  });

  it('answers 422 when the same Idempotency-Key comes with a different body', async () => {
    const headers = { 'Idempotency-Key': `key-${Date.now()}-b` };
    await call(createUser, apiEvent(principal, { path: '/api/core/users', body: personalBorrower(), headers }));
    const res = await call(
      createUser,
      apiEvent(principal, { path: '/api/core/users', body: personalBorrower(), headers }),
    );
    expect(res.statusCode).toBe(422);
    expect(json(res).error.code).toBe('idempotency_key_reused');
  });

  it('stores a 409 conflict as the answer for its key too (errors are responses)', async () => {
    const body = personalBorrower();
    await call(createUser, apiEvent(principal, { path: '/api/core/users', body }));
    const headers = { 'Idempotency-Key': `key-${Date.now()}-c` };
    const res = await call(createUser, apiEvent(principal, { path: '/api/core/users', body, headers }));
    const again = await call(createUser, apiEvent(principal, { path: '/api/core/users', body, headers }));
    expect(res.statusCode).toBe(409);
    expect(again.statusCode).toBe(409);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
  });

  it('answers 401 when no authorizer context reached the handler', async () => {
    const res = await call(createUser, apiEvent(null, { path: '/api/core/users', body: personalBorrower() }));
    expect(res.statusCode).toBe(401);
  });
});

describe('partner tokens and authorizers', () => {
  const authorizerEvent = (headers: Record<string, string>) =>
    ({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:x:1:api/s/GET/p',
      headers,
      requestContext: { requestId: 'r' },
    }) as unknown as APIGatewayRequestAuthorizerEvent;
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  it('exchanges Basic credentials for tokens the JWT authorizer accepts', async () => {
    const res = await call(
      issueToken,
      apiEvent(null, {
        path: '/api/auth/token/v2',
        headers: { Authorization: basic(credential.clientId, credential.clientSecret) },
      }),
    );
    expect(res.statusCode).toBe(200);
    const tokens = json(res);
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^rt_/),
    });
    const decision = await jwtAuthorizer(authorizerEvent({ Authorization: `Bearer ${tokens.access_token}` }));
    expect(decision.policyDocument.Statement[0]?.Effect).toBe('Allow');
    expect(decision.context).toMatchObject({ partnerId: principal.partnerId, mode: 'sandbox' });
  });

  it('refuses a wrong secret with 401', async () => {
    const res = await call(
      issueToken,
      apiEvent(null, {
        path: '/api/auth/token/v2',
        headers: { Authorization: basic(credential.clientId, 'sk_sandbox_wrong') },
      }),
    );
    expect(res.statusCode).toBe(401);
    expect(json(res).error.code).toBe('invalid_client');
  });

  it('rotates refresh tokens: the old one works once', async () => {
    const tokens = json(
      await call(
        issueToken,
        apiEvent(null, {
          path: '/api/auth/token/v2',
          headers: { Authorization: basic(credential.clientId, credential.clientSecret) },
        }),
      ),
    );
    const refreshed = await call(
      refreshToken,
      apiEvent(null, { path: '/api/auth/refresh', body: { refresh_token: tokens.refresh_token } }),
    );
    expect(refreshed.statusCode).toBe(200);
    expect(json(refreshed).refresh_token).not.toBe(tokens.refresh_token);
    // Its successor spent, the old token is spent for good (within the grace it would answer again).
    const next = await call(
      refreshToken,
      apiEvent(null, { path: '/api/auth/refresh', body: { refresh_token: json(refreshed).refresh_token } }),
    );
    expect(next.statusCode).toBe(200);
    const reused = await call(
      refreshToken,
      apiEvent(null, { path: '/api/auth/refresh', body: { refresh_token: tokens.refresh_token } }),
    );
    expect(reused.statusCode).toBe(401);
  });

  it('denies a tampered token with the partner envelope in the context', async () => {
    const decision = await jwtAuthorizer(authorizerEvent({ Authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }));
    expect(decision.policyDocument.Statement[0]?.Effect).toBe('Deny');
    expect(JSON.parse(String(decision.context?.errorBody))).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('denies an API key and its tokens at once after revocation', async () => {
    const partner = await createPartner('Revoked partner');
    const c = await issueCredential(partner.partnerId, 'sandbox');
    const tokens = json(
      await call(
        issueToken,
        apiEvent(null, { path: '/api/auth/token/v2', headers: { Authorization: basic(c.clientId, c.clientSecret) } }),
      ),
    );
    expect(
      (await apiKeyAuthorizer(authorizerEvent({ authorization: `Bearer ${c.apiKey}` }))).policyDocument.Statement[0]
        ?.Effect,
    ).toBe('Allow');
    await revokeCredential(partner.partnerId, c.credentialId);
    expect(
      (await apiKeyAuthorizer(authorizerEvent({ authorization: `Bearer ${c.apiKey}` }))).policyDocument.Statement[0]
        ?.Effect,
    ).toBe('Deny');
    expect(
      (await jwtAuthorizer(authorizerEvent({ Authorization: `Bearer ${tokens.access_token}` }))).policyDocument
        .Statement[0]?.Effect,
    ).toBe('Deny');
  });
});

/**
 * Refresh token rotation with reuse detection (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): a
 * rotated token presented again revokes its whole family. The real handlers against DynamoDB
 * Local.
 */
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPartner, type IssuedCredential, issueCredential } from '#store/partners';
import { handler as jwtAuthorizer } from '../../functions/api/authorizers/partner-jwt.ts';
import { handler as issueToken } from '../../functions/api/partner/issue-token.ts';
import { handler as refreshToken } from '../../functions/api/partner/refresh-token.ts';
import { apiEvent, lambdaContext } from '../helpers/factories.ts';

type Handler = (event: unknown, context: never) => Promise<APIGatewayProxyResult>;
const call = (handler: unknown, event: unknown) => (handler as Handler)(event, lambdaContext);
const json = (r: APIGatewayProxyResult) => JSON.parse(r.body);

let credential: IssuedCredential;

beforeAll(async () => {
  const partner = await createPartner('Refresh token family partner');
  credential = await issueCredential(partner.partnerId, 'sandbox');
});

/** POST /api/auth/token/v2 with the credential: a new login, so a new family. */
async function login() {
  const basic = Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64');
  const res = await call(
    issueToken,
    apiEvent(null, { path: '/api/auth/token/v2', headers: { Authorization: `Basic ${basic}` } }),
  );
  expect(res.statusCode).toBe(200);
  return json(res) as { access_token: string; refresh_token: string };
}

/** POST /api/auth/refresh. */
const refresh = (refresh_token: string) =>
  call(refreshToken, apiEvent(null, { path: '/api/auth/refresh', body: { refresh_token } }));

describe('POST /api/auth/refresh', () => {
  it('rotates: A gives B, and B gives C', async () => {
    const a = await login();
    const b = await refresh(a.refresh_token);
    expect(b.statusCode).toBe(200);
    expect(json(b).refresh_token).not.toBe(a.refresh_token);
    expect((await refresh(json(b).refresh_token)).statusCode).toBe(200);
  });

  it('refuses a reused token with 401 and revokes its family: the token issued from it is refused too', async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a)).refresh_token;
    const reused = await refresh(a);
    expect(reused.statusCode).toBe(401);
    expect(json(reused).error).toMatchObject({
      code: 'invalid_grant',
      message: expect.stringContaining('used before'),
    });
    const afterTheft = await refresh(b);
    expect(afterTheft.statusCode).toBe(401);
    expect(json(afterTheft).error.code).toBe('invalid_grant');
  });

  it('revokes every later token of the family, however far the chain went', async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a)).refresh_token;
    const c = json(await refresh(b)).refresh_token;
    expect((await refresh(a)).statusCode).toBe(401);
    expect((await refresh(c)).statusCode).toBe(401);
  });

  it('leaves other logins of the same credential alone, and a fresh login still works', async () => {
    const other = (await login()).refresh_token;
    const a = (await login()).refresh_token;
    await refresh(a);
    expect((await refresh(a)).statusCode).toBe(401);
    expect((await refresh(other)).statusCode).toBe(200);
    const fresh = await login();
    expect((await refresh(fresh.refresh_token)).statusCode).toBe(200);
  });

  it('gives exactly one new pair when the same token is sent 20 times at once; the others are 401', async () => {
    const a = (await login()).refresh_token;
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(a)));
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, ...Array(19).fill(401)]);
    // The 19 others presented a spent token: that is reuse, and one token in two hands cannot be
    // told from a theft, so the pair issued to the winner is revoked with its family.
    const winner = json(answers.find((r) => r.statusCode === 200) as APIGatewayProxyResult);
    expect((await refresh(winner.refresh_token)).statusCode).toBe(401);
  });

  it("leaves the family's access tokens to run out (15 minutes): the authorizer reads only the credential", async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a));
    expect((await refresh(a)).statusCode).toBe(401);
    const decision = await jwtAuthorizer({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:x:1:api/s/GET/p',
      headers: { Authorization: `Bearer ${b.access_token}` },
      requestContext: { requestId: 'r' },
    } as unknown as APIGatewayRequestAuthorizerEvent);
    expect(decision.policyDocument.Statement[0]?.Effect).toBe('Allow');
  });

  it('refuses an unknown token with 401 and revokes nothing', async () => {
    const a = (await login()).refresh_token;
    expect((await refresh('rt_not-a-token')).statusCode).toBe(401);
    expect((await refresh(a)).statusCode).toBe(200);
  });
});

/**
 * Refresh token rotation with reuse detection (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): a
 * rotated token presented again past the grace (or after its successor was spent) revokes its
 * whole family; within the grace it answers the same pair. The real handlers against DynamoDB
 * Local.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddb, tableName } from '#store/client';
import { digest } from '#store/keys';
import { createPartner, type IssuedCredential, issueCredential } from '#store/partners';
import { REUSE_GRACE_SECONDS } from '#store/refresh-rotation';
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

/** Moves a spent token's spend into the past, as if the grace had run. */
async function spentSecondsAgo(token: string, seconds: number) {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: { pk: `RT#${digest(token)}`, sk: 'RT' },
      ConditionExpression: 'attribute_exists(rotatedAt)',
      UpdateExpression: 'SET rotatedAt = :then',
      ExpressionAttributeValues: { ':then': new Date(Date.now() - seconds * 1000).toISOString() },
    }),
  );
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

  it('answers the same pair to the spent token within the grace, while that pair is unspent', async () => {
    const a = (await login()).refresh_token;
    const first = await refresh(a);
    const again = await refresh(a);
    expect(again.statusCode).toBe(200);
    expect(json(again)).toEqual(json(first));
    // The pair answered twice is one pair: its refresh token works, once.
    expect((await refresh(json(first).refresh_token)).statusCode).toBe(200);
  });

  it('refuses a reused token with 401 once its successor was spent, and revokes its family', async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a)).refresh_token;
    const c = json(await refresh(b)).refresh_token;
    const reused = await refresh(a);
    expect(reused.statusCode).toBe(401);
    expect(json(reused).error).toMatchObject({
      code: 'invalid_grant',
      message: expect.stringContaining('used before'),
    });
    const afterTheft = await refresh(c);
    expect(afterTheft.statusCode).toBe(401);
    expect(json(afterTheft).error.code).toBe('invalid_grant');
  });

  it('refuses a reused token past the grace, its successor unspent, and revokes the successor', async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a)).refresh_token;
    await spentSecondsAgo(a, REUSE_GRACE_SECONDS + 1);
    const reused = await refresh(a);
    expect(reused.statusCode).toBe(401);
    expect(json(reused).error.message).toContain('used before');
    expect((await refresh(b)).statusCode).toBe(401);
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
    await refresh(json(await refresh(a)).refresh_token);
    expect((await refresh(a)).statusCode).toBe(401);
    expect((await refresh(other)).statusCode).toBe(200);
    const fresh = await login();
    expect((await refresh(fresh.refresh_token)).statusCode).toBe(200);
  });

  it('gives one new pair, to all, when the same token is sent 20 times at once', async () => {
    const a = (await login()).refresh_token;
    const answers = await Promise.all(Array.from({ length: 20 }, () => refresh(a)));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const pairs = new Set(answers.map((r) => r.body));
    expect(pairs.size).toBe(1);
    // One refresh, so its refresh token is live, and spends once.
    const next = json(answers[0] as APIGatewayProxyResult).refresh_token;
    expect((await refresh(next)).statusCode).toBe(200);
  });

  it("leaves the family's access tokens to run out (15 minutes): the authorizer reads only the credential", async () => {
    const a = (await login()).refresh_token;
    const b = json(await refresh(a));
    await refresh(b.refresh_token);
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

/** Borrower sessions: short-lived links to the hosted part of the journey (journey API session). */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';

export const SESSION_TTL_SECONDS = 3600;

export interface BorrowerSession {
  sessionId: string;
  partnerId: string;
  mode: Tenant['mode'];
  borrowerId: string;
  customerId: string;
  redirectURL: string;
  expiresAt: number;
}

/** The session id is the secret in the URL: 32 random bytes, not guessable, expiring in an hour. */
export async function createSession(
  tenant: Tenant,
  s: Omit<BorrowerSession, 'sessionId' | 'expiresAt' | 'partnerId' | 'mode'>,
) {
  const session: BorrowerSession = {
    ...s,
    sessionId: randomBytes(32).toString('base64url'),
    partnerId: tenant.partnerId,
    mode: tenant.mode,
    expiresAt: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS,
  };
  await ddb.send(
    new PutCommand({ TableName: tableName(), Item: { pk: `SESSION#${session.sessionId}`, sk: 'SESSION', ...session } }),
  );
  return session;
}

/** A live session (TTL deletion lags, so expiry is checked here too). */
export async function getSession(sessionId: string): Promise<BorrowerSession> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: { pk: `SESSION#${sessionId}`, sk: 'SESSION' } }),
  );
  if (!Item || Number(Item.expiresAt) < Date.now() / 1000) throw new NotFoundError('session', 'this link');
  const { pk: _p, sk: _s, ...session } = Item;
  return session as BorrowerSession;
}

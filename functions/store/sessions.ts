/**
 * Borrower sessions: short-lived links to the hosted part of the journey (journey API session),
 * the marker that a customer signs on that page, and the e-sign consents given there.
 *
 * Keys: `SESSION#<sha256(sessionId)>` / `SESSION` (the id is the secret in the URL, so only its
 * digest is stored, as with every other token); `T#…#HOSTED#<borrowerId>` / `HOSTED` (this
 * customer was sent to the hosted page: its signature is given there); the consent sits beside
 * the application it signs, `T#…#APP#<applicationId>` / `ESIGN#<agreement referenceId>`.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { digest, expiryFor, isConditionalCheckFailed, tenantKey } from './keys.ts';

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

const sessionKey = (sessionId: string) => ({ pk: `SESSION#${digest(sessionId)}`, sk: 'SESSION' });
const hostedKey = (t: Tenant, borrowerId: string) => ({ pk: tenantKey(t, 'HOSTED', borrowerId), sk: 'HOSTED' });
const consentKey = (t: Tenant, applicationId: string, referenceId: string) => ({
  pk: tenantKey(t, 'APP', applicationId),
  sk: `ESIGN#${referenceId}`,
});

/**
 * The session id is the secret in the URL: 32 random bytes, not guessable, expiring in an hour.
 * Written with the customer's hosted marker: from now on the customer signs on the page.
 */
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
  const { sessionId: _secret, ...stored } = session;
  const now = new Date().toISOString();
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { ...sessionKey(session.sessionId), ...stored } } },
        {
          Put: {
            TableName: tableName(),
            Item: { ...hostedKey(tenant, s.borrowerId), lastSessionAt: now, expiresAt: expiryFor(tenant.mode) },
          },
        },
      ],
    }),
  );
  return session;
}

const toSession = (item: Record<string, unknown>, sessionId: string): BorrowerSession => ({
  sessionId,
  partnerId: String(item.partnerId),
  mode: item.mode as Tenant['mode'],
  borrowerId: String(item.borrowerId),
  customerId: String(item.customerId),
  redirectURL: String(item.redirectURL),
  expiresAt: Number(item.expiresAt),
});

/** A live session (TTL deletion lags, so expiry is checked here too). */
export async function getSession(sessionId: string): Promise<BorrowerSession> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: sessionKey(sessionId) }));
  if (!Item || Number(Item.expiresAt) < Date.now() / 1000) throw new NotFoundError('session', 'this link');
  return toSession(Item, sessionId);
}

/**
 * Counts an action taken through a live session, in a one-minute window kept on the session
 * item itself (at most 60 windows in a session's hour): the live session and this window's
 * count, in one write. NotFoundError when the link is unknown or expired.
 */
export async function countSessionAction(
  sessionId: string,
  nowMs = Date.now(),
): Promise<{ session: BorrowerSession; count: number; resetsAt: number }> {
  const minute = Math.floor(nowMs / 60_000);
  const window = `actions${minute}`;
  try {
    const { Attributes = {} } = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: sessionKey(sessionId),
        UpdateExpression: 'ADD #w :one',
        // Only a session that exists and has not expired counts (and so authorises) an action.
        ConditionExpression: 'attribute_exists(pk) AND expiresAt >= :now',
        ExpressionAttributeNames: { '#w': window },
        ExpressionAttributeValues: { ':one': 1, ':now': Math.floor(nowMs / 1000) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return {
      session: toSession(Attributes, sessionId),
      count: Number(Attributes[window]),
      resetsAt: (minute + 1) * 60,
    };
  } catch (error) {
    if (isConditionalCheckFailed(error)) throw new NotFoundError('session', 'this link', { cause: error });
    throw error;
  }
}

/** Whether the customer was sent to the hosted page (a session was created): it signs there. */
export async function signsOnHostedPage(tenant: Tenant, borrowerId: string): Promise<boolean> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: hostedKey(tenant, borrowerId), ConsistentRead: true }),
  );
  return Boolean(Item);
}

/** The borrower's e-sign consent on the hosted page: what was signed, when, and from where. */
export interface SigningConsent {
  applicationId: string;
  /** The agreement's referenceID. */
  referenceId: string;
  /** SHA-256 of the agreement PDF the borrower was shown. */
  documentSha256: string;
  /** The words the borrower agreed to. */
  text: string;
  consentedAt: string;
  ipAddress: string;
  userAgent: string;
  /** Digest of the session the consent came through (never the session id itself). */
  sessionDigest: string;
}

/**
 * Keeps the consent. Written by the request that holds the signature's wait token, just before
 * it answers the workflow: a retry after a failed answer writes it again, with its own time.
 */
export async function recordSigningConsent(tenant: Tenant, consent: SigningConsent): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...consentKey(tenant, consent.applicationId, consent.referenceId),
        ...consent,
        expiresAt: expiryFor(tenant.mode),
      },
    }),
  );
}

/** The consent a hosted signature rests on, or null. */
export async function findSigningConsent(
  tenant: Tenant,
  applicationId: string,
  referenceId: string,
): Promise<SigningConsent | null> {
  const { Item } = await ddb.send(
    new GetCommand({
      TableName: tableName(),
      Key: consentKey(tenant, applicationId, referenceId),
      ConsistentRead: true,
    }),
  );
  if (!Item) return null;
  const { pk: _p, sk: _s, expiresAt: _e, ...consent } = Item;
  return consent as SigningConsent;
}

/** The digest a session is known by in logs and records. */
export const sessionDigest = (sessionId: string) => digest(sessionId);

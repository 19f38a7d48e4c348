/**
 * Partners and their credentials. Secrets are stored as digests only; a credential is one
 * mode's set: clientId + clientSecret (partner API token exchange) and an API key
 * (journey and platform APIs).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors';
import { newId } from '#core/ids';
import { type Mode, SECRET_PREFIX, type Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed } from './keys.ts';

export interface Partner {
  partnerId: string;
  name: string;
  createdAt: string;
  /** The partner's own requests per minute, by surface name (`journey`, `platform`, `partner`), over the stage's. */
  rateLimits?: PartnerRateLimits;
}

/** Requests per minute by surface name; a surface not listed keeps the stage's limit. */
export type PartnerRateLimits = Record<string, number>;

export type CredentialStatus = 'ACTIVE' | 'REVOKED';

export interface Credential {
  credentialId: string;
  partnerId: string;
  mode: Mode;
  clientId: string;
  status: CredentialStatus;
  createdAt: string;
  revokedAt?: string;
}

/** The one time a secret exists in clear: returned to whoever issued it, never stored. */
export interface IssuedCredential extends Credential {
  clientSecret: string;
  apiKey: string;
}

/** Who a request is from, as authorizers put it in the request context. */
export interface Principal extends Tenant {
  credentialId: string;
  /**
   * A borrower-app caller: the user (borrower id), the device its token is bound to, the
   * token's scope and its session (refresh-token family). Absent for partner credentials.
   */
  app?: AppCaller;
}

export interface AppCaller {
  userId: string;
  deviceId: string;
  scope: 'onboarding' | 'login' | 'full';
  sessionId?: string;
  /** A login-scoped token's own id: verify-pin spends it, so one OTP login starts one session. */
  loginId?: string;
}

const partnerKey = (partnerId: string) => ({ pk: `PTN#${partnerId}`, sk: 'PROFILE' });
const credentialKey = (partnerId: string, credentialId: string) => ({
  pk: `PTN#${partnerId}`,
  sk: `CRED#${credentialId}`,
});
const secretKey = (secret: string) => ({ pk: `SECRET#${digest(secret)}`, sk: 'SECRET' });
const clientKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' });

function randomSecret(mode: Mode): string {
  return SECRET_PREFIX[mode] + randomBytes(24).toString('base64url');
}

/** Creates a partner (no credentials yet). */
export async function createPartner(name: string, partnerId = newId('ptn')): Promise<Partner> {
  const partner: Partner = { partnerId, name, createdAt: new Date().toISOString() };
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...partnerKey(partnerId), gsi1pk: 'PARTNERS', gsi1sk: `${partner.createdAt}#${partnerId}`, ...partner },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // Creating a partner that exists is a no-op: the existing one is returned.
    if (isConditionalCheckFailed(error)) return (await findPartner(partnerId)) ?? partner;
    throw error;
  }
  return partner;
}

/** A partner by id, or null. */
export async function findPartner(partnerId: string): Promise<Partner | null> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: partnerKey(partnerId) }));
  if (!Item) return null;
  const { name, createdAt, rateLimits } = Item;
  return { partnerId: Item.partnerId, name, createdAt, ...(rateLimits ? { rateLimits } : {}) };
}

/** A partner's own rate limits (empty when it has none, or is unknown): read by the rate limiter, cached per instance. */
export async function findPartnerRateLimits(partnerId: string): Promise<PartnerRateLimits> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: partnerKey(partnerId), ProjectionExpression: 'rateLimits' }),
  );
  return (Item?.rateLimits as PartnerRateLimits | undefined) ?? {};
}

/**
 * Sets (or with `null` removes) a partner's own limit for one surface. Ops only, so a read and
 * a write: the map is created on first use, which one UpdateExpression cannot do with a nested SET.
 */
export async function setPartnerRateLimit(
  partnerId: string,
  surface: string,
  perMinute: number | null,
): Promise<Partner> {
  const partner = await findPartner(partnerId);
  if (!partner) throw new NotFoundError('partner', partnerId);
  const rateLimits: PartnerRateLimits = { ...partner.rateLimits };
  if (perMinute === null) delete rateLimits[surface];
  else rateLimits[surface] = perMinute;
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: partnerKey(partnerId),
      UpdateExpression: 'SET rateLimits = :l',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':l': rateLimits },
    }),
  );
  return { ...partner, rateLimits };
}

/** Every partner, oldest first (ops listing; a Query on the byCollection index). */
export async function listPartners(): Promise<Partner[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'byCollection',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'PARTNERS' },
    }),
  );
  return Items.map((i) => ({ partnerId: i.partnerId, name: i.name, createdAt: i.createdAt }));
}

/** Issues a new credential set for one mode. The secrets are returned once and stored as digests. */
export async function issueCredential(partnerId: string, mode: Mode): Promise<IssuedCredential> {
  if (!(await findPartner(partnerId))) throw new NotFoundError('partner', partnerId);
  const credential: Credential = {
    credentialId: newId('cred'),
    partnerId,
    mode,
    clientId: `cli_${randomBytes(12).toString('hex')}`,
    status: 'ACTIVE',
    createdAt: new Date().toISOString(),
  };
  const clientSecret = randomSecret(mode);
  const apiKey = randomSecret(mode);
  const principal = { partnerId, mode, credentialId: credential.credentialId, status: 'ACTIVE' };
  const put = (Item: Record<string, unknown>) => ({
    Put: { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        put({ ...credentialKey(partnerId, credential.credentialId), ...credential, apiKeyDigest: digest(apiKey) }),
        put({ ...secretKey(apiKey), ...principal }),
        put({ ...clientKey(credential.clientId), ...principal, secretDigest: digest(clientSecret) }),
      ],
    }),
  );
  return { ...credential, clientSecret, apiKey };
}

/** A partner's credentials, both modes, newest last. */
export async function listCredentials(partnerId: string): Promise<Credential[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
      ExpressionAttributeValues: { ':pk': `PTN#${partnerId}`, ':c': 'CRED#' },
    }),
  );
  return Items.map(({ credentialId, partnerId: p, mode, clientId, status, createdAt, revokedAt }) => ({
    credentialId,
    partnerId: p,
    mode,
    clientId,
    status,
    createdAt,
    revokedAt,
  }));
}

/** Revokes a credential: its API key, client secret and every token issued from it stop working at once. */
export async function revokeCredential(partnerId: string, credentialId: string): Promise<Credential> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: credentialKey(partnerId, credentialId) }),
  );
  if (!Item) throw new NotFoundError('credential', credentialId);
  const revokedAt = new Date().toISOString();
  const revoke = (Key: Record<string, string>) => ({
    Update: {
      TableName: tableName(),
      Key,
      UpdateExpression: 'SET #s = :r, revokedAt = :t',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':r': 'REVOKED', ':t': revokedAt },
    },
  });
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        revoke(credentialKey(partnerId, credentialId)),
        revoke({ pk: `SECRET#${Item.apiKeyDigest}`, sk: 'SECRET' }),
        revoke(clientKey(Item.clientId)),
      ],
    }),
  );
  return { ...(Item as Credential), status: 'REVOKED', revokedAt };
}

/** Rotation: a new credential for the same mode, then the old one revoked. */
export async function rotateCredential(partnerId: string, credentialId: string): Promise<IssuedCredential> {
  const current = (await listCredentials(partnerId)).find((c) => c.credentialId === credentialId);
  if (!current) throw new NotFoundError('credential', credentialId);
  const next = await issueCredential(partnerId, current.mode);
  await revokeCredential(partnerId, credentialId);
  return next;
}

/** The principal an API key belongs to, or null when it is unknown or revoked. */
export async function findPrincipalByApiKey(apiKey: string): Promise<Principal | null> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: secretKey(apiKey) }));
  if (Item?.status !== 'ACTIVE') return null;
  return { partnerId: Item.partnerId, mode: Item.mode, credentialId: Item.credentialId };
}

/** The principal for a clientId + clientSecret pair, or null (constant-time comparison of digests). */
export async function findPrincipalByClientSecret(clientId: string, clientSecret: string): Promise<Principal | null> {
  const { Item } = await ddb.send(new GetCommand({ TableName: tableName(), Key: clientKey(clientId) }));
  if (Item?.status !== 'ACTIVE') return null;
  const given = Buffer.from(digest(clientSecret), 'hex');
  const stored = Buffer.from(String(Item.secretDigest), 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
  return { partnerId: Item.partnerId, mode: Item.mode, credentialId: Item.credentialId };
}

/** Whether a credential is still active (JWTs carry the credential id; revocation is checked per request). */
export async function isCredentialActive(partnerId: string, credentialId: string): Promise<boolean> {
  const { Item } = await ddb.send(
    new GetCommand({
      TableName: tableName(),
      Key: credentialKey(partnerId, credentialId),
      ProjectionExpression: '#s',
      ExpressionAttributeNames: { '#s': 'status' },
    }),
  );
  return Item?.status === 'ACTIVE';
}

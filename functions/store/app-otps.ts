/**
 * Borrower app OTP codes: one current code per phone and purpose (onboarding, login), its
 * digest only, with its expiry and wrong attempts; and the send times of the last hour per phone
 * and per device. Every guard is a conditional write: concurrent sends cannot beat the cooldown
 * or the caps, concurrent guesses cannot exceed the attempts, and a code is spent once.
 * Limits: #core/app/security (OTP_POLICY).
 */
import { DeleteCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OTP_POLICY } from '#core/app/security';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, digest, isConditionalCheckFailed, tenantKey } from './keys.ts';

export type OtpPurpose = 'ONBOARDING' | 'LOGIN';

const otpKey = (t: Tenant, purpose: OtpPurpose, phone: string) => ({
  pk: tenantKey(t, 'APPOTP', purpose, phone),
  sk: 'CURRENT',
});
const capKey = (t: Tenant, kind: 'PHONE' | 'DEVICE', subject: string) => ({
  pk: tenantKey(t, 'APPOTPCAP', kind, digest(subject)),
  sk: 'SENDS',
});

export interface StoredOtp {
  otpLogId: string;
  salt: string;
  hash: string;
  deviceId: string;
  /** Epoch seconds. */
  sentAt: number;
  expiresAtEpoch: number;
  attempts: number;
}

/** A send cap: at most `cap` codes in any rolling hour to a phone (per purpose) or from a device. */
export interface SendCap {
  kind: 'PHONE' | 'DEVICE';
  subject: string;
  cap: number;
}

export type SendRefusal = { refused: 'cooldown' | 'hourly_cap'; retryAfter: number };

const HOUR = 3600;
/** Lost races (another send of the same phone or device in between) are redone this often. */
const MAX_RACES = 8;

/**
 * Makes `otp` the phone's current code, if the resend cooldown and every hourly cap allow it,
 * in one transaction: the code and each cap's send times are written together or not at all,
 * so only codes actually sent are counted (a refused "resend" tap costs nothing) and 20
 * concurrent sends store one code. Caps are rolling hours: each item keeps the send times of
 * the last hour, written on its version. The refusal says which guard and when to retry; the
 * cooldown wins when both hold (it ends first).
 */
export async function storeOtpWithinLimits(
  tenant: Tenant,
  purpose: OtpPurpose,
  phone: string,
  otp: StoredOtp,
  caps: readonly SendCap[],
): Promise<{ stored: true } | SendRefusal> {
  const now = otp.sentAt;
  for (let race = 0; race < MAX_RACES; race++) {
    const current = await findOtp(tenant, purpose, phone);
    const cooldownLeft = current ? current.sentAt + OTP_POLICY.resendCooldownSeconds - now : 0;
    if (cooldownLeft > 0) return { refused: 'cooldown', retryAfter: cooldownLeft };
    const counters = await Promise.all(
      caps.map(async (cap) => {
        const { Item } = await ddb.send(
          new GetCommand({ TableName: tableName(), Key: capKey(tenant, cap.kind, cap.subject), ConsistentRead: true }),
        );
        const recent = ((Item?.sends as number[] | undefined) ?? []).filter((t) => t > now - HOUR);
        return { cap, recent, version: Item ? Number(Item.version) : 0 };
      }),
    );
    const full = counters.filter((c) => c.recent.length >= c.cap.cap);
    if (full.length > 0) {
      const retryAfter = Math.max(...full.map((c) => (c.recent.at(-c.cap.cap) ?? now) + HOUR - now));
      return { refused: 'hourly_cap', retryAfter: Math.max(1, retryAfter) };
    }
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: { ...otpKey(tenant, purpose, phone), ...otp, expiresAt: otp.expiresAtEpoch + HOUR },
                ConditionExpression: 'attribute_not_exists(pk) OR sentAt <= :cooldownStart',
                ExpressionAttributeValues: { ':cooldownStart': now - OTP_POLICY.resendCooldownSeconds },
              },
            },
            ...counters.map(({ cap, recent, version }) => ({
              Put: {
                TableName: tableName(),
                Item: {
                  ...capKey(tenant, cap.kind, cap.subject),
                  sends: [...recent, now],
                  version: version + 1,
                  expiresAt: now + 2 * HOUR,
                },
                ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
                ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
              },
            })),
          ],
        }),
      );
      return { stored: true };
    } catch (error) {
      // The code's condition (another send just won: its cooldown answers, read again above), a
      // cap's version or a TransactionConflict (another send of this phone or device): redo.
      if (!cancelledConditions(error)) throw error;
    }
  }
  throw new Error(`OTP send for one phone kept losing races (${MAX_RACES} tries)`);
}

/** Releases a code whose delivery failed, so the cooldown does not hold the user back. */
export async function dropOtp(tenant: Tenant, purpose: OtpPurpose, phone: string, otpLogId: string) {
  await ddb
    .send(
      new DeleteCommand({
        TableName: tableName(),
        Key: otpKey(tenant, purpose, phone),
        ConditionExpression: 'otpLogId = :id',
        ExpressionAttributeValues: { ':id': otpLogId },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
}

export async function findOtp(tenant: Tenant, purpose: OtpPurpose, phone: string): Promise<StoredOtp | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: otpKey(tenant, purpose, phone), ConsistentRead: true }),
  );
  return Item ? (Item as unknown as StoredOtp) : null;
}

/**
 * Counts a wrong guess against the code, if it is still the current one and has attempts
 * left; the attempts used after it, or null when the code had none left (or was replaced).
 */
export async function recordWrongOtp(tenant: Tenant, purpose: OtpPurpose, phone: string, otpLogId: string) {
  try {
    const { Attributes } = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: otpKey(tenant, purpose, phone),
        UpdateExpression: 'ADD attempts :one',
        ConditionExpression: 'otpLogId = :id AND attempts < :max',
        ExpressionAttributeValues: { ':one': 1, ':id': otpLogId, ':max': OTP_POLICY.maxAttempts },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.attempts);
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return null;
  }
}

/**
 * Spends the code: deleted only while it is the one checked, unexpired and with attempts
 * left, so of concurrent verifications with the right code exactly one succeeds.
 */
export async function consumeOtp(tenant: Tenant, purpose: OtpPurpose, phone: string, otpLogId: string) {
  try {
    await ddb.send(
      new DeleteCommand({
        TableName: tableName(),
        Key: otpKey(tenant, purpose, phone),
        ConditionExpression: 'otpLogId = :id AND attempts < :max AND expiresAtEpoch > :now',
        ExpressionAttributeValues: {
          ':id': otpLogId,
          ':max': OTP_POLICY.maxAttempts,
          ':now': Math.floor(Date.now() / 1000),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return false;
  }
}

/**
 * Borrower app OTP codes: one current code per phone and purpose (onboarding, login), its
 * digest only, with its expiry and wrong attempts; and the hourly send counters per phone and
 * per device. Every guard is a conditional write: concurrent sends cannot beat the cooldown
 * or the caps, concurrent guesses cannot exceed the attempts, and a code is spent once.
 * Limits: #core/app/security (OTP_POLICY).
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { OTP_POLICY } from '#core/app/security';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { digest, isConditionalCheckFailed, tenantKey } from './keys.ts';

export type OtpPurpose = 'ONBOARDING' | 'LOGIN';

const otpKey = (t: Tenant, purpose: OtpPurpose, phone: string) => ({
  pk: tenantKey(t, 'APPOTP', purpose, phone),
  sk: 'CURRENT',
});
const capKey = (t: Tenant, kind: 'PHONE' | 'DEVICE', subject: string, hour: number) => ({
  pk: tenantKey(t, 'APPOTPCAP', kind, digest(subject), String(hour)),
  sk: 'COUNT',
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

/**
 * Counts one send against the hourly cap of a phone or a device; the seconds until the hour
 * ends when the cap is reached (nothing counted then).
 */
export async function countOtpSend(
  tenant: Tenant,
  kind: 'PHONE' | 'DEVICE',
  subject: string,
  cap: number,
  now = Math.floor(Date.now() / 1000),
): Promise<{ allowed: true } | { allowed: false; retryAfter: number }> {
  const hour = Math.floor(now / 3600);
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: capKey(tenant, kind, subject, hour),
        UpdateExpression: 'ADD sends :one SET expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(sends) OR sends < :cap',
        ExpressionAttributeValues: { ':one': 1, ':cap': cap, ':exp': (hour + 2) * 3600 },
      }),
    );
    return { allowed: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    return { allowed: false, retryAfter: (hour + 1) * 3600 - now };
  }
}

/**
 * Makes `otp` the phone's current code unless one was sent within the cooldown: then the
 * seconds left. Replacing the code resets its attempts (a fresh code, a fresh count).
 */
export async function replaceOtp(
  tenant: Tenant,
  purpose: OtpPurpose,
  phone: string,
  otp: StoredOtp,
): Promise<{ stored: true } | { stored: false; retryAfter: number }> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...otpKey(tenant, purpose, phone), ...otp, expiresAt: otp.expiresAtEpoch + 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR sentAt <= :cooldownStart',
        ExpressionAttributeValues: { ':cooldownStart': otp.sentAt - OTP_POLICY.resendCooldownSeconds },
      }),
    );
    return { stored: true };
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const current = await findOtp(tenant, purpose, phone);
    const retryAfter = Math.max(1, (current?.sentAt ?? otp.sentAt) + OTP_POLICY.resendCooldownSeconds - otp.sentAt);
    return { stored: false, retryAfter };
  }
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

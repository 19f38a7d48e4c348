/**
 * The sandbox outbox: every message the sandbox messaging adapter "sends" (OTP codes), kept
 * for a day so a developer (or a test) can read the code the app would have received:
 * GET /v1/sandbox/messages?to=<phone>. Sandbox tenants only; one partition per phone.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { tenantKey } from './keys.ts';

const OUTBOX_TTL_SECONDS = 24 * 3600;

export interface SandboxMessage {
  messageId: string;
  to: string;
  channel: string;
  text: string;
  sentAt: string;
}

export async function recordSandboxMessage(tenant: Tenant, message: Omit<SandboxMessage, 'messageId' | 'sentAt'>) {
  const sentAt = new Date().toISOString();
  const messageId = newId('msg');
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: tenantKey(tenant, 'SBXMSG', message.to),
        sk: `${sentAt}#${messageId}`,
        messageId,
        ...message,
        sentAt,
        expiresAt: Math.floor(Date.now() / 1000) + OUTBOX_TTL_SECONDS,
      },
    }),
  );
  return messageId;
}

/** The messages sent to a phone in the last day, newest first. */
export async function listSandboxMessages(tenant: Tenant, to: string, limit: number): Promise<SandboxMessage[]> {
  const { Items = [] } = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'SBXMSG', to) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map((i) => ({
    messageId: i.messageId,
    to: i.to,
    channel: i.channel,
    text: i.text,
    sentAt: i.sentAt,
  }));
}

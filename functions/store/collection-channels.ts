/**
 * Collection channels: the virtual accounts, dynamic QRIS and payment links a borrower pays a
 * loan through. Each is findable two ways: from its loan (`T#…#APP#<loanId>` / `CHAN#…`, so
 * asking again answers the same live channel) and globally by what a gateway's callback names
 * (`CHAN#VA#<number>`, `CHAN#QR#<reference>`, `CHAN#LINK#<token>`), because a callback carries
 * no tenant. The global item is written with a condition that it is unused: VA numbers are
 * unique per deployment, so per tenant too.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '#core/tenant';
import { ddb, tableName } from './client.ts';
import { cancelledConditions, tenantKey } from './keys.ts';

export type ChannelKind = 'VA' | 'QR' | 'LINK';

export interface CollectionChannel {
  channelId: string;
  kind: ChannelKind;
  /** The VA number (digits), the QR's bill number, or the link's token. */
  key: string;
  partnerId: string;
  mode: Tenant['mode'];
  loanId: string;
  currency: string;
  /** What the channel asks for, major units (exact decimal text). */
  amount: string;
  expiresAt: string;
  createdAt: string;
  /** Changes on every write: the compare-and-swap of concurrent re-issues. */
  updatedAt: string;
  bankCode?: string;
  /** SNAP's shape of a VA. */
  partnerServiceId?: string;
  customerNo?: string;
  qrString?: string;
}

const lookupKey = (kind: ChannelKind, key: string) => ({ pk: `CHAN#${kind}#${key}`, sk: 'CHAN' });
const loanChannelKey = (t: Tenant, loanId: string, slot: string) => ({
  pk: tenantKey(t, 'APP', loanId),
  sk: `CHAN#${slot}`,
});

/** The channel a loan holds in `slot` (`VA#BCA`, `QR`, `LINK`), or null. */
export async function findLoanChannel(t: Tenant, loanId: string, slot: string): Promise<CollectionChannel | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: loanChannelKey(t, loanId, slot), ConsistentRead: true }),
  );
  return Item ? strip(Item) : null;
}

/** The channel a gateway names, whoever's it is, or null. */
export async function findChannel(kind: ChannelKind, key: string): Promise<CollectionChannel | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: lookupKey(kind, key), ConsistentRead: true }),
  );
  return Item ? strip(Item) : null;
}

/**
 * The channel as stored: its expiry under `validUntil`, because `expiresAt` is the table's TTL
 * attribute. Stored there, the ISO expiry was dropped on read, so no channel was ever live (each
 * ask re-issued it: a new QRIS and link every time, concurrent asks refused as channel_busy) and
 * a link never expired; as a number it would make DynamoDB delete a VA number kept for good.
 */
function toItem(channel: CollectionChannel): Record<string, unknown> {
  const { expiresAt, ...rest } = channel;
  return { ...rest, validUntil: expiresAt };
}

function strip(item: Record<string, unknown>): CollectionChannel {
  const { pk: _p, sk: _s, expiresAt: legacy, ttl: _t, validUntil, ...rest } = item;
  // Items written before `validUntil` kept the ISO expiry in `expiresAt`.
  const expiresAt = typeof validUntil === 'string' ? validUntil : typeof legacy === 'string' ? legacy : '';
  return { ...rest, expiresAt } as unknown as CollectionChannel;
}

export class ChannelTakenError extends Error {
  constructor(readonly which: 'key' | 'slot') {
    super(which === 'key' ? 'The channel number is taken' : 'The loan already holds a channel in this slot');
    this.name = 'ChannelTakenError';
  }
}

/**
 * Stores a channel in the loan's `slot` and under its global key. `replacing` is the channel
 * the caller saw in the slot (undefined: none): of concurrent callers one writes; the others
 * get ChannelTakenError('slot') and read the winner. A global key in use is ChannelTakenError('key')
 * (the caller draws another number). Reusing the same key (a VA whose amount or expiry moves)
 * overwrites its own global item.
 */
export async function putChannel(
  t: Tenant,
  slot: string,
  channel: CollectionChannel,
  replacing: CollectionChannel | undefined,
): Promise<void> {
  const table = tableName();
  const sameKey = replacing && replacing.kind === channel.kind && replacing.key === channel.key;
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...loanChannelKey(t, channel.loanId, slot), ...toItem(channel) },
              ...(replacing
                ? {
                    ConditionExpression: 'channelId = :seen AND updatedAt = :seenAt',
                    ExpressionAttributeValues: {
                      ':seen': replacing.channelId,
                      ':seenAt': replacing.updatedAt,
                    },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...lookupKey(channel.kind, channel.key), ...toItem(channel) },
              ...(sameKey ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
        ],
      }),
    );
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[0]) throw new ChannelTakenError('slot');
    if (failed?.[1]) throw new ChannelTakenError('key');
    throw error;
  }
}

import middy from '@middy/core';
import { ValidationError } from '#core/errors';
import { normaliseMobile } from '#core/identity';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { listSandboxMessages } from '#store/sandbox-messages';
import { routes } from './routes.ts';

type Route = typeof routes.listSandboxMessages;

/** GET /v1/sandbox/messages?to=<phone>: the sandbox outbox of the caller's tenant for one phone. */
const listMessages = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  if (input.principal.mode !== 'sandbox') {
    throw new ValidationError([{ field: 'authorization', message: 'the sandbox outbox needs a sandbox key' }]);
  }
  const to = normaliseMobile(input.query.to, 'ID');
  if (!to) throw new ValidationError([{ field: 'query.to', message: 'is not a valid Indonesian mobile number' }]);
  const messages = await listSandboxMessages(input.principal, to, input.query.limit);
  return {
    statusCode: 200,
    body: {
      data: messages.map((m) => ({ id: m.messageId, to: m.to, channel: m.channel, text: m.text, sent_at: m.sentAt })),
      meta: { total: messages.length, limit: input.query.limit, offset: 0 },
    },
    headers: { 'cache-control': 'no-store' },
  };
};

export const handler = middy(listMessages).use(http(routes.listSandboxMessages));

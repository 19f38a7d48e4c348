/**
 * The messaging port: OTP codes to a phone, WhatsApp first and SMS when WhatsApp cannot
 * deliver; the channel used is answered to the app. The sandbox delivers to the sandbox
 * outbox (#store/sandbox-messages), which developers read with
 * GET /v1/sandbox/messages?to=<phone> and `npm start -- --verbose` prints. Live mode needs a
 * real adapter (a WhatsApp Business API provider and an SMS gateway): none ships yet, so it
 * refuses clearly.
 *
 * Sandbox magic values (the phone's last digits): …99 has no WhatsApp (delivered by SMS);
 * …98 no channel delivers (502, nothing is stored).
 */
import { NotConfiguredError, ProviderError } from '#core/errors';
import type { Tenant } from '#core/tenant';
import { recordSandboxMessage } from '#store/sandbox-messages';

export type MessageChannel = 'WHATSAPP' | 'SMS';

export interface MessagingPort {
  send(to: string, text: string): Promise<{ channel: MessageChannel; messageId: string }>;
}

export const SANDBOX_MESSAGING_MAGIC = {
  '99': 'no WhatsApp account: the OTP goes by SMS (channel SMS)',
  '98': 'no channel delivers: 502 SERVICE_UNAVAILABLE, no OTP is stored',
} as const;

function sandboxMessaging(tenant: Tenant): MessagingPort {
  return {
    async send(to, text) {
      if (to.endsWith('98')) throw new ProviderError('sandbox messaging', 'no channel delivers (magic phone …98)');
      const channel: MessageChannel = to.endsWith('99') ? 'SMS' : 'WHATSAPP';
      const messageId = await recordSandboxMessage(tenant, { to, channel, text });
      // `npm start -- --verbose` shows the developer the code; never in a deployed function.
      if (process.env.LENDSTACK_PRINT_SANDBOX_MESSAGES === 'true') {
        console.log(`  [sandbox ${channel}] to ${to}: ${text}`);
      }
      return { channel, messageId };
    },
  };
}

export function messagingFor(tenant: Tenant): MessagingPort {
  if (tenant.mode === 'sandbox') return sandboxMessaging(tenant);
  throw new NotConfiguredError('Messaging (WhatsApp/SMS)');
}

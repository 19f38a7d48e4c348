/** A partner's webhook receiver on 127.0.0.1, checking both headers as the partner guide's receiver does. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AUTH_KEY_HEADER, SIGNATURE_HEADER, verifyWebhookSignature, type WebhookPayload } from '#core/webhooks';

export interface ReceivedWebhook {
  path: string;
  payload: WebhookPayload;
  authKeyOk: boolean;
  signatureOk: boolean;
  answered: number;
  /** The bytes and signature header as received, for receivers that verify themselves (the SDK's constructEvent). */
  raw: { body: string; signature: string };
  /** The Lendstack-Correlation-Id header: the request id that caused the event. */
  correlationId?: string;
  /** When it arrived (ms since the epoch): a receiver checks the signature's time against this. */
  receivedAt: number;
}

export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const secrets = new Map<string, { secret: string; authKey: string }>();
  /** Paths answered 500 this many more times (to exercise retries). */
  const failures = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const keys = secrets.get(path);
    const left = failures.get(path) ?? 0;
    const status = left > 0 ? 500 : 200;
    if (left > 0) failures.set(path, left - 1);
    received.push({
      path,
      payload: JSON.parse(body),
      authKeyOk: Boolean(keys) && req.headers[AUTH_KEY_HEADER] === keys?.authKey,
      signatureOk:
        Boolean(keys) &&
        verifyWebhookSignature(
          keys?.secret ?? '',
          body,
          String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? ''),
          Math.floor(Date.now() / 1000),
        ),
      answered: status,
      raw: { body, signature: String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? '') },
      correlationId: req.headers['lendstack-correlation-id'] as string | undefined,
      receivedAt: Date.now(),
    });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ received: status === 200 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    register: (path: string, secret: string, authKey: string) => secrets.set(path, { secret, authKey }),
    failNext: (path: string, times: number) => failures.set(path, times),
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

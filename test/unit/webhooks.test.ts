import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { endpointWants, signWebhook, verifyWebhookSignature } from '#core/webhooks';

describe('webhook signatures', () => {
  const secret = 'whsec_test';
  const body = '{"id":"evt_1","type":"user_created"}';

  it('signs t.body with HMAC-SHA256 and puts the timestamp in the header', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    expect(verifyWebhookSignature(secret, body, signWebhook(secret, body, 1000), 1100)).toBe(true);
  });

  it('rejects a signature older than 300 seconds', () => {
    expect(verifyWebhookSignature(secret, body, signWebhook(secret, body, 1000), 1301)).toBe(false);
  });

  it('rejects a changed body, a wrong secret and a malformed header', () => {
    const header = signWebhook(secret, body, 1000);
    expect(verifyWebhookSignature(secret, `${body} `, header, 1000)).toBe(false);
    expect(verifyWebhookSignature('other', body, header, 1000)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'v1=abc', 1000)).toBe(false);
  });
});

describe('endpointWants', () => {
  it('delivers every type to a * subscription and only listed types otherwise', () => {
    expect(endpointWants(['*'], 'loan')).toBe(true);
    expect(endpointWants(['user_created'], 'user_created')).toBe(true);
    expect(endpointWants(['user_created'], 'user_verify')).toBe(false);
  });
});

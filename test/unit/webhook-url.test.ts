import { describe, expect, it } from 'vitest';
import { isPublicAddress, urlRefusal } from '#core/webhook-url';

const live = { mode: 'live' as const, allowPrivate: false };
const sandbox = { mode: 'sandbox' as const, allowPrivate: false };

describe('isPublicAddress', () => {
  it.each([
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::ffff:127.0.0.1', false],
    ['fd00::1', false],
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
  ])('%s is public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('urlRefusal', () => {
  it('refuses http in live mode', () => {
    expect(urlRefusal(new URL('http://example.com/hook'), ['93.184.216.34'], live)).toBe('must use https in live mode');
  });

  it('accepts http in sandbox mode for a public address', () => {
    expect(urlRefusal(new URL('http://example.com/hook'), ['93.184.216.34'], sandbox)).toBeNull();
  });

  it('refuses a host that resolves to the metadata service, even once among public addresses', () => {
    expect(urlRefusal(new URL('https://evil.example/hook'), ['93.184.216.34', '169.254.169.254'], live)).toMatch(
      /private/,
    );
  });

  it('refuses loopback unless the deployment allows private addresses (the local sandbox)', () => {
    const url = new URL('http://127.0.0.1:4000/hook');
    expect(urlRefusal(url, ['127.0.0.1'], sandbox)).toMatch(/private/);
    expect(urlRefusal(url, ['127.0.0.1'], { mode: 'sandbox', allowPrivate: true })).toBeNull();
  });

  it('refuses credentials in the URL and hosts that do not resolve', () => {
    expect(urlRefusal(new URL('https://u:p@example.com/'), ['93.184.216.34'], live)).toMatch(/credentials/);
    expect(urlRefusal(new URL('https://nowhere.invalid/'), [], live)).toMatch(/does not resolve/);
  });
});

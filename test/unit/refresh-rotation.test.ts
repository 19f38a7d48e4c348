import { describe, expect, it } from 'vitest';
import { seal, unseal } from '#store/refresh-rotation';

describe('the sealed answer of a refresh', () => {
  const answer = { access_token: 'eyJ…', refresh_token: 'rt_next', token_type: 'Bearer', expires_in: 900 };

  it('opens with the spent token that sealed it', () => {
    expect(unseal(`rt_${'a'.repeat(43)}`, seal(`rt_${'a'.repeat(43)}`, answer))).toEqual(answer);
  });

  it('opens with no other token, and gives nothing away in the clear', () => {
    const sealed = seal('rt_one', answer);
    expect(unseal('rt_two', sealed)).toBeUndefined();
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('rt_next');
  });

  it('refuses a tampered seal', () => {
    const raw = Buffer.from(seal('rt_one', answer), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(unseal('rt_one', raw.toString('base64'))).toBeUndefined();
  });

  it('seals the same answer differently each time (a fresh IV)', () => {
    expect(seal('rt_one', answer)).not.toBe(seal('rt_one', answer));
  });
});

import { describe, expect, it } from 'vitest';
import { piiReplacer } from '#core/pii';

describe('piiReplacer', () => {
  it('masks identity numbers, phones and e-mails, and redacts secrets, at any depth', () => {
    const line = JSON.stringify(
      {
        borrower: { nik: '3171011708450001', phone: '+6281234567890', email: 'budi@example.com', name: 'Budi' },
        headers: { Authorization: 'Bearer abc', 'x-api-key': 'sk_sandbox_x' },
        mandate: { account_number: '111111111' },
        clientSecret: 'sk_sandbox_secret',
      },
      piiReplacer,
    );
    expect(line).not.toMatch(/3171011708450001|6281234567890|budi@|Bearer abc|sk_sandbox/);
    expect(line).toContain('************0001');
    expect(line).toContain('b***@example.com');
    expect(line).toContain('*****1111');
    expect(line).toContain('"name":"Budi"');
  });
});

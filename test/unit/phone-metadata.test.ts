/** The cut-down phone metadata: current with the installed libphonenumber-js, and as strict as the full set. */
import { readFileSync } from 'node:fs';
import { isValidPhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { describe, expect, it } from 'vitest';
import { normaliseMobile } from '#core/identity';
import { render, TARGET } from '../../scripts/phone-metadata.ts';

describe('functions/core/phone-metadata.ts', () => {
  it('is what scripts/phone-metadata.ts writes from the installed libphonenumber-js (run it after an upgrade)', () => {
    expect(readFileSync(TARGET, 'utf8')).toBe(render());
  });

  it('judges Indonesian and Indian numbers as the full mobile metadata does', () => {
    const samples: [string, 'ID' | 'IN'][] = [
      ['081234567890', 'ID'],
      ['+6281234567890', 'ID'],
      ['6281234567890', 'ID'],
      ['08401234567', 'ID'], // unassigned prefix
      ['0215551234', 'ID'], // Jakarta landline
      ['9876543210', 'IN'],
      ['+919876543210', 'IN'],
      ['1234567890', 'IN'],
      ['02212345678', 'IN'], // Mumbai landline
      ['+14155550123', 'ID'], // another country
    ];
    for (const [value, country] of samples) {
      // The same rule with the full metadata.
      const candidate = country === 'ID' && /^62\d{9,13}$/.test(value) ? `+${value}` : value;
      const parsed = isValidPhoneNumber(candidate, country)
        ? parsePhoneNumberFromString(candidate, country)
        : undefined;
      const full = parsed?.country === country ? parsed.number : null;
      expect(normaliseMobile(value, country), `${value} (${country})`).toBe(full);
    }
    expect(normaliseMobile('081234567890', 'ID')).toBe('+6281234567890');
    expect(normaliseMobile('9876543210', 'IN')).toBe('+919876543210');
  });
});

/** VA numbers in SNAP BI's shape: partnerServiceId (8, space-padded) + customerNo, one check digit. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '#core/errors';
import {
  BANK_CODES,
  bankOfVaNumber,
  isBankCode,
  newVirtualAccount,
  parseVaNumber,
  SANDBOX_VA_BANKS,
  type VaBankTable,
} from '#core/repayment/virtual-accounts';

/** An independent Luhn test over the whole number. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).details[0]?.field;
  }
  throw new Error('expected a ValidationError');
};

describe('newVirtualAccount', () => {
  it('forms BCA numbers as SNAP does: "   12345" + customerNo, and the payer types the digits', () => {
    const va = newVirtualAccount('BCA', () => 1234567890n);
    expect(va.partnerServiceId).toBe('   12345');
    expect(va.partnerServiceId).toHaveLength(8);
    expect(va.customerNo).toMatch(/^1234567890\d$/);
    expect(va.virtualAccountNo).toBe(`   12345${va.customerNo}`);
    expect(va.vaNumber).toBe(`12345${va.customerNo}`);
    expect(va.bankCode).toBe('BCA');
    expect(luhnValid(va.vaNumber)).toBe(true);
  });

  it('gives every bank its prefix, its customerNo length and a Luhn-valid number', () => {
    for (const bank of BANK_CODES) {
      const { prefix, customerNoLength } = SANDBOX_VA_BANKS[bank];
      for (let i = 0; i < 50; i++) {
        const va = newVirtualAccount(bank);
        expect(va.partnerServiceId).toBe(prefix.padStart(8, ' '));
        expect(va.customerNo).toMatch(new RegExp(`^\\d{${customerNoLength}}$`));
        expect(va.vaNumber).toBe(prefix + va.customerNo);
        expect(va.virtualAccountNo.trimStart()).toBe(va.vaNumber);
        expect(luhnValid(va.vaNumber)).toBe(true);
      }
    }
  });

  it('takes injected randomness as a bigint or digits, reduced and zero-padded to the length', () => {
    const small = newVirtualAccount('BRI', () => 42n);
    expect(small.customerNo.slice(0, -1)).toBe('000000042');
    const big = newVirtualAccount('BRI', () => '98765432109876543210');
    expect(big.customerNo.slice(0, -1)).toBe('109876543210'.slice(-9));
    expect(() => newVirtualAccount('BRI', () => '12ab')).toThrow(RangeError);
  });

  it('draws distinct numbers from the CSPRNG (no collision in 20,000 draws)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(newVirtualAccount('PERMATA').vaNumber);
    expect(seen.size).toBe(20_000);
  });

  it("uses a lender's own prefixes when given its table", () => {
    const table: VaBankTable = {
      ...SANDBOX_VA_BANKS,
      BCA: { ...SANDBOX_VA_BANKS.BCA, prefix: '39358', customerNoLength: 13 },
    };
    const va = newVirtualAccount('BCA', () => 7n, table);
    expect(va.partnerServiceId).toBe('   39358');
    expect(va.customerNo).toHaveLength(13);
    expect(parseVaNumber('BCA', va.vaNumber, table)).toEqual(va);
  });
});

describe('parseVaNumber', () => {
  it('round-trips the number a payer types, the SNAP form and a spaced-out form', () => {
    for (const bank of BANK_CODES) {
      const va = newVirtualAccount(bank);
      expect(parseVaNumber(bank, va.vaNumber)).toEqual(va);
      expect(parseVaNumber(bank, va.virtualAccountNo)).toEqual(va);
      expect(parseVaNumber(bank, va.vaNumber.replace(/(\d{4})/g, '$1 '))).toEqual(va);
    }
  });

  it('refuses any single mistyped digit and any swap of two different neighbours', () => {
    const va = newVirtualAccount('MANDIRI', () => 3141592653n);
    const digits = va.vaNumber;
    for (let i = SANDBOX_VA_BANKS.MANDIRI.prefix.length; i < digits.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === digits[i]) continue;
        const typo = digits.slice(0, i) + d + digits.slice(i + 1);
        expect(fieldOf(() => parseVaNumber('MANDIRI', typo))).toBe('va_number');
      }
      const next = digits[i + 1];
      // Luhn misses only the 09 <-> 90 swap.
      if (
        next !== undefined &&
        next !== digits[i] &&
        `${digits[i]}${next}` !== '09' &&
        `${digits[i]}${next}` !== '90'
      ) {
        const swapped = digits.slice(0, i) + next + digits[i] + digits.slice(i + 2);
        expect(fieldOf(() => parseVaNumber('MANDIRI', swapped))).toBe('va_number');
      }
    }
  });

  it("refuses another bank's number, a wrong length and non-digits", () => {
    const bca = newVirtualAccount('BCA');
    expect(fieldOf(() => parseVaNumber('BNI', bca.vaNumber))).toBe('va_number');
    expect(fieldOf(() => parseVaNumber('BCA', `${bca.vaNumber}0`))).toBe('va_number');
    expect(fieldOf(() => parseVaNumber('BCA', 'abc'))).toBe('va_number');
  });
});

describe('bankOfVaNumber and isBankCode', () => {
  it('finds the bank from the prefix and length alone', () => {
    for (const bank of BANK_CODES) expect(bankOfVaNumber(newVirtualAccount(bank).vaNumber)).toBe(bank);
    expect(bankOfVaNumber('5555555555555555')).toBeUndefined();
  });

  it('knows the six banks and nothing else', () => {
    expect(BANK_CODES.every(isBankCode)).toBe(true);
    for (const other of ['bca', 'DANAMON', '', null, 7]) expect(isBankCode(other)).toBe(false);
  });
});

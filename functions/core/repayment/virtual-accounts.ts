/**
 * Virtual account numbers for repayment, in Bank Indonesia's SNAP shape.
 *
 * How a number is formed (one bank, one loan's live VA):
 *   partnerServiceId  the bank's company/biller prefix for this lender, left-padded with spaces
 *                     to 8 characters (SNAP BI: "   12345" for BCA company code 12345)
 *   customerNo        `customerNoLength` digits: random digits, then one Luhn check digit
 *                     computed over prefix + random digits
 *   virtualAccountNo  partnerServiceId + customerNo, exactly as SNAP requests and callbacks carry it
 *   vaNumber          prefix digits + customerNo, no spaces: what the payer types at the ATM
 *
 * The check digit means a payer's single mistyped digit (or two swapped neighbours) names no
 * valid VA at all instead of another borrower's. Prefixes and lengths are configuration: each
 * lender gets its own codes from each bank or gateway; SANDBOX_VA_BANKS is the sandbox's table.
 * Uniqueness is the store's job (a conditional put on the number): on a collision the caller
 * draws again.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../errors.ts';

export const BANK_CODES = ['BCA', 'BNI', 'BRI', 'MANDIRI', 'PERMATA', 'CIMB'] as const;
export type BankCode = (typeof BANK_CODES)[number];

export interface VaBank {
  code: BankCode;
  name: string;
  /** The company/biller prefix digits the bank assigned (at most 8). */
  prefix: string;
  /** Digits after the prefix, the check digit included. SNAP allows up to 20. */
  customerNoLength: number;
}

export type VaBankTable = Record<BankCode, VaBank>;

/**
 * The sandbox's prefixes, shaped like each bank's real scheme: BCA and BRI a 5-digit company
 * code, BNI and Mandiri a 5-digit client/biller code, Permata and CIMB a 4-digit prefix, each
 * giving the 15-16 digit numbers the banks' ATMs and apps accept.
 */
export const SANDBOX_VA_BANKS: VaBankTable = {
  BCA: { code: 'BCA', name: 'Bank Central Asia', prefix: '12345', customerNoLength: 11 },
  BNI: { code: 'BNI', name: 'Bank Negara Indonesia', prefix: '98829', customerNoLength: 11 },
  BRI: { code: 'BRI', name: 'Bank Rakyat Indonesia', prefix: '77777', customerNoLength: 10 },
  MANDIRI: { code: 'MANDIRI', name: 'Bank Mandiri', prefix: '89608', customerNoLength: 11 },
  PERMATA: { code: 'PERMATA', name: 'Bank Permata', prefix: '8856', customerNoLength: 12 },
  CIMB: { code: 'CIMB', name: 'CIMB Niaga', prefix: '2099', customerNoLength: 12 },
};

export interface VirtualAccountNumber {
  bankCode: BankCode;
  /** 8 characters: the prefix left-padded with spaces. */
  partnerServiceId: string;
  customerNo: string;
  /** partnerServiceId + customerNo (SNAP's virtualAccountNo, spaces included). */
  virtualAccountNo: string;
  /** The digits a payer types: prefix + customerNo. */
  vaNumber: string;
}

export function isBankCode(value: unknown): value is BankCode {
  return typeof value === 'string' && (BANK_CODES as readonly string[]).includes(value);
}

/** The Luhn check digit that makes `digits` + it pass the Luhn test. */
function luhnCheckDigit(digits: string): string {
  let sum = 0;
  // Doubling starts at the rightmost digit, since the check digit will follow it.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function bankOf(bank: BankCode, banks: VaBankTable): VaBank {
  const entry = banks[bank];
  if (!/^\d{1,8}$/.test(entry.prefix) || entry.customerNoLength < 2 || entry.customerNoLength > 20) {
    throw new RangeError(`Virtual account configuration for ${bank} is invalid`);
  }
  return entry;
}

function shape(bank: VaBank, customerNo: string): VirtualAccountNumber {
  const partnerServiceId = bank.prefix.padStart(8, ' ');
  return {
    bankCode: bank.code,
    partnerServiceId,
    customerNo,
    virtualAccountNo: partnerServiceId + customerNo,
    vaNumber: bank.prefix + customerNo,
  };
}

/** 64 random bits from the CSPRNG: far more than the 19 digits any customerNo draws. */
const secureRandom = (): bigint => BigInt(`0x${randomBytes(8).toString('hex')}`);

/**
 * A fresh VA number at `bank`. `random` supplies the digits (a bigint, or a digit string; reduced
 * to the customerNo's random part); the default is the CSPRNG, tests pass their own. The caller
 * stores the number with a condition that it is unused and calls again on a collision.
 */
export function newVirtualAccount(
  bank: BankCode,
  random: () => bigint | string = secureRandom,
  banks: VaBankTable = SANDBOX_VA_BANKS,
): VirtualAccountNumber {
  const entry = bankOf(bank, banks);
  const drawn = random();
  if (typeof drawn === 'string' && !/^\d+$/.test(drawn)) throw new RangeError('random() must return digits');
  const value = typeof drawn === 'bigint' ? drawn : BigInt(drawn);
  if (value < 0n) throw new RangeError('random() must not be negative');
  const bodyLength = entry.customerNoLength - 1;
  const body = (value % 10n ** BigInt(bodyLength)).toString().padStart(bodyLength, '0');
  return shape(entry, body + luhnCheckDigit(entry.prefix + body));
}

/**
 * Reads the number a payer typed (or a gateway reported) as a VA at `bank`: spaces and dashes
 * are ignored, a SNAP virtualAccountNo (padded partnerServiceId) is accepted too. Throws a
 * ValidationError on `va_number` when the prefix, the length or the check digit is wrong.
 */
export function parseVaNumber(
  bank: BankCode,
  vaNumber: string,
  banks: VaBankTable = SANDBOX_VA_BANKS,
): VirtualAccountNumber {
  const entry = bankOf(bank, banks);
  const digits = vaNumber.replace(/[\s-]/g, '');
  const invalid = (message: string) => new ValidationError([{ field: 'va_number', message }]);
  if (!/^\d+$/.test(digits)) throw invalid('must be digits');
  if (!digits.startsWith(entry.prefix)) throw invalid(`is not a ${bank} virtual account of this lender`);
  const customerNo = digits.slice(entry.prefix.length);
  if (customerNo.length !== entry.customerNoLength) {
    throw invalid(`must be ${entry.prefix.length + entry.customerNoLength} digits for ${bank}`);
  }
  if (luhnCheckDigit(digits.slice(0, -1)) !== digits.slice(-1)) throw invalid('has a wrong check digit');
  return shape(entry, customerNo);
}

/** The bank whose prefix and length `vaNumber` has (a callback that names no bank), if any. */
export function bankOfVaNumber(vaNumber: string, banks: VaBankTable = SANDBOX_VA_BANKS): BankCode | undefined {
  const digits = vaNumber.replace(/[\s-]/g, '');
  return BANK_CODES.find(
    (code) =>
      digits.startsWith(banks[code].prefix) &&
      digits.length === banks[code].prefix.length + banks[code].customerNoLength,
  );
}

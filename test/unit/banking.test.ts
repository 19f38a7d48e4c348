import { describe, expect, it } from 'vitest';
import { acceptedRange, accountKind, checkStatement, datesIn } from '#core/banking';

const hdfc = { name: 'HDFC', fullName: 'HDFC Bank' };

describe('bank statements', () => {
  it("accepts the six months before the last completed one (the spec's example)", () => {
    expect(acceptedRange('2024-09-05')).toEqual({ from: '2024-03-01', to: '2024-08-31' });
    expect(acceptedRange('2026-01-10')).toEqual({ from: '2025-07-01', to: '2025-12-31' });
  });

  it('reads DD/MM/YYYY and DD-MM-YYYY dates and skips impossible ones', () => {
    expect(datesIn('01/06/2026 salary, 15-07-2026 rent, 31/02/2026 typo')).toEqual(['2026-06-01', '2026-07-15']);
  });

  it('passes a statement of the named bank with transactions in range', () => {
    const verdict = checkStatement(
      'HDFC Bank statement 05/06/2026 SALARY 50000 10/07/2026 RENT 15000',
      hdfc,
      '2026-09-05',
    );
    expect(verdict).toEqual({ ok: true, transactionsInRange: 2, firstDate: '2026-06-05', lastDate: '2026-07-10' });
  });

  it('fails with the spec codes: image, other bank, out of range', () => {
    expect(checkStatement('  ', hdfc, '2026-09-05')).toMatchObject({ errorCode: 'PDF_IS_IMAGE' });
    expect(checkStatement('ICICI Bank statement 05/06/2026 SALARY 50000', hdfc, '2026-09-05')).toMatchObject({
      errorCode: 'BANK_NAME_MISMATCH',
      errorMessage: 'Not HDFC bank statement',
    });
    expect(checkStatement('HDFC Bank statement 05/01/2025 SALARY 50000', hdfc, '2026-09-05')).toMatchObject({
      errorCode: 'OUT_OF_DATE_RANGE',
    });
  });

  it('fails with VALIDATION_ERROR when the statement says it is not of a savings account', () => {
    for (const header of [
      'Account Type: CURRENT',
      'Current Account Statement',
      'A/c Type : CA',
      'Cash Credit account',
    ]) {
      expect(checkStatement(`HDFC Bank ${header} 05/06/2026 SALARY 50000`, hdfc, '2026-09-05')).toEqual({
        ok: false,
        errorCode: 'VALIDATION_ERROR',
        errorMessage: 'Savings account statement not used',
      });
    }
  });

  it('passes a savings statement, and one that does not name its account type', () => {
    for (const header of ['Account Type: Savings', 'SAVINGS ACCOUNT STATEMENT', 'SB A/c', 'Account statement']) {
      expect(checkStatement(`HDFC Bank ${header} 05/06/2026 SALARY 50000`, hdfc, '2026-09-05')).toMatchObject({
        ok: true,
      });
    }
  });
});

describe('accountKind', () => {
  it('reads the account type label first, then the words a statement uses', () => {
    expect(accountKind('Account Type : Savings Bank')).toBe('SAVINGS');
    expect(accountKind('Account Type: Current   Branch: Andheri')).toBe('OTHER');
    expect(accountKind('Account Type Code: 10  Savings Account')).toBe('SAVINGS');
    // A savings statement that mentions a current account elsewhere (a transfer line) is still savings.
    expect(accountKind('Savings Account Statement 05/06/2026 NEFT from current account of ACME')).toBe('SAVINGS');
    expect(accountKind('Overdraft account statement')).toBe('OTHER');
    expect(accountKind('Account statement 05/06/2026 SALARY')).toBe('UNKNOWN');
  });
});

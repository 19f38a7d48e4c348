import { describe, expect, it } from 'vitest';
import { acceptedRange, checkStatement, datesIn } from '#core/banking';

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
});

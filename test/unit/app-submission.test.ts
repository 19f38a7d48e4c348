import { describe, expect, it } from 'vitest';
import { SANDBOX_APP_PRODUCT } from '#core/app/products';
import { quoteSubmission } from '#core/app/submission';
import { AppError } from '#core/errors';

const TODAY = '2026-02-16';

describe('the loan submission quote (item 16)', () => {
  it("comes out at the spec's own 9,970,000 for 8,000,000 at 2 % flat for 12 months, fee 150,000, promo 100,000", () => {
    const q = quoteSubmission(SANDBOX_APP_PRODUCT, { requestedAmount: 8_000_000, tenorId: 3, promoId: 3 }, TODAY);
    expect(q.interest).toBe(1_920_000n);
    expect(q.serviceFee).toBe(150_000n);
    expect(q.promoDiscount).toBe(100_000n);
    expect(q.totalRepayment).toBe(9_970_000n);
    expect(q.promo?.code).toBe('PROMO-MERDEKA-2026');
    expect(q.schedule.installments).toHaveLength(12);
    // The installments sum to the total exactly; the fee net of the promo is repaid with them.
    expect(q.schedule.installments.reduce((s, i) => s + i.total, 0n)).toBe(9_970_000n);
    expect(q.schedule.totals.fees).toBe(50_000n);
    expect(q.schedule.netDisbursed).toBe(8_000_000n);
    for (const i of q.schedule.installments) expect(i.interest).toBe(160_000n);
  });

  it('applies each tenor its own flat monthly rate, and no discount without a promo', () => {
    const three = quoteSubmission(SANDBOX_APP_PRODUCT, { requestedAmount: 8_000_000, tenorId: 1 }, TODAY);
    expect(three.interest).toBe(600_000n); // 8,000,000 × 2.5 % × 3
    expect(three.totalRepayment).toBe(8_750_000n);
    expect(three.promo).toBeNull();
    const six = quoteSubmission(SANDBOX_APP_PRODUCT, { requestedAmount: 8_000_000, tenorId: 2, promoId: 3 }, TODAY);
    expect(six.interest).toBe(1_056_000n); // 8,000,000 × 2.2 % × 6
    expect(six.totalRepayment).toBe(8_000_000n + 1_056_000n + 50_000n);
  });

  it('caps the promo at the service fee when the promo is worth more than the fee', () => {
    const product = { ...SANDBOX_APP_PRODUCT, serviceFee: 60_000n };
    const q = quoteSubmission(product, { requestedAmount: 1_000_000, tenorId: 3, promoId: 3 }, TODAY);
    expect(q.promoDiscount).toBe(60_000n);
    expect(q.totalRepayment).toBe(1_000_000n + 240_000n);
  });

  it('refuses an unknown tenor, an unknown or expired promo and an amount under the minimum, naming each field', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return error as AppError;
      }
      throw new Error('not refused');
    };
    const e = refusal(() =>
      quoteSubmission(SANDBOX_APP_PRODUCT, { requestedAmount: 1000, tenorId: 9, promoId: 42 }, TODAY),
    );
    expect(e.code).toBe('VALIDATION_ERROR');
    expect(e.details?.map((d) => d.field)).toEqual(['tenor_months_id', 'promo_id', 'requested_amount']);
    const expired = refusal(() =>
      quoteSubmission(SANDBOX_APP_PRODUCT, { requestedAmount: 8_000_000, tenorId: 3, promoId: 3 }, '2027-01-01'),
    );
    expect(expired.details?.[0]).toMatchObject({ field: 'promo_id', value: 3 });
  });
});

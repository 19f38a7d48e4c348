/**
 * The borrower app's loan products: configuration (data), not code. Each product carries its
 * tenors with their flat monthly rates, the service fee, the promos, the initial limit a
 * plain applicant is approved for, and the payment methods its bills can be paid with (the
 * next round's bills and generate-payment read them: a method's `id` is generate payment's
 * `payment_channel_id`). The sandbox product is the spec's own (borrower-app-api.txt items
 * 14 and 16); a live stage lists its products here, or loads them from its own store.
 * Amounts are IDR minor units (IDR has no decimals: 1 unit = Rp1).
 */
import type { Mode } from '../tenant.ts';

export interface AppTenor {
  id: number;
  months: number;
  label: string;
  /** Flat interest, percent per month, as a decimal string (exact): "2.5". */
  monthlyRatePercent: string;
}

export interface AppPromo {
  id: number;
  code: string;
  discount: bigint;
  /** Promo valid until (inclusive, ISO date). */
  validUntil: string;
}

export interface AppPaymentMethod {
  /** generate payment's `payment_channel_id`. */
  id: number;
  code: string;
  name: string;
  category: 'VIRTUAL_ACCOUNT' | 'QR_CODE';
  fee: bigint;
}

export interface AppProduct {
  productId: string;
  title: string;
  currency: 'IDR';
  tenors: AppTenor[];
  serviceFee: bigint;
  promos: AppPromo[];
  /** The limit a plain applicant is approved for by the initial-limit decision. */
  initialLimit: bigint;
  minAmount: bigint;
  paymentMethods: AppPaymentMethod[];
}

/** The sandbox's default product: the spec's tenors, fee, promo id 3 and a 10,000,000 limit. */
export const SANDBOX_APP_PRODUCT: AppProduct = {
  productId: 'prd_app_cash_loan',
  title: 'Pinjaman Biaya Pendidikan',
  currency: 'IDR',
  tenors: [
    { id: 1, months: 3, label: '3 bulan', monthlyRatePercent: '2.5' },
    { id: 2, months: 6, label: '6 bulan', monthlyRatePercent: '2.2' },
    { id: 3, months: 12, label: '12 bulan', monthlyRatePercent: '2' },
  ],
  serviceFee: 150_000n,
  promos: [{ id: 3, code: 'PROMO-MERDEKA-2026', discount: 100_000n, validUntil: '2026-12-31' }],
  initialLimit: 10_000_000n,
  minAmount: 500_000n,
  paymentMethods: [
    { id: 1, code: 'MANDIRI_VA', name: 'Mandiri Virtual Account', category: 'VIRTUAL_ACCOUNT', fee: 2_500n },
    { id: 2, code: 'QRIS', name: 'QRIS', category: 'QR_CODE', fee: 0n },
  ],
};

/** The products the app offers in a mode. Live products are the deployment's own: none are shipped. */
export function appProducts(mode: Mode): AppProduct[] {
  return mode === 'sandbox' ? [SANDBOX_APP_PRODUCT] : [];
}

/**
 * The product a request means: the one named, or the only one when `product_id` is omitted
 * (the spec's sample always names it; an app with one product need not). Null when it names
 * none, or when there are several and none is named.
 */
export function chooseProduct(products: readonly AppProduct[], productId?: string): AppProduct | null {
  if (productId) return products.find((p) => p.productId === productId) ?? null;
  return products.length === 1 ? (products[0] ?? null) : null;
}

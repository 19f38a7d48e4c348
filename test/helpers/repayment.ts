/**
 * The loan engine's side of the repayment e2e tests: what a disbursed loan's ledger must say,
 * computed from the loan's own terms with the domain core (pricing -> generateSchedule ->
 * openLedger -> serviceThrough / applyPayment), never typed in by hand. Plus what a gateway or
 * a payer does from outside: sign a sandbox callback with the account's secret, make up a VA
 * number no bank could have issued, read the hosted page's pay form.
 */
import { createHmac } from 'node:crypto';
import { PRODUCTS } from '#core/loans/caps';
import { addDays, type IsoDate } from '#core/loans/dates';
import { type Currency, formatMajor } from '#core/loans/money';
import { type PricingTerms, priceLoan } from '#core/loans/pricing';
import { generateSchedule, type Schedule } from '#core/loans/schedule';
import {
  amountDue,
  applyPayment,
  defaultServicingPolicy,
  type Ledger,
  type LedgerChange,
  openLedger,
  outstanding,
  type ServicingPolicy,
  serviceThrough,
  settlementQuote,
} from '#core/repayment/ledger';

/** The lender's calendar (Asia/Jakarta, UTC+7, no daylight saving), as the servicing uses it. */
export const jakartaDate = (ms: number): IsoDate => new Date(ms + 7 * 3600_000).toISOString().slice(0, 10);

/** The loan view fields the model reads (GET /api/core/loans/details/{id}). */
export interface DisbursedLoanView {
  loanUniqueId: string;
  currency: Currency;
  disbursement_date: IsoDate;
  terms: Omit<PricingTerms, 'disbursement_date' | 'fees'> & { fees?: PricingTerms['fees'] };
  disbursement: { disbursed_at: string };
}

/**
 * One disbursed loan as the engine computes it: the schedule from the loan's own terms,
 * re-based to the day the money went out, and its ledger moved by the same steps the test
 * makes the runtime take (the loan's sandbox clock, payments). Every expectation of the
 * tests comes from here.
 */
export class LoanModel {
  readonly schedule: Schedule;
  readonly policy: ServicingPolicy;
  readonly disbursedOn: IsoDate;
  ledger: Ledger;
  /** The loan's sandbox clock: days ahead of the real Jakarta date. */
  offsetDays = 0;

  constructor(view: DisbursedLoanView) {
    const productId = view.terms.product;
    if (!productId || !PRODUCTS[productId]) throw new Error(`loan ${view.loanUniqueId} names no known product`);
    // Priced as the loan was (its own terms and priced date), then re-based to the disbursal day.
    const priced = priceLoan({ ...view.terms, fees: view.terms.fees ?? [], disbursement_date: view.disbursement_date });
    this.disbursedOn = jakartaDate(Date.parse(view.disbursement.disbursed_at));
    this.schedule = generateSchedule({ ...priced.terms, disbursementDate: this.disbursedOn });
    this.policy = defaultServicingPolicy(productId);
    this.ledger = openLedger({
      loanId: view.loanUniqueId,
      schedule: this.schedule,
      terms: {
        annualRate: priced.terms.annualRate,
        dayCount: priced.terms.dayCount,
        method: priced.terms.method,
        ...(priced.terms.rounding ? { rounding: priced.terms.rounding } : {}),
      },
      disbursementDate: this.disbursedOn,
      product: PRODUCTS[productId],
    });
  }

  /** The loan's today: the real Jakarta date plus its clock's offset. */
  today(): IsoDate {
    return addDays(jakartaDate(Date.now()), this.offsetDays);
  }

  /** Servicing through the loan's today (what a payment and a clock move do first). */
  private serviceToday(): LedgerChange[] {
    const { ledger, changes } = serviceThrough(this.ledger, this.today(), this.policy);
    this.ledger = ledger;
    return changes;
  }

  /** `POST /v1/sandbox/loans/{id}/advance-time { days }`: the clock moves, every day passed is serviced. */
  advance(days: number): LedgerChange[] {
    this.offsetDays += days;
    return this.serviceToday();
  }

  /** A payment received today: serviced through today, then allocated by the product's order. */
  pay(amount: bigint): { changes: LedgerChange[]; toCredit: bigint } {
    const serviced = this.serviceToday();
    const result = applyPayment(this.ledger, { amount, date: this.today(), order: this.policy.order });
    this.ledger = result.ledger;
    return { changes: [...serviced, ...result.changes], toCredit: result.toCredit };
  }

  /** What a VA, a QRIS or a payment link asks for now. */
  due(): bigint {
    return amountDue(serviceThrough(this.ledger, this.today(), this.policy).ledger, this.today());
  }

  outstanding(): bigint {
    return outstanding(this.ledger);
  }

  quote(date: IsoDate) {
    return settlementQuote(serviceThrough(this.ledger, this.today(), this.policy).ledger, date);
  }

  /** Rupiah (or the currency's major unit) as the API writes amounts: a JSON number. */
  major(minor: bigint): number {
    return Number(formatMajor(minor, this.ledger.currency));
  }

  /** The schedule as the loan view lists it after disbursal. */
  scheduleView() {
    return this.schedule.installments.map((i) => ({
      number: i.number,
      due_date: i.dueDate,
      principal: this.major(i.principal),
      interest: this.major(i.interest),
      fees: this.major(i.fees),
      total: this.major(i.total),
    }));
  }

  /** The `repayment` object the loan view must show (the contract's field names). */
  repaymentView() {
    const l = this.ledger;
    const components = (c: Ledger['installments'][number]['due']) => ({
      principal: this.major(c.principal),
      interest: this.major(c.interest),
      fee: this.major(c.fee),
      penalty: this.major(c.penalty),
    });
    return {
      outstanding: this.major(outstanding(l)),
      days_past_due: l.daysPastDue,
      delinquency_bucket: l.bucket,
      credit: this.major(l.credit),
      late_fees_charged: this.major(l.lateFeesCharged),
      late_fee_cap_reached: l.lateFeeCapReached,
      installments: l.installments.map((i) => ({
        number: i.number,
        due_date: i.dueDate,
        status: i.status,
        due: components(i.due),
        paid: components(i.paid),
      })),
    };
  }
}

/**
 * The sandbox gateway's magic amounts end in 991 (late), 992 (three times) or 993 (out of
 * order): an amount a test pays on purpose must not end so by accident.
 */
export const isMagicAmount = (rupiah: bigint) => rupiah % 1000n >= 991n && rupiah % 1000n <= 993n;

/** `total` in two parts, neither a magic amount: about half, on a round thousand. */
export function twoParts(total: bigint): [bigint, bigint] {
  let first = (total / 2n / 1000n) * 1000n;
  while (isMagicAmount(first) || isMagicAmount(total - first)) first += 10n;
  return [first, total - first];
}

/** The sandbox gateway's signature header: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, computed here from the contract. */
export function gatewaySignature(secret: string, body: string, unixSeconds = Math.floor(Date.now() / 1000)): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

/** Luhn check digit for `digits` (the digit that makes digits + it pass). */
function luhnDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * A BCA-shaped VA number (the sandbox prefix 12345 and 11 digits) whose check digit is wrong:
 * a payer's typo, a number lendstack can never have issued.
 */
export function unissuedVaNumber(): string {
  const body = `12345${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;
  return `${body}${(luhnDigit(body) + 1) % 10}`;
}

/** The hosted page's sandbox pay form: where it posts and its fields. */
export function payForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form\b[^>]*>[\s\S]*?<\/form>/i.exec(html)?.[0];
  if (!form) return null;
  const action = /\baction="([^"]*)"/i.exec(form)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input\b[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/i.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input[0])?.[1] ?? '';
    if (name) fields[name] = value.replace(/&amp;/g, '&');
  }
  return { action: new URL(action.replace(/&amp;/g, '&'), pageUrl).toString(), fields };
}

/** Rupiah grouped as the hosted page writes it: 1.234.567. */
export const groupedRupiah = (rupiah: bigint) => rupiah.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');

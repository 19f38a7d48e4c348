/**
 * The partner API's loans: a partner loan IS a loan application (origin `partner`), one
 * execution of statemachines/application.asl.json that starts at the agreement, so it goes
 * through the same waits, retries and catches as every other surface's loan. This module holds
 * what the loan endpoints share: loading a loan, starting its workflow, and its view.
 */
import { createHash } from 'node:crypto';
import { type Borrower, loanRefusal } from '#core/borrowers';
import { BorrowerStatusError, ConflictError, NotFoundError, ValidationError } from '#core/errors';
import { newId } from '#core/ids';
import type { IsoDate } from '#core/loans/dates';
import { formatMajor } from '#core/loans/money';
import { priceLoan, scheduleAsDecimals } from '#core/loans/pricing';
import type { Frequency, Method } from '#core/loans/schedule';
import { type DisbursementAccount, defaultDayCount, partnerLoanStatus } from '#core/partner-loans';
import { storeTerms } from '#core/repayment/terms';
import type { Tenant } from '#core/tenant';
import { recordApplicationStart } from '#store/application-index';
import { findApplication, findLoanByReference, insertPartnerLoan } from '#store/applications';
import { getBorrower } from '#store/borrowers';
import { presignDownload } from '#store/documents-bucket';
import { isPartnerLoan, type PartnerLoan, partnerLoanChange } from '#store/loan-events';
import { findLoanRecord } from '#store/loans';
import { ensureWorkflow } from '#store/workflows';
import { repaymentView } from '../repayment-views.ts';
import type * as partner from './schemas.ts';

type SingleBody = ReturnType<typeof partner.singlePaymentLoanBody.parse>;
type BnplBody = ReturnType<typeof partner.bnplLoanBody.parse>;
export type LoanRequest = { type: 'SINGLE_PAYMENT'; body: SingleBody } | { type: 'BNPL'; body: BnplBody };

/** A partner loan of this tenant, or 404 (another partner's or mode's loan is not found either). */
export async function getPartnerLoan(tenant: Tenant, loanUniqueId: string): Promise<PartnerLoan> {
  const app = await findApplication(tenant, loanUniqueId);
  if (!app || !isPartnerLoan(app)) throw new NotFoundError('loan', loanUniqueId);
  return app;
}

/**
 * The loan's execution input. Identical for every start of the same loan, so a repeated start
 * is the same execution. The workflow's customerId is the subject of the sandbox's magic
 * endings: for a partner loan, its reference_id.
 */
const workflowInput = (tenant: Tenant, loan: PartnerLoan) => ({
  applicationId: loan.applicationId,
  partnerId: tenant.partnerId,
  mode: tenant.mode,
  borrowerId: loan.borrowerId,
  customerId: loan.partner.referenceId,
  origin: 'partner',
});

/**
 * Starts the loan's execution (named after the loan) unless it exists: safe to call again. The
 * start is recorded first (once), so ops list the loan among the applications from now on.
 */
export async function ensureLoanWorkflow(tenant: Tenant, loan: PartnerLoan): Promise<void> {
  await recordApplicationStart(tenant, {
    applicationId: loan.applicationId,
    borrowerId: loan.borrowerId,
    customerId: loan.partner.referenceId,
    origin: 'partner',
    startedAt: loan.createdAt,
  });
  await ensureWorkflow('application', loan.applicationId, workflowInput(tenant, loan));
}

/** Today in Asia/Jakarta (UTC+7, no daylight saving): the schedule's start. */
const jakartaToday = (): IsoDate => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

/** The engine's terms of a request, defaults applied: what the loan shows and a quote would take. */
function pricingTerms(request: LoanRequest) {
  const b = request.body;
  const common = {
    currency: b.currency,
    principal: b.principal,
    interest_rate: b.interest_rate,
    rate_period: b.rate_period,
    fees: b.fees,
    product: b.product,
  };
  if (request.type === 'SINGLE_PAYMENT') {
    return {
      ...common,
      method: 'single_payment' as Method,
      term: { count: request.body.tenor_days, frequency: 'daily' as Frequency },
      day_count: b.day_count ?? defaultDayCount('SINGLE_PAYMENT', b.rate_period),
    };
  }
  return {
    ...common,
    method: request.body.method as Method,
    term: { count: request.body.installments, frequency: request.body.frequency as Frequency },
    day_count: b.day_count ?? defaultDayCount('BNPL', b.rate_period, request.body.frequency),
  };
}

/** A borrower that can take a loan: APPROVED, else 400 naming its status (the credit-score work's rule). */
function assertCanBorrow(borrower: Borrower): void {
  const refusal = loanRefusal(borrower);
  if (refusal) throw new BorrowerStatusError('borrower_not_approved', refusal);
}

/**
 * Creates a PENDING loan and starts its workflow. The same reference_id with the same request
 * answers the loan it created (also when N identical requests race: one transaction wins);
 * with another request it is 409.
 */
export async function createPartnerLoan(tenant: Tenant, userId: string, request: LoanRequest): Promise<PartnerLoan> {
  const borrower = await getBorrower(tenant, userId);
  const b = request.body;
  const requestDigest = createHash('sha256')
    .update(JSON.stringify({ userId, ...request }))
    .digest('hex');
  const replay = async () => {
    const found = await findLoanByReference(tenant, b.reference_id);
    if (!found) return null;
    if (found.requestDigest !== requestDigest) {
      throw new ConflictError(
        'reference_id_taken',
        `reference_id ${b.reference_id} already names loan ${found.applicationId}, created with another request`,
      );
    }
    const loan = await getPartnerLoan(tenant, found.applicationId);
    await ensureLoanWorkflow(tenant, loan); // the first request may have died before starting it
    return loan;
  };
  const existing = await replay();
  if (existing) return existing;

  assertCanBorrow(borrower);
  const account = accountOf(b.disbursement_account) ?? borrower.disbursementAccount;
  if (!account) {
    throw new ValidationError([
      { field: 'disbursement_account', message: 'is required: the borrower has no disbursement account yet' },
    ]);
  }
  const terms = { ...pricingTerms(request), disbursement_date: jakartaToday() };
  const { schedule, terms: engineTerms, product, rates } = priceLoan(terms);
  const now = new Date().toISOString();
  const applicationId = newId('loan');
  const loan: PartnerLoan = {
    applicationId,
    borrowerId: borrower.borrowerId,
    // The workflow's sandbox magic reads the customerId: a partner loan's is its reference_id.
    customerId: b.reference_id,
    offerId: '',
    referenceId: b.reference_id,
    status: 'OFFER_ACCEPTED',
    currency: schedule.currency,
    amount: Number(formatMajor(schedule.principal, schedule.currency)),
    tenure: schedule.installments.length,
    interest: Number(b.interest_rate),
    schedule: scheduleAsDecimals(schedule),
    engineTerms: storeTerms(engineTerms, product.id),
    createdAt: now,
    origin: 'partner',
    partner: {
      type: request.type,
      referenceId: b.reference_id,
      requestDigest,
      disbursementAccount: account,
      terms: {
        principal: terms.principal,
        currency: terms.currency,
        interest_rate: terms.interest_rate,
        rate_period: terms.rate_period,
        method: terms.method,
        term: terms.term,
        day_count: terms.day_count,
        fees: terms.fees,
        product: product.id,
        ...(request.type === 'SINGLE_PAYMENT'
          ? { tenor_days: request.body.tenor_days }
          : { installments: request.body.installments, frequency: request.body.frequency }),
      },
      disbursementDate: terms.disbursement_date,
      product: product.id,
      apr: rates?.apr ?? null,
      effectiveDailyRate: rates?.effectiveDailyRate ?? null,
      ...(request.type === 'BNPL' && request.body.merchant_reference
        ? { merchantReference: request.body.merchant_reference }
        : {}),
      ...(request.type === 'BNPL' && request.body.order_reference
        ? { orderReference: request.body.order_reference }
        : {}),
    },
  };
  const { event, history } = partnerLoanChange(tenant, loan, 'PENDING', {
    at: now,
    data: { principal: loan.amount, currency: loan.currency },
  });
  loan.statusHistory = [history];
  try {
    await insertPartnerLoan(tenant, borrower, loan, event, !borrower.disbursementAccount);
  } catch (error) {
    // A concurrent identical request won the reference_id: answer its loan.
    if (error instanceof ConflictError && error.code === 'reference_id_taken') {
      const winner = await replay();
      if (winner) return winner;
    }
    throw error;
  }
  await ensureLoanWorkflow(tenant, loan);
  return loan;
}

function accountOf(body: SingleBody['disbursement_account']): DisbursementAccount | undefined {
  return (
    body && {
      bankCode: body.bank_code as DisbursementAccount['bankCode'],
      accountNumber: body.account_number,
      accountName: body.account_name,
    }
  );
}

const maskAccount = (n: string) => `${'*'.repeat(Math.max(0, n.length - 4))}${n.slice(-4)}`;

/** The partner API's view of a loan (the contract's minimum in issue 9, and what /docs says of each field). */
export async function loanView(loan: PartnerLoan, tenant?: Tenant) {
  const num = (s: string) => Number(s);
  // Once disbursed, the loan's ledger: what is due and paid, delinquency, credit.
  const ledger =
    tenant && (loan.status === 'DISBURSED' || loan.status === 'REPAID')
      ? await findLoanRecord(tenant, loan.applicationId)
      : null;
  const d = loan.disbursal;
  const account = loan.partner.disbursementAccount;
  return {
    loanUniqueId: loan.applicationId,
    userId: loan.borrowerId,
    type: loan.partner.type,
    // The loan and its ledger are two reads; REPAID is written to both in one transaction, so a
    // ledger read after the loan may already say what the loan read did not yet.
    status: ledger?.ledger.status === 'REPAID' ? 'REPAID' : partnerLoanStatus(loan),
    reference_id: loan.partner.referenceId,
    currency: loan.currency,
    principal: loan.amount,
    net_disbursed: num(loan.schedule.netDisbursed),
    upfront_fees: num(loan.schedule.upfrontFees),
    terms: loan.partner.terms,
    disbursement_date: loan.partner.disbursementDate,
    schedule: loan.schedule.installments.map((i) => ({
      number: i.number,
      due_date: i.dueDate,
      principal: num(i.principal),
      interest: num(i.interest),
      fees: num(i.fees),
      total: num(i.total),
    })),
    totals: {
      principal: num(loan.schedule.totals.principal),
      interest: num(loan.schedule.totals.interest),
      fees: num(loan.schedule.totals.fees),
      total: num(loan.schedule.totals.total),
    },
    apr: loan.partner.apr,
    effective_daily_rate: loan.partner.effectiveDailyRate,
    disbursement_account: {
      bank_code: account.bankCode,
      account_number: maskAccount(account.accountNumber),
      account_name: account.accountName,
    },
    disbursement: d
      ? {
          status: d.status,
          attempt: d.attempt ?? 1,
          transfer_reference: d.utrNumber ?? null,
          disbursed_amount: d.disbursedAmount ? num(d.disbursedAmount) : null,
          disbursed_at: d.disbursedAt ?? null,
          reason: d.status === 'FAILED' ? (d.message ?? null) : null,
        }
      : null,
    agreement_url: loan.agreement ? await presignDownload(loan.agreement.objectKey) : null,
    ...(loan.partner.merchantReference ? { merchant_reference: loan.partner.merchantReference } : {}),
    ...(loan.partner.orderReference ? { order_reference: loan.partner.orderReference } : {}),
    status_history: loan.statusHistory ?? [],
    repayment: ledger ? repaymentView(ledger) : null,
    created_at: loan.createdAt,
  };
}

/** Loan applications: created when a customer accepts an offer, with the schedule the loan engine computed. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Borrower } from '#core/borrowers';
import { BorrowerStatusError, ConflictError, InvalidStateError, NotFoundError } from '#core/errors';
import type { DisbursementAccount, PartnerLoanStatus, PartnerLoanType } from '#core/partner-loans';
import type { StoredTerms } from '#core/repayment/terms';
import type { Tenant } from '#core/tenant';
import { releaseLimitItem, reserveLimitItem } from './app-limits.ts';
import { borrowerKey } from './borrowers.ts';
import { ddb, getEntity, tableName } from './client.ts';
import { cancelledConditions, expiryFor, tenantKey } from './keys.ts';
import type { TransactItem } from './loans.ts';
import { type DomainEvent, outboxPut } from './outbox.ts';

/**
 * OFFER_ACCEPTED -> SIGNED -> DISBURSAL_PROCESSING -> DISBURSED; or REJECTED (signing),
 * DISBURSAL_FAILED, or EXPIRED (KYC never completed while the accepted offer waited).
 */
export type ApplicationStatus =
  | 'OFFER_ACCEPTED'
  | 'EXPIRED'
  | 'SIGNED'
  | 'REJECTED'
  | 'DISBURSAL_PROCESSING'
  | 'DISBURSED'
  | 'DISBURSAL_FAILED'
  /** Nothing owed any more (servicing: the last payment or an early settlement). */
  | 'REPAID';

export interface Agreement {
  referenceId: string;
  status: 'PROCESSING' | 'SUCCESS' | 'REJECTED' | 'FAILED';
  objectKey: string;
  createdAt: string;
  signedAt?: string;
}

export interface Disbursal {
  referenceId: string;
  status: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  utrNumber?: string;
  loanAccountNumber?: string;
  disbursedAmount?: string;
  disbursedAt?: string;
  message?: string;
  /** 1 for the first trigger; a trigger after DISBURSAL_FAILED is the next attempt. */
  attempt?: number;
}

export interface LoanApplication {
  applicationId: string;
  borrowerId: string;
  customerId: string;
  offerId: string;
  referenceId: string;
  status: ApplicationStatus;
  currency: string;
  /** Accepted terms, as the partner sent them (major units, percent, months). */
  amount: number;
  tenure: number;
  interest: number;
  /** The loan engine's schedule, amounts as exact decimal strings in major units. */
  schedule: {
    installments: {
      number: number;
      dueDate: string;
      principal: string;
      interest: string;
      fees: string;
      total: string;
    }[];
    totals: { principal: string; interest: string; fees: string; total: string };
    upfrontFees: string;
    netDisbursed: string;
  };
  /**
   * The loan engine's terms the schedule came from (absent on items older than servicing): the
   * ledger opened at disbursal re-computes the schedule from them on the disbursal day.
   */
  engineTerms?: StoredTerms;
  agreement?: Agreement;
  disbursal?: Disbursal;
  createdAt: string;
  /** Which surface created it: the journey API's offer acceptance (absent on older items), the partner API or the borrower app. */
  origin?: 'journey' | 'partner' | 'app';
  /** A borrower app submission's own terms (origin `app`). */
  app?: AppLoanTerms;
  /** A partner API loan's own terms (its applicationId is the `loan_…` loanUniqueId). */
  partner?: PartnerLoanTerms;
  /** Every status change the partner sees, in order (partner loans). */
  statusHistory?: StatusChange[];
}

/** What a borrower app submission was made with (borrower-app-api.txt item 16), amounts in rupiah strings. */
export interface AppLoanTerms {
  /** The spec's application_no (APP-LN-<date>-<id>). */
  applicationNo: string;
  productId: string;
  title: string;
  tenorId: number;
  /** Flat, percent per month, as the product lists it ("2"). */
  monthlyRatePercent: string;
  promo?: { id: number; code: string; discount: string };
  serviceFee: string;
  totalRepayment: string;
  /** The user's bank account from personal info: where the loan is disbursed. */
  disbursementAccount: DisbursementAccount;
  /** The part of the user's limit this loan holds: reserved at submission, given back when it is rejected or repaid. */
  reserved: string;
  /** Sandbox: review, agreement and disbursal run on their own; live: the back office's steps. */
  autopilot: boolean;
  appliedAt: string;
}

/** One entry of a partner loan's status history. */
export interface StatusChange {
  status: PartnerLoanStatus;
  at: string;
  reason?: string;
}

/** What a partner loan was created with, beyond the application's common fields. */
export interface PartnerLoanTerms {
  type: PartnerLoanType;
  /** The partner's reference_id, unique per tenant (also the subject of the sandbox magic endings). */
  referenceId: string;
  /** SHA-256 of the creation request: the same reference_id with another request is a conflict. */
  requestDigest: string;
  disbursementAccount: DisbursementAccount;
  /** The request's pricing terms as the partner sent them (snake_case, as /v1/loan-quotes takes them). */
  terms: Record<string, unknown>;
  /** The schedule's start: the creation date in Asia/Jakarta. */
  disbursementDate: string;
  product: string;
  apr: number | null;
  effectiveDailyRate: number | null;
  merchantReference?: string;
  orderReference?: string;
}

/** The application's own item (exported for the application index's batch reads). */
export const applicationKey = (t: Tenant, applicationId: string) => ({
  pk: tenantKey(t, 'APP', applicationId),
  sk: 'APP',
});
const acceptanceKey = (t: Tenant, offerId: string) => ({
  pk: tenantKey(t, 'UNIQUE', 'ACCEPTED_OFFER', offerId),
  sk: 'UNIQUE',
});

/**
 * Creates the application, marks the offer accepted (once), and moves the customer's journey
 * on, with the `loan` event, in one transaction.
 */
export async function insertApplication(tenant: Tenant, borrower: Borrower, app: LoanApplication, event: DomainEvent) {
  const table = tableName();
  const expiresAt = expiryFor(tenant.mode);
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: { ...acceptanceKey(tenant, app.offerId), applicationId: app.applicationId, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...applicationKey(tenant, app.applicationId), ...app, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: table,
              Key: { pk: tenantKey(tenant, 'BOR', borrower.borrowerId), sk: 'PROFILE' },
              UpdateExpression: 'SET journey.stage = :s, journey.applicationId = :a, updatedAt = :now',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':s': 'OFFER_ACCEPTED', ':a': app.applicationId, ':now': app.createdAt },
            },
          },
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[0]) {
      throw new ConflictError('offer_already_accepted', `Offer ${app.offerId} was already accepted`, { cause: error });
    }
    if (failed?.[1]) {
      throw new InvalidStateError('invalid_user_state', 'The customer has already accepted another offer', {
        cause: error,
      });
    }
    throw error;
  }
}

/** The application that accepted an offer, or null. */
export async function findApplicationByOffer(tenant: Tenant, offerId: string): Promise<LoanApplication | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: acceptanceKey(tenant, offerId), ConsistentRead: true }),
  );
  return Item ? getApplication(tenant, String(Item.applicationId)) : null;
}

export async function getApplication(tenant: Tenant, applicationId: string): Promise<LoanApplication> {
  return getEntity<LoanApplication>(applicationKey(tenant, applicationId), 'application', applicationId);
}

/** The application's terms, or null before the customer accepted an offer. */
export async function findApplication(tenant: Tenant, applicationId: string): Promise<LoanApplication | null> {
  try {
    return await getApplication(tenant, applicationId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

const refKey = (t: Tenant, referenceId: string) => ({ pk: tenantKey(t, 'REF', referenceId), sk: 'REF' });

/**
 * Sets fields of an application, optionally only from given statuses, with an optional event
 * and a reference id (agreement or disbursal) that the poll endpoints look it up by.
 */
export async function updateApplication(
  tenant: Tenant,
  applicationId: string,
  change: {
    set: Partial<Pick<LoanApplication, 'status' | 'agreement' | 'disbursal' | 'schedule'>>;
    from?: ApplicationStatus[];
    event?: DomainEvent;
    /** A partner loan's status change, appended to its statusHistory. */
    history?: StatusChange;
    reference?: { id: string; kind: 'agreement' | 'disbursal' };
    /**
     * Compare-and-swap on a step's record: only while the application's agreement or disbursal
     * is still the one with this referenceId (none when undefined). Of N concurrent triggers
     * that saw the same record, exactly one writes; the others get InvalidStateError.
     */
    expect?: { field: 'agreement' | 'disbursal'; referenceId: string | undefined };
    /** More items for the same transaction (the ledger a disbursal opens). */
    also?: TransactItem[];
  },
): Promise<void> {
  const table = tableName();
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(change.set)
    .filter(([, v]) => v !== undefined)
    .map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
  if (change.history) {
    names['#hist'] = 'statusHistory';
    values[':hist'] = [change.history];
    values[':none'] = [];
    sets.push('#hist = list_append(if_not_exists(#hist, :none), :hist)');
  }
  let condition = 'attribute_exists(pk)';
  if (change.from?.length) {
    names['#st'] = 'status';
    change.from.forEach((s, i) => {
      values[`:from${i}`] = s;
    });
    condition += ` AND #st IN (${change.from.map((_, i) => `:from${i}`).join(', ')})`;
  }
  if (change.expect) {
    names['#expect'] = change.expect.field;
    if (change.expect.referenceId) {
      values[':expectRef'] = change.expect.referenceId;
      condition += ' AND #expect.referenceId = :expectRef';
    } else {
      condition += ' AND attribute_not_exists(#expect)';
    }
  }
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: table,
        Key: applicationKey(tenant, applicationId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
  ];
  if (change.event) items.push(outboxPut(table, change.event));
  if (change.also) items.push(...change.also);
  if (change.reference) {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...refKey(tenant, change.reference.id),
          applicationId,
          kind: change.reference.kind,
          expiresAt: expiryFor(tenant.mode),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  try {
    await ddb.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (cancelledConditions(error)?.[0]) {
      throw new InvalidStateError(
        'invalid_user_state',
        `Application ${applicationId} is not in status ${change.from?.join(' or ')}`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/**
 * Records a new disbursal attempt (the first after signing, or the next after a failed
 * transfer), only while the application's disbursal is still the one the caller saw: of N
 * concurrent callers one writes, the others get InvalidStateError (see updateApplication's
 * `expect`). With `pollable`, the attempt's referenceID is also findable for a poll endpoint.
 */
export function recordDisbursalAttempt(
  tenant: Tenant,
  app: Pick<LoanApplication, 'applicationId' | 'disbursal'>,
  referenceId: string,
  options: { pollable?: boolean } = {},
): Promise<void> {
  return updateApplication(tenant, app.applicationId, {
    from: ['SIGNED', 'DISBURSAL_FAILED'],
    set: {
      status: 'DISBURSAL_PROCESSING',
      disbursal: {
        referenceId,
        status: 'PROCESSING',
        message: '',
        attempt: app.disbursal ? (app.disbursal.attempt ?? 1) + 1 : 1,
      },
    },
    ...(options.pollable ? { reference: { id: referenceId, kind: 'disbursal' as const } } : {}),
    expect: { field: 'disbursal', referenceId: app.disbursal?.referenceId },
  });
}

/** The application an agreement or disbursal reference belongs to. */
export async function findApplicationByReference(
  tenant: Tenant,
  referenceId: string,
  kind: 'agreement' | 'disbursal',
): Promise<LoanApplication> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: refKey(tenant, referenceId), ConsistentRead: true }),
  );
  if (!Item || Item.kind !== kind) throw new NotFoundError('reference', referenceId);
  return getApplication(tenant, String(Item.applicationId));
}

const loanReferenceKey = (t: Tenant, referenceId: string) => ({
  pk: tenantKey(t, 'UNIQUE', 'LOAN_REF', referenceId),
  sk: 'UNIQUE',
});

/** The loan a partner reference_id names (with the digest of the request that created it), or null. */
export async function findLoanByReference(
  tenant: Tenant,
  referenceId: string,
): Promise<{ applicationId: string; requestDigest: string } | null> {
  const { Item } = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: loanReferenceKey(tenant, referenceId), ConsistentRead: true }),
  );
  return Item ? { applicationId: String(Item.applicationId), requestDigest: String(Item.requestDigest) } : null;
}

/**
 * Creates a partner loan in one transaction: its reference_id claimed (unique per tenant), the
 * application, the borrower checked APPROVED at this instant (and given the disbursement
 * account when it has none), and the loan's first event. A reference_id already taken is
 * ConflictError `reference_id_taken` (the caller answers the existing loan when the request is
 * the same); a borrower no longer APPROVED is a 400 naming its status.
 */
export async function insertPartnerLoan(
  tenant: Tenant,
  borrower: Borrower,
  app: LoanApplication & { partner: PartnerLoanTerms },
  event: DomainEvent,
  storeAccount: boolean,
) {
  const table = tableName();
  const expiresAt = expiryFor(tenant.mode);
  const approved = {
    TableName: table,
    Key: borrowerKey(tenant, borrower.borrowerId),
    ConditionExpression: 'attribute_exists(pk) AND #st = :approved',
    ExpressionAttributeNames: { '#st': 'status' },
  };
  // The borrower's own account is kept when it has none; otherwise only its status is checked.
  const borrowerItem = storeAccount
    ? {
        Update: {
          ...approved,
          UpdateExpression: 'SET disbursementAccount = if_not_exists(disbursementAccount, :acct)',
          ExpressionAttributeValues: { ':approved': 'APPROVED', ':acct': app.partner.disbursementAccount },
        },
      }
    : { ConditionCheck: { ...approved, ExpressionAttributeValues: { ':approved': 'APPROVED' } } };
  try {
    await ddb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: {
                ...loanReferenceKey(tenant, app.partner.referenceId),
                applicationId: app.applicationId,
                requestDigest: app.partner.requestDigest,
                expiresAt,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table,
              Item: { ...applicationKey(tenant, app.applicationId), ...app, expiresAt },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          borrowerItem,
          outboxPut(table, event),
        ],
      }),
    );
  } catch (error) {
    const failed = cancelledConditions(error);
    if (failed?.[0]) {
      throw new ConflictError('reference_id_taken', `reference_id ${app.partner.referenceId} names another loan`, {
        cause: error,
      });
    }
    if (failed?.[2]) {
      throw new BorrowerStatusError(
        'borrower_not_approved',
        `Borrower ${borrower.borrowerId} cannot take a loan: its status changed from APPROVED while the loan was created`,
      );
    }
    throw error;
  }
}

/**
 * The transaction item that marks an application REPAID (only from DISBURSED, so the ledger's
 * first transaction to reach REPAID is the only one that writes it), with the history entry a
 * partner loan keeps. Its event goes with the ledger's.
 */
export function repaidItem(tenant: Tenant, app: LoanApplication, history?: StatusChange): TransactItem {
  const names: Record<string, string> = { '#st': 'status' };
  const values: Record<string, unknown> = { ':repaid': 'REPAID', ':disbursed': 'DISBURSED' };
  let update = 'SET #st = :repaid';
  if (history) {
    names['#hist'] = 'statusHistory';
    values[':hist'] = [history];
    values[':none'] = [];
    update += ', #hist = list_append(if_not_exists(#hist, :none), :hist)';
  }
  return {
    Update: {
      TableName: tableName(),
      Key: applicationKey(tenant, app.applicationId),
      UpdateExpression: update,
      ConditionExpression: '#st = :disbursed',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Creates a borrower app submission and reserves its amount from the user's limit in one
 * transaction (with its event): the limit's conditional decrement decides, so of concurrent
 * submissions exactly those that fit are created. `reserved: false` when the limit is not
 * APPROVED or does not cover the amount (nothing written).
 */
export async function insertAppLoan(
  tenant: Tenant,
  app: LoanApplication & { app: AppLoanTerms },
  event: DomainEvent,
): Promise<{ reserved: boolean }> {
  const table = tableName();
  const items = [
    reserveLimitItem(tenant, app.borrowerId, BigInt(app.app.reserved)),
    {
      Put: {
        TableName: table,
        Item: { ...applicationKey(tenant, app.applicationId), ...app, expiresAt: expiryFor(tenant.mode) },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    outboxPut(table, event),
  ];
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return { reserved: true };
    } catch (error) {
      if (cancelledConditions(error)?.[0]) return { reserved: false };
      // Another submission's transaction held the limit item at that instant (TransactionConflict):
      // nothing was written, so try again after a short random pause; its outcome decides ours.
      if (!transactionConflict(error) || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

function transactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code === 'TransactionConflict');
}

export type AppLoan = LoanApplication & { app: AppLoanTerms };

export const isAppLoan = (app: LoanApplication): app is AppLoan => app.origin === 'app' && app.app !== undefined;

/** Where an app loan can still end without a disbursement: anything before the transfer succeeded. */
const APP_OPEN: ApplicationStatus[] = ['OFFER_ACCEPTED', 'SIGNED', 'DISBURSAL_PROCESSING', 'DISBURSAL_FAILED'];

/**
 * Ends a borrower app loan REJECTED before disbursement (the review refused it, signing failed,
 * nobody disbursed it, or its workflow never started) and gives its reserved amount back to the
 * user's limit, with its event, in one transaction conditional on the loan being still open: the
 * amount comes back once, whoever calls. False when it was no longer open (nothing written).
 */
export async function rejectAppLoan(
  tenant: Tenant,
  app: LoanApplication & { app: AppLoanTerms },
  event: DomainEvent,
): Promise<boolean> {
  try {
    await updateApplication(tenant, app.applicationId, {
      from: APP_OPEN,
      set: { status: 'REJECTED' },
      event,
      also: [releaseLimitItem(tenant, app.borrowerId, BigInt(app.app.reserved))],
    });
    return true;
  } catch (error) {
    if (error instanceof InvalidStateError) return false;
    throw error;
  }
}

/**
 * A partner loan's status change as its callback and status-history entry: the `loan` event
 * (`bnpl` for installment loans, as the guide's callback table says) carrying the guide's
 * status, written by updateApplication in the same transaction as the change itself.
 */
import { loanEventType, type PartnerLoanStatus } from '#core/partner-loans';
import type { Tenant } from '#core/tenant';
import type { LoanApplication, PartnerLoanTerms, StatusChange } from './applications.ts';
import { type DomainEvent, newEvent } from './outbox.ts';

export type PartnerLoan = LoanApplication & { partner: PartnerLoanTerms };

export const isPartnerLoan = (app: LoanApplication): app is PartnerLoan =>
  app.origin === 'partner' && app.partner !== undefined;

/**
 * The event and history entry of a partner loan entering `status`. The event's data is what a
 * partner needs to match it (loanUniqueId, userId, reference_id) plus what changed; the full
 * loan is at GET /api/core/loans/details/{uniqueId}.
 */
export function partnerLoanChange(
  tenant: Tenant,
  app: PartnerLoan,
  status: PartnerLoanStatus,
  extra: { reason?: string; data?: Record<string, unknown>; at?: string } = {},
): { event: DomainEvent; history: StatusChange } {
  const event = newEvent(tenant, loanEventType(app.partner.type), status, {
    loanUniqueId: app.applicationId,
    userId: app.borrowerId,
    type: app.partner.type,
    reference_id: app.partner.referenceId,
    // The change's place in the status history (1 = PENDING): callbacks may arrive out of order
    // when changes are moments apart, so a receiver keeps the highest sequence it has seen.
    sequence: (app.statusHistory?.length ?? 0) + 1,
    ...(extra.reason ? { reason: extra.reason } : {}),
    ...extra.data,
  });
  return {
    event,
    history: { status, at: extra.at ?? event.createdAt, ...(extra.reason ? { reason: extra.reason } : {}) },
  };
}

/**
 * The event (and, for a partner loan, the history entry) of a lifecycle step: the partner
 * loan's own when the application is one, the journey's otherwise (unchanged).
 */
export function lifecycleChange(
  tenant: Tenant,
  app: LoanApplication,
  partner: { status: PartnerLoanStatus; reason?: string; data?: Record<string, unknown> },
  journey: () => DomainEvent,
): { event: DomainEvent; history?: StatusChange } {
  return isPartnerLoan(app) ? partnerLoanChange(tenant, app, partner.status, partner) : { event: journey() };
}

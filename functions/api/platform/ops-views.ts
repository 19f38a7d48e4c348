/** Views of the ops reads: an application with where its workflow stands, a KYC run in review. */
import type { ApplicationStart } from '#store/application-index';
import type { LoanApplication } from '#store/applications';
import type { KycRun } from '#store/kyc-runs';
import type { WaitStep } from '#store/waits';
import type { ExecutionView } from '#store/workflows';

/** STARTED until an offer is accepted (the APP item exists from then on), then the application's own status. */
export const statusOf = (app: LoanApplication | undefined) => app?.status ?? 'STARTED';

export function applicationView(start: ApplicationStart, app: LoanApplication | undefined, waiting: WaitStep[]) {
  return {
    id: start.applicationId,
    origin: start.origin,
    borrower_id: start.borrowerId,
    customer_id: start.customerId,
    status: statusOf(app),
    waiting_for: waiting,
    amount: app ? app.amount : null,
    currency: app ? app.currency : null,
    started_at: start.startedAt,
    execution_name: start.applicationId,
  };
}

/**
 * The execution for ops, without its ARN (account and region are the deployment's internals; the
 * execution is named after the application). `consoleBase` is the AWS console's execution page without the ARN,
 * set by the stack in a deployed stage (STEP_FUNCTIONS_CONSOLE_URL); the local runtime has none.
 */
export function executionView(e: ExecutionView, consoleBase: string | undefined) {
  return {
    status: e.status,
    started_at: e.startedAt,
    stopped_at: e.stoppedAt,
    current_states: e.currentStates,
    error: e.error,
    cause: e.cause,
    history: e.history,
    console_url: consoleBase ? `${consoleBase}${e.executionArn}` : null,
  };
}

export function kycReviewView(run: KycRun) {
  return {
    reference_id: run.referenceId,
    customer_id: run.customerId,
    borrower_id: run.borrowerId,
    status: 'PROCESSING' as const,
    message: run.message,
    kyc_type: run.personalKYC?.[0]?.type ?? null,
    results: run.results,
    created_at: run.createdAt,
    waiting_since: run.updatedAt,
  };
}

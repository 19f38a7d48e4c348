import middy from '@middy/core';
import { assertCanStartKyc, type KycResult, REQUIRED_KYC_DOCUMENTS } from '#core/borrowers';
import { InvalidStateError } from '#core/errors';
import { newId } from '#core/ids';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower, listDocuments, transitionBorrower } from '#store/borrowers';
import { uploadedSize } from '#store/documents-bucket';
import { startWorkflow } from '#store/workflows';
import type { KycWorkflowInput } from '../../workflows/kyc-types.ts';
import { routes } from './routes.ts';

type Route = typeof routes.startKyc;

/**
 * POST /api/core/users/{userId}/kyc: checks the documents are uploaded, moves the borrower
 * to VERIFIED (a conditional write: two concurrent starts cannot both win) and starts the
 * KYC workflow. If the workflow cannot be started, the borrower is moved back.
 */
const startKyc = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params } = input;
  const provider = input.headers['data-source'];
  const borrower = await getBorrower(principal, params.userId);
  assertCanStartKyc(borrower);

  // The newest upload of each required type counts.
  const documents: Record<string, string> = {};
  for (const doc of await listDocuments(principal, borrower.borrowerId)) documents[doc.documentType] = doc.objectKey;
  const required = REQUIRED_KYC_DOCUMENTS[borrower.borrowerType];
  const missing: string[] = [];
  for (const type of required) {
    const key = documents[type];
    if (!key || !(await uploadedSize(key))) missing.push(type);
  }
  if (missing.length) {
    throw new InvalidStateError(
      'kyc_documents_missing',
      `Upload these documents before KYC (POST /api/documents, then PUT the bytes): ${missing.join(', ')}`,
    );
  }

  const kyc: KycResult = {
    kycId: newId('kyc'),
    status: 'IN_PROGRESS',
    provider,
    startedAt: new Date().toISOString(),
    checks: [],
  };
  const from = [borrower.status];
  await transitionBorrower(principal, borrower.borrowerId, { from, to: 'VERIFIED', kyc });

  const workflowInput: KycWorkflowInput = {
    partnerId: principal.partnerId,
    mode: principal.mode,
    borrowerId: borrower.borrowerId,
    kycId: kyc.kycId,
    provider,
    startedAt: kyc.startedAt,
    subjectNik: borrower.nik ?? borrower.business?.directorNik ?? '',
    subjectName: borrower.business?.directorName ?? borrower.name,
    documents: Object.fromEntries(required.map((t) => [t, documents[t] ?? ''])),
  };
  try {
    await startWorkflow('kyc', kyc.kycId, workflowInput);
  } catch (error) {
    // Compensate: the borrower must not stay VERIFIED with no workflow behind it.
    await transitionBorrower(principal, borrower.borrowerId, {
      from: ['VERIFIED'],
      to: borrower.status,
      kyc: { ...kyc, status: 'FAILED', reason: 'The KYC workflow could not be started: retry' },
    });
    throw error;
  }
  return {
    statusCode: 202,
    body: {
      userId: borrower.borrowerId,
      status: 'VERIFIED',
      kyc: { kyc_id: kyc.kycId, status: 'IN_PROGRESS', provider },
    },
  };
};

export const handler = middy(startKyc).use(http(routes.startKyc));

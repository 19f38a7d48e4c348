import middy from '@middy/core';
import { InvalidStateError } from '#core/errors';
import { parseMultipart } from '#http/multipart';
import type { ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { assertJourneyOpen } from './application-of.ts';
import { documentFile, MAX_DOCUMENT_BYTES, storeDocument } from './documents.ts';
import { startKyc } from './kyc-steps.ts';
import { routes } from './routes.ts';
import { backToPage, type SessionEvent, sessionActionStack } from './session-page-http.ts';

type Route = typeof routes.journeySessionKyc;

/**
 * POST /v2/session/{sessionId}/kyc (multipart): the borrower's selfie, and optionally the
 * Aadhaar offline e-KYC XML, stored as the partner's POST /v2/document/upload stores them
 * (SELFIE, AADHAAR_XML), then the KYC run the workflow waits on, started as POST /v2/kyc/ckyc
 * starts it. Back to the page, which follows the run.
 */
const sessionKyc = async (event: SessionEvent<Route>): Promise<ApiResult> => {
  const { session, input } = event;
  const tenant = { partnerId: session.partnerId, mode: session.mode };
  const { files } = await parseMultipart(event, MAX_DOCUMENT_BYTES);
  const selfie = documentFile('SELFIE', files);
  const aadhaar = files.some((f) => f.field === 'digilocker_aadhaar_xml' && f.bytes.length > 0)
    ? documentFile('AADHAAR_XML', files)
    : null;
  const borrower = await getBorrower(tenant, session.borrowerId);
  // Nothing is stored for a step that is not open (startKyc would answer an approved run again).
  assertJourneyOpen(borrower);
  if (borrower.status === 'APPROVED') throw new InvalidStateError('invalid_user_state', 'KYC is already approved');
  // The XML first: the run that starts next reads it (OKYC).
  if (aadhaar) await storeDocument(tenant, borrower, 'AADHAAR_XML', aadhaar);
  await storeDocument(tenant, borrower, 'SELFIE', selfie);
  await startKyc(tenant, borrower);
  return backToPage(input, 'kyc_started');
};

export const handler = middy(sessionKyc).use(sessionActionStack(routes.journeySessionKyc));

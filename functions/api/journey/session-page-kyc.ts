import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { IdempotencyInProgressError, InvalidStateError } from '#core/errors';
import { parseMultipart } from '#http/multipart';
import type { ApiResult } from '#http/route';
import { getBorrower } from '#store/borrowers';
import { claimOrAwaitIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from '#store/idempotency';
import { assertJourneyOpen } from './application-of.ts';
import { documentFile, MAX_DOCUMENT_BYTES, storeDocument } from './documents.ts';
import { kycRunIsCurrent, startKyc } from './kyc-steps.ts';
import { routes } from './routes.ts';
import { backToPage, type SessionEvent, sessionActionStack } from './session-page-http.ts';

type Route = typeof routes.journeySessionKyc;

/**
 * POST /v2/session/{sessionId}/kyc (multipart): the borrower's selfie, and optionally the
 * Aadhaar offline e-KYC XML, stored as the partner's POST /v2/document/upload stores them
 * (SELFIE, AADHAAR_XML), then the KYC run the workflow waits on, started as POST /v2/kyc/ckyc
 * starts it. Back to the page, which follows the run.
 *
 * A form post carries no Idempotency-Key, so the photos are the natural key: the same photos
 * posted again for the same run (a double click, a browser's resend) store nothing more and
 * start nothing more. While a run is under way nothing is stored either: the page follows it.
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
  if (await kycRunIsCurrent(tenant, borrower)) {
    await startKyc(tenant, borrower);
    return backToPage(input, 'kyc_started');
  }
  const photos = createHash('sha256').update(selfie.bytes);
  if (aadhaar) photos.update('\n').update(aadhaar.bytes);
  const key = photos.digest('hex');
  const scope = `session kyc ${borrower.borrowerId} after ${borrower.journey?.kycReferenceId ?? 'none'}`;
  const claim = await claimOrAwaitIdempotencyKey(tenant, scope, key, key);
  if (claim.outcome === 'replay') return backToPage(input, 'kyc_started');
  if (claim.outcome !== 'claimed') throw new IdempotencyInProgressError();
  try {
    // The XML first: the run that starts next reads it (OKYC).
    if (aadhaar) await storeDocument(tenant, borrower, 'AADHAAR_XML', aadhaar);
    await storeDocument(tenant, borrower, 'SELFIE', selfie);
    await startKyc(tenant, borrower);
  } catch (error) {
    await releaseIdempotencyKey(tenant, scope, key);
    throw error;
  }
  await completeIdempotencyKey(tenant, scope, key, { statusCode: 303, headers: {}, body: '' });
  return backToPage(input, 'kyc_started');
};

export const handler = middy(sessionKyc).use(sessionActionStack(routes.journeySessionKyc));

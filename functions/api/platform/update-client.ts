import middy from '@middy/core';
import { InvalidStateError, ValidationError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { getBorrower, listDocuments } from '#store/borrowers';
import { type ClientChange, updateClient } from '#store/clients';
import { listLoanRecords } from '#store/loans';
import { newEvent } from '#store/outbox';
import { clientView } from './client-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.updateClient;

/**
 * PATCH /v1/clients/{id}. The email is a contact detail and changes any time. The name, phone
 * and NIK are what KYC checks against the ID card and the face: they may be corrected while
 * the client is PENDING with no KYC run, never after (a verified identity that then changes is
 * no longer verified). A journey customer's details belong to the journey API's details update,
 * so only its email changes here. Sends `user_updated` naming the fields changed (never their
 * values) in the same transaction.
 */
const update = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const { principal, params, body } = input;
  const borrower = await getBorrower(principal, params.id);
  const change: ClientChange = {
    ...(body.email !== undefined ? { email: body.email } : {}),
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.phone !== undefined ? { phone: body.phone } : {}),
    ...(body.nik !== undefined ? { nik: body.nik } : {}),
  };
  const identity = (['name', 'phone', 'nik'] as const).filter((f) => change[f] !== undefined);
  if (change.nik !== undefined && borrower.borrowerType !== 'PERSONAL') {
    throw new ValidationError([{ field: 'nik', message: 'a BUSINESS client has no NIK (its director_nik is fixed)' }]);
  }
  if (identity.length && borrower.customerId) {
    throw new InvalidStateError(
      'client_field_locked',
      `Client ${borrower.borrowerId} is a journey customer: its ${identity.join(', ')} change through the journey API`,
    );
  }
  if (identity.length && (borrower.status !== 'PENDING' || borrower.kyc)) {
    throw new InvalidStateError(
      'client_identity_locked',
      `Client ${borrower.borrowerId} is ${borrower.status} after KYC: its ${identity.join(', ')} can no longer change`,
    );
  }
  const event = newEvent(principal, 'user_updated', borrower.status, {
    userId: borrower.borrowerId,
    fields: Object.keys(change),
  });
  await updateClient(principal, borrower, change, event);
  const [after, documents, loans] = await Promise.all([
    getBorrower(principal, borrower.borrowerId),
    listDocuments(principal, borrower.borrowerId),
    listLoanRecords(principal, { borrowerId: borrower.borrowerId, limit: 100, offset: 0 }),
  ]);
  return { statusCode: 200, body: { data: clientView(after, documents, loans.items) } };
};

export const handler = middy(update).use(http(routes.updateClient));

/**
 * Creating a borrower from the partner API's create body: the one path behind the partner
 * API's `POST /api/core/users` and the platform API's `POST /v1/clients` (a client is the
 * partner API's borrower), so both validate alike, store alike and send the same
 * `user_created` event in the same transaction.
 */
import type * as z from 'zod';
import type { Borrower } from '#core/borrowers';
import { newId } from '#core/ids';
import type { Tenant } from '#core/tenant';
import { insertBorrower } from '#store/borrowers';
import { newEvent } from '#store/outbox';
import type { createUserBody } from './partner/schemas.ts';

/** A PENDING borrower and its user_created event, in one transaction; ConflictError on a taken phone, NIK or NIB. */
export async function createBorrower(tenant: Tenant, body: z.infer<typeof createUserBody>): Promise<Borrower> {
  const now = new Date().toISOString();
  const borrower: Borrower = {
    borrowerId: newId('bor'),
    borrowerType: body.borrower_type,
    status: 'PENDING',
    name: body.name,
    phone: body.phone,
    email: body.email,
    createdAt: now,
    updatedAt: now,
    ...(body.borrower_type === 'PERSONAL'
      ? { nik: body.nik }
      : {
          business: {
            businessName: body.business_name,
            nib: body.nib,
            npwp: body.npwp,
            directorName: body.director_name,
            directorNik: body.director_nik,
          },
        }),
  };
  const event = newEvent(tenant, 'user_created', 'PENDING', {
    userId: borrower.borrowerId,
    borrower_type: borrower.borrowerType,
  });
  await insertBorrower(tenant, borrower, event);
  return borrower;
}

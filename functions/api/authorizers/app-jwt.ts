import { authorizer } from './authorize.ts';

/** Borrower app: Authorization: Bearer <a full session token>, bound to X-Device-ID. */
export const handler = authorizer('appJwt');

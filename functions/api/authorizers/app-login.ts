import { authorizer } from './authorize.ts';

/** Borrower app: Authorization: Bearer <the login token of verify-otp (verify-pin only)>, bound to X-Device-ID. */
export const handler = authorizer('appLogin');

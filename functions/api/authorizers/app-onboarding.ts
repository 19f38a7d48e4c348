import { authorizer } from './authorize.ts';

/** Borrower app: Authorization: Bearer <the onboarding-only token of verify-otp>, bound to X-Device-ID. */
export const handler = authorizer('appOnboarding');

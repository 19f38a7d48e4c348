import { authorizer } from './authorize.ts';

/** Partner API: Authorization: Bearer <JWT access token>. */
export const handler = authorizer('partnerJwt');

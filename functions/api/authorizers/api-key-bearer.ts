import { authorizer } from './authorize.ts';

/** Platform API: Authorization: Bearer <API key>. */
export const handler = authorizer('apiKeyBearer');

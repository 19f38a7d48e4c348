import { authorizer } from './authorize.ts';

/** Journey API: x-api-key: <API key>. */
export const handler = authorizer('apiKeyHeader');

import { Logger } from '@aws-lambda-powertools/logger';
import { piiReplacer } from '#core/pii';

/** One structured logger per function; every line passes through the PII replacer. */
export const logger = new Logger({
  serviceName: 'lendstack',
  jsonReplacerFn: piiReplacer,
});

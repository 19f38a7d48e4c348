/** Runs before each integration test file's imports: the store's clients then reach DynamoDB Local. */
import { inject } from 'vitest';

Object.assign(process.env, {
  AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
  AWS_REGION: 'ap-southeast-3',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  TABLE_NAME: 'lendstack-test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});

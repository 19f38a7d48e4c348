/** Integration tests: one DynamoDB Local for the run, with the real table definition. */
import type { TestProject } from 'vitest/node';
import { startDynamo } from '../../lib/local/dynamodb.ts';

export default async function setup(project: TestProject) {
  const dynamo = await startDynamo({ tableName: 'lendstack-test' });
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

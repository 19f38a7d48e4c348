/** The local Step Functions runtime on a free port with fixture workflows, and an SDK client for it. */
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createLocalStepFunctions, type LocalStepFunctions } from '../../lib/local/stepfunctions.ts';
import type { WorkflowSpec } from '../../lib/model.ts';

export async function startLocalSfn(
  workflows: Record<string, WorkflowSpec>,
  options: { dataDir?: string } = {},
): Promise<{ local: LocalStepFunctions; sfn: SFNClient }> {
  const local = createLocalStepFunctions({ region: 'ap-southeast-3', log: () => undefined, workflows, ...options });
  await new Promise<void>((r) => local.operations.listen(0, '127.0.0.1', r));
  const port = (local.operations.address() as AddressInfo).port;
  const sfn = new SFNClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-southeast-3',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  return { local, sfn };
}

/**
 * The application machine's input for a scripted execution named `id`, as startWorkflow starts
 * one: with the correlation id every task is handed (and carries on).
 */
export function applicationInput(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    applicationId: id,
    partnerId: 'p',
    mode: 'sandbox',
    borrowerId: id,
    customerId: 'c',
    correlationId: `corr-${id}`,
    ...extra,
  });
}

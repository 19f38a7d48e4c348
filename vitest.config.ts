import { defineConfig } from 'vitest/config';

/**
 * Four projects: unit (no network), integration (DynamoDB Local via globalSetup),
 * infra (CDK synth, cdk-nag, ASL) and e2e (the local runtime over HTTP).
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/helpers/dynamo-global-setup.ts'],
          setupFiles: ['test/helpers/dynamo-env.ts'],
          testTimeout: 30_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 1_200_000, hookTimeout: 1_200_000 } },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // No daily servicing run at 00:30 Jakarta in the middle of a test (lib/local/runtime.ts).
          env: { LENDSTACK_DAILY_SERVICING: 'off' },
        },
      },
    ],
  },
});

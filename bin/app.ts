/**
 * The CDK app. One stack per stage:
 *   npx cdk synth  -c stage=sandbox     (default)
 *   npx cdk deploy -c stage=prod        (retains data on delete)
 * cdk-nag's AwsSolutions checks run on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeList } from '../functions/api/routes.ts';
import { LendstackStack } from '../lib/aws/stack.ts';

const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'sandbox');
if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage))
  throw new Error(`Invalid stage name "${stage}": use lower-case letters, digits and dashes`);

new LendstackStack(app, `lendstack-${stage}`, {
  stage,
  routes: routeList,
  retain: stage === 'prod' || app.node.tryGetContext('retain') === 'true',
  rateLimitPerMinute: Number(app.node.tryGetContext('rateLimitPerMinute') ?? 100),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `lendstack (${stage}): lending infrastructure`,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

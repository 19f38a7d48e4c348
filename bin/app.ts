/**
 * The CDK app. One stack per stage:
 *   npx cdk synth  -c stage=sandbox     (default)
 *   npx cdk deploy -c stage=prod        (retains data on delete)
 * cdk-nag's AwsSolutions checks run on every synth. Stage configuration is context (cdk.json
 * or -c): `rateLimits` (requests per minute per credential by surface), `apiThrottle`
 * ({rateLimit, burstLimit}: API Gateway stage throttling), `wafPerIpRequestsPer5Minutes` and
 * `appTenant` ({partnerId, mode}: whose borrowers the borrower app's users are) and
 * `paymentSecrets` ({secretName, appWebhookProvider?}: the Secrets Manager secret holding the
 * payment gateways' callback secrets).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { routeList } from '../functions/api/routes.ts';
import { stageRateLimits } from '../functions/http/rate-limit-config.ts';
import { LendstackStack } from '../lib/aws/stack.ts';

const app = new App();
/** A context value given in cdk.json (JSON already) or with -c (a string to parse). */
const jsonContext = (key: string) => {
  const value = app.node.tryGetContext(key);
  return typeof value === 'string' ? JSON.parse(value) : value;
};
const stage = String(app.node.tryGetContext('stage') ?? 'sandbox');
if (!/^[a-z][a-z0-9-]{0,20}$/.test(stage))
  throw new Error(`Invalid stage name "${stage}": use lower-case letters, digits and dashes`);

new LendstackStack(app, `lendstack-${stage}`, {
  stage,
  routes: routeList,
  retain: stage === 'prod' || app.node.tryGetContext('retain') === 'true',
  // Requests per minute per credential by surface: cdk.json's `rateLimits`, or -c rateLimits='{"journey":20000}'.
  rateLimits: stageRateLimits(app.node.tryGetContext('rateLimits')),
  throttle: jsonContext('apiThrottle'),
  perIpRequestsPer5Minutes: jsonContext('wafPerIpRequestsPer5Minutes'),
  // Alarm subscribers: -c alarmEmails='["ops@example.com"]'.
  alarmEmails: jsonContext('alarmEmails'),
  // The borrower app's tenant: -c appTenant='{"partnerId":"ptn_…","mode":"live"}' (or cdk.json).
  appTenant: jsonContext('appTenant'),
  // Payment secrets: -c paymentSecrets='{"secretName":"lendstack/prod/payments","appWebhookProvider":"xendit"}',
  // a Secrets Manager secret (JSON: APP_PAYMENT_WEBHOOK_SECRET, XENDIT_CALLBACK_TOKEN, MIDTRANS_SERVER_KEY).
  paymentSecrets: jsonContext('paymentSecrets'),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: `lendstack (${stage}): lending infrastructure`,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

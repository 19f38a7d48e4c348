/**
 * The API: one regional REST API generated from functions/api/routes.ts. Public system routes
 * live in the parent stack; each surface's routes (function + method) live in a nested stack
 * of their own, so the stack stays far below CloudFormation's 500 resources as the table
 * grows to ~80 routes, while every function keeps its own least-privilege role.
 */
import { createHash } from 'node:crypto';
import { Duration, NestedStack, type NestedStackProps, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CfnAuthorizer,
  Deployment,
  EndpointType,
  type IAuthorizer,
  Integration,
  IntegrationType,
  LambdaIntegration,
  LogGroupLogDestination,
  Method,
  MethodLoggingLevel,
  Resource,
  ResponseType,
  RestApi,
  Stage,
} from 'aws-cdk-lib/aws-apigateway';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { rateLimitVariable } from '../../functions/http/rate-limit-config.ts';
import { type AuthScheme, type RouteDef, routeAccess, type Surface } from '../../functions/http/route.ts';
import { authorizers, noRoute } from '../model.ts';
import { LendstackFunction, type Resources } from './function.ts';

export interface ApiProps {
  stage: string;
  routes: readonly RouteDef[];
  resources: Resources;
  /** Requests per second per stage (API Gateway throttling, in front of the per-key limit). */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Requests per minute per credential, by surface (functions/http/rate-limit-config.ts). */
  rateLimits: Record<Surface, number>;
  /**
   * WAF's per-IP rule, in requests per 5 minutes. By default 30,000 (100/s): a partner's servers
   * often share one egress IP, and the rule must not refuse them below the journey API's
   * default 6,000 a minute per credential.
   */
  perIpRequestsPer5Minutes?: number;
  /** The borrower app's tenant (functions/http/app-tenant.ts): context `appTenant`; without it the app routes answer 503. */
  appTenant?: { partnerId: string; mode: 'sandbox' | 'live' };
  /**
   * The stage's payment secrets (context `paymentSecrets`): a Secrets Manager secret the operator
   * creates, a JSON object with any of APP_PAYMENT_WEBHOOK_SECRET, XENDIT_CALLBACK_TOKEN and
   * MIDTRANS_SERVER_KEY; and the app webhook's provider name (xendit or midtrans, plain).
   */
  paymentSecrets?: { secretName: string; appWebhookProvider?: string };
}

type ProtectedScheme = keyof typeof authorizers;

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A route's function gets its own surface's limit; functions that meter nothing get none. */
function functionEnvironment(props: ApiProps, surface?: Surface, route?: RouteDef): Record<string, string> {
  if (!surface) return {};
  const app: Record<string, string> =
    surface === 'app' && props.appTenant
      ? { APP_PARTNER_ID: props.appTenant.partnerId, APP_MODE: props.appTenant.mode }
      : {};
  return {
    [rateLimitVariable(surface)]: String(props.rateLimits[surface]),
    ...app,
    ...secretEnvironment(props, route),
  };
}

/**
 * The secrets a route names, as CloudFormation dynamic references to the stage's secret
 * (`{{resolve:secretsmanager:…}}`): resolved by CloudFormation at deploy, never in the template
 * or the repository, and given only to the functions whose route asks for them.
 */
function secretEnvironment(props: ApiProps, route?: RouteDef): Record<string, string> {
  const config = props.paymentSecrets;
  if (!config || !route?.secrets?.length) return {};
  const env: Record<string, string> = {};
  for (const name of route.secrets) {
    env[name] = SecretValue.secretsManager(config.secretName, { jsonField: name }).unsafeUnwrap();
  }
  if (route.secrets.includes('APP_PAYMENT_WEBHOOK_SECRET') && config.appWebhookProvider) {
    env.APP_PAYMENT_WEBHOOK_PROVIDER = config.appWebhookProvider;
  }
  return env;
}

/** An IAuthorizer for a CfnAuthorizer made in another stack (methods only need its id). */
function authorizerRef(authorizerId: string): IAuthorizer {
  return { authorizerId, authorizationType: AuthorizationType.CUSTOM };
}

interface SurfaceRoutesProps extends NestedStackProps {
  restApiId: string;
  rootResourceId: string;
  resourceIds: Record<string, string>;
  authorizerIds: Record<ProtectedScheme, string>;
  routes: readonly RouteDef[];
  api: ApiProps;
}

/** One surface's functions and methods, attached to resources the parent stack made. */
class SurfaceRoutes extends NestedStack {
  constructor(scope: Construct, id: string, props: SurfaceRoutesProps) {
    super(scope, id, props);
    const restApi = RestApi.fromRestApiAttributes(this, 'Api', {
      restApiId: props.restApiId,
      rootResourceId: props.rootResourceId,
    });
    for (const route of props.routes) addRoute(this, route, props.api, restApi, props.resourceIds, props.authorizerIds);
  }
}

function addRoute(
  scope: Construct,
  route: RouteDef,
  api: ApiProps,
  restApi: ReturnType<typeof RestApi.fromRestApiAttributes> | RestApi,
  resourceIds: Record<string, string>,
  authorizerIds: Record<ProtectedScheme, string>,
) {
  const fn = new LendstackFunction(scope, pascal(route.id), {
    module: route.handler,
    access: routeAccess(route),
    resources: api.resources,
    environment: functionEnvironment(api, route.surface, route),
    description: `${route.method} ${route.path}`,
    files: route.files,
  });
  const resourceId = resourceIds[route.path];
  if (!resourceId) throw new Error(`No API resource for ${route.path}`);
  const resource = Resource.fromResourceAttributes(scope, `${pascal(route.id)}Resource`, {
    resourceId,
    restApi,
    path: route.path,
  });
  const scheme = route.auth as AuthScheme;
  const isProtected = scheme !== 'none' && scheme !== 'basic';
  new Method(scope, `${pascal(route.id)}Method`, {
    resource,
    httpMethod: route.method,
    integration: new LambdaIntegration(fn, { allowTestInvoke: false }),
    options: {
      operationName: route.id,
      ...(isProtected
        ? {
            authorizationType: AuthorizationType.CUSTOM,
            authorizer: authorizerRef(authorizerIds[scheme as ProtectedScheme]),
          }
        : { authorizationType: AuthorizationType.NONE }),
    },
  });
  return fn;
}

interface NoRouteProps extends NestedStackProps {
  restApiId: string;
  rootResourceId: string;
  /** Every resource of the API (route paths and their prefixes) by path, and the root's greedy proxy. */
  resourceIds: Record<string, string>;
  api: ApiProps;
}

/**
 * What answers a request no route matches: one function (functions/api/system/no-route.ts)
 * behind an ANY method on every resource (a known path with another method) and on the root's
 * greedy `{proxy+}` (an unknown path), so every surface answers in its own envelope instead
 * of API Gateway's `Missing Authentication Token`. One invoke permission covers them all.
 */
class NoRouteFallback extends NestedStack {
  constructor(scope: Construct, id: string, props: NoRouteProps) {
    super(scope, id, props);
    const stack = Stack.of(this);
    const restApi = RestApi.fromRestApiAttributes(this, 'Api', {
      restApiId: props.restApiId,
      rootResourceId: props.rootResourceId,
    });
    const fn = new LendstackFunction(this, 'NoRoute', {
      module: noRoute.module,
      access: noRoute.access,
      resources: props.api.resources,
      environment: functionEnvironment(props.api),
      description: 'Answers requests no route matches, in the surface envelope',
    });
    fn.addPermission('ApiInvoke', {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: restApi.arnForExecuteApi('*', '/*', '*'),
    });
    const integration = new Integration({
      type: IntegrationType.AWS_PROXY,
      integrationHttpMethod: 'POST',
      uri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
    });
    Object.entries(props.resourceIds).forEach(([path, resourceId], i) => {
      const resource = Resource.fromResourceAttributes(this, `Resource${i}`, { resourceId, restApi, path });
      new Method(this, `Any${i}`, {
        resource,
        httpMethod: 'ANY',
        integration,
        options: { operationName: `noRoute${i}`, authorizationType: AuthorizationType.NONE },
      });
    });
  }
}

export class Api extends Construct {
  readonly restApi: RestApi;
  readonly stage: Stage;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: `lendstack-${props.stage}`,
      description: 'lendstack: partner, journey, borrower-app and platform APIs',
      endpointTypes: [EndpointType.REGIONAL],
      deploy: false,
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.DESTROY,
      binaryMediaTypes: ['multipart/form-data', 'application/pdf', 'image/*'],
    });

    // Every path's resource is made here, once: surfaces share prefixes (/api, /v1…).
    const resourceIds: Record<string, string> = {};
    for (const route of props.routes)
      resourceIds[route.path] = this.restApi.root.resourceForPath(route.path).resourceId;

    // Request authorizers, uncached so that a revoked key fails at once.
    const authorizerIds = {} as Record<ProtectedScheme, string>;
    for (const [scheme, spec] of Object.entries(authorizers) as [
      ProtectedScheme,
      (typeof authorizers)[ProtectedScheme],
    ][]) {
      const fn = new LendstackFunction(this, `${pascal(scheme)}Authorizer`, {
        module: spec.module,
        access: spec.access,
        resources: props.resources,
        timeout: Duration.seconds(10),
        description: `API Gateway request authorizer (${scheme})`,
      });
      const authorizer = new CfnAuthorizer(this, `${pascal(scheme)}AuthorizerConfig`, {
        restApiId: this.restApi.restApiId,
        name: `${scheme}-${props.stage}`,
        type: 'REQUEST',
        authorizerUri: `arn:${stack.partition}:apigateway:${stack.region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
        authorizerResultTtlInSeconds: 0,
      });
      fn.addPermission(`${pascal(scheme)}Invoke`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.restApi
          .arnForExecuteApi('*', '/*', '*')
          .replace(/\/\*\/\*\/\*$/, `/authorizers/${authorizer.ref}`),
      });
      authorizerIds[scheme] = authorizer.ref;
    }

    // A denied request gets the body its surface's spec defines, made by the authorizer.
    this.restApi.addGatewayResponse('AccessDenied', {
      type: ResponseType.ACCESS_DENIED,
      statusCode: '401',
      templates: { 'application/json': '$context.authorizer.errorBody' },
    });
    this.restApi.addGatewayResponse('Default4xx', {
      type: ResponseType.DEFAULT_4XX,
      templates: {
        'application/json':
          '{"error":{"code":"bad_request","message":$context.error.messageString,"request_id":"$context.requestId"}}',
      },
    });
    this.restApi.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      templates: {
        'application/json':
          '{"error":{"code":"internal_error","message":"Something went wrong on our side","request_id":"$context.requestId"}}',
      },
    });

    // System routes in this stack (the REST API must own at least one method); surfaces nested.
    // Every resource on the way to a route, and the root's greedy proxy, answer unmatched requests.
    const fallbackIds: Record<string, string> = {
      '/{proxy+}': this.restApi.root.addResource('{proxy+}').resourceId,
    };
    for (const route of props.routes) {
      const parts = route.path.split('/').filter(Boolean);
      for (let n = 1; n <= parts.length; n++) {
        const path = `/${parts.slice(0, n).join('/')}`;
        fallbackIds[path] ??= this.restApi.root.resourceForPath(path).resourceId;
      }
    }
    const fallback = new NoRouteFallback(this, 'NoRouteFallback', {
      restApiId: this.restApi.restApiId,
      rootResourceId: this.restApi.restApiRootResourceId,
      resourceIds: fallbackIds,
      api: props,
      description: 'lendstack: answers requests no route matches',
    });

    const bySurface = new Map<Surface, RouteDef[]>();
    for (const route of props.routes) bySurface.set(route.surface, [...(bySurface.get(route.surface) ?? []), route]);
    const dependencies: Construct[] = [fallback];
    for (const route of bySurface.get('system') ?? []) {
      addRoute(this, route, props, this.restApi, resourceIds, authorizerIds);
    }
    for (const [surface, routes] of bySurface) {
      if (surface === 'system') continue;
      dependencies.push(
        new SurfaceRoutes(this, `${pascal(surface)}Routes`, {
          restApiId: this.restApi.restApiId,
          rootResourceId: this.restApi.restApiRootResourceId,
          resourceIds,
          authorizerIds,
          routes,
          api: props,
          description: `lendstack ${surface} API routes`,
        }),
      );
    }

    const deployment = new Deployment(this, 'Deployment', { api: this.restApi });
    for (const d of dependencies) deployment.node.addDependency(d);
    // A new deployment whenever the route table changes.
    deployment.addToLogicalId(
      createHash('sha256')
        .update(JSON.stringify(props.routes.map((r) => [r.method, r.path, r.auth, r.handler])))
        .digest('hex'),
    );
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new Stage(this, 'Stage', {
      deployment,
      stageName: props.stage,
      tracingEnabled: true,
      loggingLevel: MethodLoggingLevel.INFO,
      // Request and response bodies carry PII: never logged by API Gateway.
      dataTraceEnabled: false,
      metricsEnabled: true,
      accessLogDestination: new LogGroupLogDestination(accessLogs),
      accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
      throttlingRateLimit: props.throttle?.rateLimit ?? 200,
      throttlingBurstLimit: props.throttle?.burstLimit ?? 400,
    });
    this.restApi.deploymentStage = this.stage;

    // WAF in front: AWS managed common and known-bad-input rules, and a per-IP rate rule.
    const managed = (name: string, priority: number, excluded: string[] = []) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(excluded.length ? { excludedRules: excluded.map((n) => ({ name: n })) } : {}),
        },
      },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    const acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: {
        cloudWatchMetricsEnabled: true,
        metricName: `lendstack-${props.stage}`,
        sampledRequestsEnabled: true,
      },
      rules: [
        // Bank statements and documents are larger than the common rule set's 8 KB body limit.
        managed('AWSManagedRulesCommonRuleSet', 0, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'PerIpRateLimit',
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: props.perIpRequestsPer5Minutes ?? 30_000, aggregateKeyType: 'IP' },
          },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'PerIpRateLimit',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', { resourceArn: this.stage.stageArn, webAclArn: acl.attrArn });
  }
}

import middy from '@middy/core';
import { NotFoundError } from '#core/errors';
import { http } from '#http/middleware';
import type { ApiEvent, ApiResult } from '#http/route';
import { findApplicationStart } from '#store/application-index';
import { findApplication } from '#store/applications';
import { waitingSteps } from '#store/waits';
import { describeWorkflowExecution } from '#store/workflows';
import { applicationView, executionView } from './ops-views.ts';
import { routes } from './routes.ts';

type Route = typeof routes.getApplication;

/**
 * GET /v1/applications/{id}: the application and its Step Functions execution (named after it):
 * status, the states it is in, its newest history events, and in a deployed stage the link to
 * the execution in the AWS console. Another tenant's application is 404 before any execution is read.
 */
const getApplication = async ({ input }: ApiEvent<Route>): Promise<ApiResult> => {
  const tenant = input.principal;
  const start = await findApplicationStart(tenant, input.params.id);
  if (!start) throw new NotFoundError('application', input.params.id);
  const [app, waiting, execution] = await Promise.all([
    findApplication(tenant, start.applicationId),
    waitingSteps(tenant, start.applicationId),
    describeWorkflowExecution('application', start.applicationId),
  ]);
  return {
    statusCode: 200,
    body: {
      data: {
        ...applicationView(start, app ?? undefined, waiting),
        execution: execution ? executionView(execution, process.env.STEP_FUNCTIONS_CONSOLE_URL) : null,
      },
    },
  };
};

export const handler = middy(getApplication).use(http(routes.getApplication));

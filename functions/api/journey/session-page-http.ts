/**
 * The middleware the hosted session page's routes run, around the common stack (#http/middleware):
 *
 *   GET  page:    pageErrors -> http(route)
 *   POST actions: pageErrors -> http(route) -> sameOrigin -> liveSession
 *
 * The session id in the path is the credential (auth 'none' in the route table): an action
 * needs a live session, which it counts (a per-link limit, as the partner's key is counted on
 * the partner's routes), and a same-origin request (the id authorises, so another site's form
 * must not be able to post with it). Errors become pages, not the journey's JSON envelope: an
 * action that cannot be done sends the borrower back to the page with a notice saying why.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import { ForbiddenError, LendstackError, NotFoundError, RateLimitedError, ValidationError } from '#core/errors';
import { http, lowerHeaders } from '#http/middleware';
import { parseMultipart } from '#http/multipart';
import type { ApiEvent, ApiInput, ApiResult, RouteDef } from '#http/route';
import { zodIssues } from '#http/validation';
import { type BorrowerSession, countSessionAction } from '#store/sessions';
import { messagePage } from './session-page-html.ts';
import type { SessionNotice } from './session-page-schemas.ts';

/** Actions per session link and minute: far above a borrower's pace, far below a script's. */
export const SESSION_ACTIONS_PER_MINUTE = 20;

/** A session action's event: the validated input and the live session it came through. */
export type SessionEvent<R extends RouteDef> = ApiEvent<R> & { session: BorrowerSession };

type SessionInput = Pick<ApiInput<RouteDef>, 'baseUrl'> & { params: { sessionId: string } };

/** The page's own URL, from the host the borrower used. */
export const pageUrlOf = (input: SessionInput) => `${input.baseUrl}/v2/session/${input.params.sessionId}`;

/** Post/redirect/get: back to the page, with what to tell the borrower. */
export function backToPage(input: SessionInput, notice: SessionNotice): ApiResult {
  return { statusCode: 303, headers: { location: `${pageUrlOf(input)}?n=${notice}`, 'cache-control': 'no-store' } };
}

/** The fields of a form without files (the page posts multipart/form-data), checked with its schema. */
export async function formFields<S extends z.ZodType>(event: APIGatewayProxyEvent, schema: S): Promise<z.infer<S>> {
  const { fields } = await parseMultipart(event, 0);
  const form = schema.safeParse(fields);
  if (!form.success) throw new ValidationError(zodIssues(form.error));
  return form.data;
}

const FILE_FIELDS = new Set(['selfie', 'digilocker_aadhaar_xml']);

/** What the borrower is told when an action is refused: by the error's type and the field it names. */
export function noticeFor(error: LendstackError): SessionNotice {
  if (error instanceof ValidationError) {
    const issue = error.details[0];
    const field = issue?.field ?? '';
    if (FILE_FIELDS.has(field)) {
      if (issue?.message.includes('larger than')) return 'file_too_large';
      if (field === 'selfie' && issue?.message.startsWith('must carry')) return 'selfie_missing';
      return 'invalid_file';
    }
    if (field === 'otp') return 'otp_invalid';
    if (field === 'consent') return 'consent_missing';
    return 'try_again';
  }
  // A step the journey is not at (or no longer at: FBX-E-011 after a rejection, rule_violation).
  if (['invalid_state', 'conflict', 'not_found', 'rule_violation'].includes(error.type)) return 'step_closed';
  return 'try_again';
}

const expired = () =>
  messagePage(
    404,
    'This link has expired',
    'For your security this link works for one hour. Go back to the app and open your application again.',
  );

const isSessionMissing = (error: unknown) =>
  (error instanceof NotFoundError && error.code === 'session_not_found') ||
  // A malformed id in the path is a link that never existed.
  (error instanceof ValidationError && error.details.some((d) => d.field.includes('sessionId')));

/**
 * Errors as pages. Runs after the common error mapper (which logged the error and built the
 * JSON answer) and replaces its answer, keeping its headers (the request id).
 */
function pageErrors(kind: 'page' | 'action'): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const error = request.error;
      const event = request.event as Partial<SessionEvent<RouteDef>>;
      const kept = { 'x-request-id': String(request.response?.headers?.['x-request-id'] ?? '') };
      let result: ApiResult;
      if (isSessionMissing(error)) result = expired();
      else if (error instanceof ForbiddenError) {
        result = messagePage(403, 'Please use the page itself', 'Open your application from the app and try again.');
      } else if (error instanceof RateLimitedError) {
        result = messagePage(429, 'Too many attempts', 'Please wait a minute, then go back and try again.', {
          headers: { 'retry-after': String(error.retryAfterSeconds) },
        });
      } else if (kind === 'action' && error instanceof LendstackError && event.input) {
        result = backToPage(event.input as unknown as SessionInput, noticeFor(error));
      } else {
        result = messagePage(
          500,
          'Something went wrong',
          `Please try again in a moment. If it keeps happening, tell your lender this code: ${kept['x-request-id']}.`,
        );
      }
      request.response = {
        statusCode: result.statusCode,
        headers: { ...result.headers, ...kept },
        body: typeof result.body === 'string' ? result.body : '',
      };
    },
  };
}

/**
 * A same-origin request only: the browser's Origin (always sent on a form POST) must be this
 * page's, and where a browser says where the request came from (Sec-Fetch-Site), it must be
 * this site. Like a CSRF token, without one: the secret is already in the path.
 */
function sameOrigin(): MiddlewareObj {
  return {
    before: (request) => {
      const event = request.event as SessionEvent<RouteDef>;
      const headers = lowerHeaders(event);
      const own = new URL(event.input.baseUrl).origin;
      const site = headers['sec-fetch-site'];
      if (headers.origin !== undefined ? headers.origin !== own : site !== undefined && site !== 'same-origin') {
        throw new ForbiddenError('Cross-site request refused', 'cross_site_request');
      }
    },
  };
}

/** The live session the path names, counted against the per-link limit, put on the event. */
function liveSession(): MiddlewareObj {
  return {
    before: async (request) => {
      const event = request.event as SessionEvent<RouteDef>;
      const { sessionId } = event.input.params as { sessionId: string };
      const { session, count, resetsAt } = await countSessionAction(sessionId);
      if (count > SESSION_ACTIONS_PER_MINUTE) {
        throw new RateLimitedError(Math.max(1, resetsAt - Math.floor(Date.now() / 1000)));
      }
      event.session = session;
    },
  };
}

/** The stack of the page itself (GET). */
export const sessionPageStack = (route: RouteDef) => [pageErrors('page'), ...http(route)];

/** The stack of an action the page posts. */
export const sessionActionStack = (route: RouteDef) => [
  pageErrors('action'),
  ...http(route),
  sameOrigin(),
  liveSession(),
];

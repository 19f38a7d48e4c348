import { describe, expect, it } from 'vitest';
import { NoRouteError, NotFoundError, RateLimitedError, ValidationError } from '#core/errors';
import { appLang, errorResponse, internalErrorResponse } from '#http/envelopes';

describe('errorResponse', () => {
  const invalid = new ValidationError([{ field: 'nik', message: 'is required' }]);

  it('gives the platform envelope { error: { code, message, details } } with the request id', () => {
    expect(errorResponse('platform', invalid, 'req_1')).toEqual({
      statusCode: 400,
      body: {
        error: {
          code: 'invalid_request',
          message: 'The request was invalid',
          details: [{ field: 'nik', message: 'is required' }],
          request_id: 'req_1',
        },
      },
    });
  });

  it("gives the journey API's { data, error, statusCode } with its FBX code", () => {
    expect(errorResponse('journey', invalid, 'req_1')).toEqual({
      statusCode: 400,
      body: { data: {}, error: 'The request was invalid: nik is required', statusCode: 'FBX-E-001' },
    });
    expect(errorResponse('journey', new NotFoundError('borrower', 'bor_x'), 'r').body).toMatchObject({
      statusCode: 'FBX-E-006',
    });
    expect(errorResponse('journey', new RateLimitedError(30), 'r')).toMatchObject({
      statusCode: 429,
      body: { statusCode: 'FBX-E-004' },
    });
  });

  it("keeps the session endpoint's own key (status) on its errors, and data {} everywhere", () => {
    const invalid = new ValidationError([{ field: 'redirectURL', message: 'is required' }]);
    expect(errorResponse('journey', invalid, 'r', { path: '/v2/user/session' }).body).toEqual({
      data: {},
      error: 'The request was invalid: redirectURL is required',
      status: 'FBX-E-001',
    });
    expect(internalErrorResponse('journey', 'r', '/v2/user/session').body).toEqual({
      data: {},
      error: 'Internal Issues',
      status: 'FBX-E-002',
    });
    expect(internalErrorResponse('journey', 'r', '/v2/user/create').body).toMatchObject({ statusCode: 'FBX-E-002' });
  });

  it('answers an unknown path with FBX-E-000 (404) and a wrong method with 405 on the journey API', () => {
    expect(errorResponse('journey', new NoRouteError('GET', '/v2/nope', false), 'r')).toMatchObject({
      statusCode: 404,
      body: { data: {}, statusCode: 'FBX-E-000' },
    });
    expect(errorResponse('journey', new NoRouteError('GET', '/v2/user/create', true), 'r')).toMatchObject({
      statusCode: 405,
      body: { statusCode: 'FBX-E-000' },
    });
    expect(errorResponse('platform', new NoRouteError('GET', '/v1/nope', false), 'r')).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'no_route' } },
    });
  });

  it('maps not found to 404 and rate limited to 429 on the partner API', () => {
    expect(errorResponse('partner', new NotFoundError('borrower', 'bor_x'), 'r')).toMatchObject({
      statusCode: 404,
      body: { error: { code: 'borrower_not_found' } },
    });
    expect(errorResponse('partner', new RateLimitedError(30), 'r').statusCode).toBe(429);
  });

  it('never puts internals in a 500', () => {
    const body = JSON.stringify(internalErrorResponse('partner', 'req_9').body);
    expect(body).toContain('req_9');
    expect(body).not.toMatch(/stack|Error:/);
  });
});

describe('appLang', () => {
  it.each([
    [undefined, 'id'],
    ['', 'id'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['id-ID,id;q=0.9,en;q=0.8', 'id'],
    ['en;q=0.1, id;q=0.9', 'id'],
    ['fr, en;q=0.5', 'en'],
    ['en;q=0.5, id;q=0.5', 'id'],
    ['de', 'id'],
    ['en;q=abc', 'id'],
  ])('reads %j as %s (the higher q of English and Indonesian; Bahasa on a tie or neither)', (header, lang) => {
    expect(appLang(header)).toBe(lang);
  });
});

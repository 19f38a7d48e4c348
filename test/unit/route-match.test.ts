import { describe, expect, it } from 'vitest';
import { routeList } from '../../functions/api/routes.ts';
import { compileRoute, matchRoute, surfaceOfPath } from '../../functions/http/route-match.ts';

describe('matching the route table', () => {
  const compiled = routeList.map(compileRoute);

  it('finds a route with its decoded path parameters, tells a wrong method from an unknown path', () => {
    const found = matchRoute(compiled, 'GET', '/v2/session/abc%2Fdef');
    expect(found).toMatchObject({ route: { id: 'journeySessionPage' }, params: { sessionId: 'abc/def' } });
    expect(matchRoute(compiled, 'DELETE', '/v2/user/create')).toBe('method');
    expect(matchRoute(compiled, 'GET', '/v2/nowhere')).toBeNull();
  });

  it('keeps a malformed %-escape as sent instead of throwing', () => {
    expect(matchRoute(compiled, 'GET', '/v2/session/%E0%A4%A')).toMatchObject({ params: { sessionId: '%E0%A4%A' } });
  });

  it('gives an unknown path the surface of the routes it shares the most segments with', () => {
    expect(surfaceOfPath(routeList, '/v2/user/nope')).toBe('journey');
    expect(surfaceOfPath(routeList, '/user/whatever')).toBe('journey');
    expect(surfaceOfPath(routeList, '/api/core/nope')).toBe('partner');
    expect(surfaceOfPath(routeList, '/v1/nope')).toBe('platform');
    expect(surfaceOfPath(routeList, '/nothing/here')).toBe('system');
  });
});

/**
 * Matching a method and path against the route table, as API Gateway does: used by the local
 * gateway to route, and by the no-route handler to answer requests that match nothing in the
 * surface's own envelope.
 */
import type { RouteDef, Surface } from './route.ts';

export interface CompiledRoute {
  route: RouteDef;
  pattern: RegExp;
  names: string[];
}

export function compileRoute(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
    names.push(a ?? b);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

/** The route for a method and path; 'method' when only the method does not match; null when no path does. */
export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string) {
  let pathMatched = false;
  for (const c of compiled) {
    const m = c.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (c.route.method !== method) continue;
    const params = Object.fromEntries(c.names.map((n, i) => [n, safeDecode(m[i + 1] ?? '')]));
    return { route: c.route, params };
  }
  return pathMatched ? ('method' as const) : null;
}

/** A malformed %-escape stays as it was sent (the route's schema then refuses it) instead of throwing. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Whose envelope answers a path no route matches: the surface of the route sharing the most
 * leading path segments with it (`/v2/anything` -> journey, `/api/core/…` -> partner).
 */
export function surfaceOfPath(routes: readonly RouteDef[], path: string): Surface {
  const segments = path.split('/').filter(Boolean);
  let best: { surface: Surface; shared: number } = { surface: 'system', shared: 0 };
  for (const route of routes) {
    const own = route.path.split('/').filter(Boolean);
    let shared = 0;
    while (shared < own.length && shared < segments.length && own[shared] === segments[shared]) shared++;
    if (shared > best.shared) best = { surface: route.surface, shared };
  }
  return best.surface;
}

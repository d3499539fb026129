/**
 * Route table and matching as ES's PathTrie does it: literal segments beat `{param}` segments;
 * a path known under other methods is a 405, an unknown path a 400 "no handler found".
 */
import { EsPlainError, illegalArgument } from './es-errors.js';
import type { RequestContext } from './request-context.js';

export interface Reply {
  status: number;
  body: unknown;
}

export interface Route {
  method: string;
  /** e.g. '/_security/service/{namespace}/{service}/credential' */
  template: string;
  handle(ctx: RequestContext): Promise<Reply>;
  /** query parameters the handler accepts (supportedQueryParameters); undefined = not declared */
  params?: readonly string[];
  /** capability names the handler declares (supportedCapabilities), answered by GET /_capabilities */
  capabilities?: readonly string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

// RestRequest.Method enum order, used in the 405 message.
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'CONNECT'];

function segmentsOf(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/' ? [] : trimmed.slice(1).split('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw illegalArgument(`unable to decode path segment [${segment}]`);
  }
}

/** null when the template does not match; otherwise the decoded params and a specificity score. */
function matchTemplate(template: string, segments: string[]): { params: Record<string, string>; literals: number } | null {
  const parts = segmentsOf(template);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  let literals = 0;
  for (const [i, part] of parts.entries()) {
    const segment = segments[i] ?? '';
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1]) {
      params[param[1]] = decodeSegment(segment);
    } else if (part === segment) {
      literals += 1;
    } else {
      return null;
    }
  }
  return { params, literals };
}

export function matchRoute(routes: readonly Route[], method: string, uri: string, path: string): RouteMatch {
  const segments = segmentsOf(path);
  const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
  let best: (RouteMatch & { literals: number }) | undefined;
  const otherMethods = new Set<string>();
  for (const route of routes) {
    const matched = matchTemplate(route.template, segments);
    if (!matched) continue;
    if (!wanted.includes(route.method)) {
      otherMethods.add(route.method);
      continue;
    }
    if (!best || matched.literals > best.literals) best = { route, params: matched.params, literals: matched.literals };
  }
  if (best) return { route: best.route, params: best.params };
  if (otherMethods.size > 0) {
    const allowed = METHOD_ORDER.filter((m) => otherMethods.has(m));
    throw new EsPlainError(405, `Incorrect HTTP method for uri [${uri}] and method [${method}], allowed: [${allowed.join(', ')}]`, {
      Allow: allowed.join(','),
    });
  }
  throw new EsPlainError(400, `no handler found for uri [${uri}] and method [${method}]`);
}

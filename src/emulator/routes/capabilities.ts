/**
 * GET /_capabilities (RestNodesCapabilitiesAction [code] @040c17bb): does this cluster have a
 * handler for `method` + `path` that accepts every name in `parameters` and declares every name in
 * `capabilities`? Answered from the emulator's own route table, so it is truthful by construction.
 * YAML suites gate on it (`requires: capabilities`, e.g. 20_user_managed.yml@03f56605).
 */
import { illegalArgument } from '../es-errors.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import { matchRoute, type Reply, type Route } from '../router.js';
import { fanOut } from './nodes-header.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'CONNECT'];

function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** RestController.checkSupported: the first handler for the path decides; no handler = false. */
export function isSupported(routes: readonly Route[], method: string, path: string, parameters: string[], capabilities: string[]): boolean {
  let route: Route;
  try {
    route = matchRoute(routes, method, path, path).route;
  } catch {
    return false;
  }
  // [inferred] a handler that declares no parameter list accepts any parameter names.
  const isEveryParam = route.params === undefined || parameters.every((name) => route.params?.includes(name));
  return isEveryParam && capabilities.every((name) => route.capabilities?.includes(name) === true);
}

export function capabilitiesRoute(routes: () => readonly Route[]): Route {
  return {
    method: 'GET',
    template: '/_capabilities',
    params: ['timeout', 'method', 'path', 'parameters', 'capabilities', 'local_only'],
    async handle(ctx: RequestContext): Promise<Reply> {
      const method = ctx.param('method') ?? 'GET';
      // RestRequest.Method.valueOf: case-sensitive enum name.
      if (!METHODS.includes(method)) throw illegalArgument(`No enum constant org.elasticsearch.rest.RestRequest.Method.${method}`);
      const path = decodeURIComponent(ctx.param('path') ?? '/');
      const parameters = commaList(ctx.param('parameters'));
      const capabilities = commaList(ctx.param('capabilities'));
      ctx.consume('timeout', 'local_only');
      ctx.checkParams();
      ctx.authorize(ACTIONS.nodesCapabilities);
      const { header } = fanOut(ctx.state, `${ACTIONS.nodesCapabilities}[n]`);
      // [inferred] a node that did not answer makes the answer unknown: `supported: null`.
      const supported = (header.failed as number) > 0 ? null : isSupported(routes(), method, path, parameters, capabilities);
      return { status: 200, body: { _nodes: header, cluster_name: ctx.state.clusterName, supported } };
    },
  };
}

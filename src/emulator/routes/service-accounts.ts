/** GET service accounts (spec 1.1) and GET credentials (spec 1.2, 4). */
import { coordinatingNode } from '../emulator-state.js';
import { illegalArgument } from '../es-errors.js';
import { validationFailed } from '../security/json-body.js';
import { accountView, isValidPrincipal } from '../security/user-managed-accounts.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import { roleDescriptorFor } from '../role-descriptors.js';
import type { Reply, Route } from '../router.js';
import { fanOut } from './nodes-header.js';

function matches(principal: string, namespace: string | undefined, service: string | undefined): boolean {
  const [ns, svc] = principal.split('/');
  return (namespace === undefined || ns === namespace) && (service === undefined || svc === service);
}

async function getAccounts(ctx: RequestContext): Promise<Reply> {
  const { namespace, service } = ctx.params;
  const { profile } = ctx.state;
  const types = profile.hasUserManagedAccounts ? parseTypes(ctx.param('type'), namespace !== undefined) : undefined;
  ctx.checkParams();
  ctx.authorize(ACTIONS.getAccounts);
  ctx.checkTls('get service accounts');
  const entries: Array<[string, unknown]> = [];
  if (!types || types.has('built_in')) {
    for (const principal of profile.accounts) {
      if (!matches(principal, namespace, service)) continue;
      const roleDescriptor = roleDescriptorFor(principal, profile.version);
      // 9.6+: every entry carries `type` (ServiceAccountInfo.innerToXContent [code]).
      entries.push([principal, types ? { type: 'built_in', role_descriptor: roleDescriptor } : { role_descriptor: roleDescriptor }]);
    }
  }
  if (types?.has('user_managed')) {
    // A search of the security index: the last refreshed write; names failing validation match nothing.
    for (const [principal, account] of ctx.state.userManagedAccounts.search()) {
      if (!matches(principal, namespace, service) || !isValidPrincipal(principal)) continue;
      entries.push([principal, accountView(account)]);
    }
  }
  // [code] TransportGetServiceAccountActionTests orders by principal (JSON key order is not a contract).
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { status: 200, body: Object.fromEntries(entries) };
}

const TYPES = ['built_in', 'user_managed'];

/** `type` (9.6+): default built_in without a namespace, both with one (user-managed-service-accounts.md 1.3). */
function parseTypes(value: string | undefined, hasNamespace: boolean): Set<string> {
  if (value === undefined) return new Set(hasNamespace ? TYPES : ['built_in']);
  const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const invalid = names.find((name) => !TYPES.includes(name));
  if (invalid !== undefined) throw illegalArgument(`invalid type value [${invalid}]; must be one of [built_in, user_managed]`);
  // [inferred] the REST path for an empty `type=` reaches GetServiceAccountRequest.validate.
  if (names.length === 0) throw validationFailed(['type must name at least one of [built_in, user_managed]']);
  return new Set(names);
}

function emptyObjects(names: string[]): Record<string, object> {
  return Object.fromEntries(names.map((name) => [name, {}]));
}

async function getCredentials(ctx: RequestContext): Promise<Reply> {
  ctx.checkParams();
  ctx.authorize(ACTIONS.getCredentials);
  ctx.checkTls('get service account tokens');
  const principal = `${ctx.params.namespace}/${ctx.params.service}`;
  const { state } = ctx;
  // No existence check: an unknown account simply has no tokens (spec 1.2).
  const indexTokens = state.indexStore.list(principal);
  if (!state.profile.isNodesCredentialsFormat) {
    const node = coordinatingNode(state);
    const fileTokens = (node?.files.namesFor(principal) ?? []).sort();
    return {
      status: 200,
      body: {
        service_account: principal,
        node_name: node?.name ?? state.nodes[0]?.name,
        count: indexTokens.length + fileTokens.length,
        tokens: emptyObjects(indexTokens),
        file_tokens: emptyObjects(fileTokens),
      },
    };
  }
  const { answered, header } = fanOut(state, `${ACTIONS.getCredentials}[n]`);
  const fileTokens = new Map<string, Set<string>>();
  for (const node of answered) {
    for (const name of node.files.namesFor(principal)) {
      const nodes = fileTokens.get(name) ?? new Set<string>();
      nodes.add(node.name);
      fileTokens.set(name, nodes);
    }
  }
  const fileTokensJson = Object.fromEntries([...fileTokens].map(([name, nodes]) => [name, { nodes: [...nodes].sort() }]));
  return {
    status: 200,
    body: {
      service_account: principal,
      count: indexTokens.length + fileTokens.size,
      tokens: emptyObjects(indexTokens),
      nodes_credentials: { _nodes: header, file_tokens: fileTokensJson },
    },
  };
}

/** The GET routes of a version: 9.6+ accepts `type`. */
export function serviceAccountRoutes(hasUserManagedAccounts: boolean): Route[] {
  const params = hasUserManagedAccounts ? ['type'] : [];
  return [
    { method: 'GET', template: '/_security/service', handle: getAccounts, params },
    { method: 'GET', template: '/_security/service/{namespace}', handle: getAccounts, params },
    { method: 'GET', template: '/_security/service/{namespace}/{service}', handle: getAccounts, params },
    { method: 'GET', template: '/_security/service/{namespace}/{service}/credential', handle: getCredentials, params: [] },
  ];
}

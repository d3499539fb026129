/** GET service accounts (spec 1.1) and GET credentials (spec 1.2, 4). */
import { coordinatingNode } from '../emulator-state.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import { roleDescriptorFor } from '../role-descriptors.js';
import type { Reply, Route } from '../router.js';
import { fanOut } from './nodes-header.js';

async function getAccounts(ctx: RequestContext): Promise<Reply> {
  ctx.checkParams();
  ctx.authorize(ACTIONS.getAccounts);
  ctx.checkTls('get service accounts');
  const { namespace, service } = ctx.params;
  const { profile } = ctx.state;
  const body: Record<string, unknown> = {};
  for (const principal of profile.accounts) {
    const [ns, svc] = principal.split('/');
    if (namespace !== undefined && ns !== namespace) continue;
    if (service !== undefined && svc !== service) continue;
    body[principal] = { role_descriptor: roleDescriptorFor(principal, profile.version) };
  }
  return { status: 200, body };
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

export const SERVICE_ACCOUNT_ROUTES: Route[] = [
  { method: 'GET', template: '/_security/service', handle: getAccounts, params: [] },
  { method: 'GET', template: '/_security/service/{namespace}', handle: getAccounts, params: [] },
  { method: 'GET', template: '/_security/service/{namespace}/{service}', handle: getAccounts, params: [] },
  { method: 'GET', template: '/_security/service/{namespace}/{service}/credential', handle: getCredentials, params: [] },
];

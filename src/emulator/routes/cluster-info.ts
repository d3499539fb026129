/** GET /, GET /_security/_authenticate, POST|PUT /_security/api_key, GET /_cat/nodes. */
import { randomBytes } from 'node:crypto';
import { sha256 } from '../auth.js';
import { coordinatingNode, type EmulatorState } from '../emulator-state.js';
import { simpleError } from '../es-errors.js';
import { timeBasedId } from '../ids.js';
import { authenticateBody } from '../principal-view.js';
import { ACTIONS } from '../privileges.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';

async function root(ctx: RequestContext): Promise<Reply> {
  ctx.checkParams();
  ctx.authorize(ACTIONS.main);
  const { state } = ctx;
  const { version, major } = state.profile;
  return {
    status: 200,
    body: {
      name: coordinatingNode(state)?.name ?? state.nodes[0]?.name,
      cluster_name: state.clusterName,
      cluster_uuid: ctx.clusterUuid,
      version: {
        number: version,
        build_flavor: 'default',
        build_type: 'tar',
        build_hash: sha256(`escred-emulator-${version}`).slice(0, 40),
        build_date: '2026-01-01T00:00:00.000000000Z',
        build_snapshot: false,
        lucene_version: major >= 9 ? '10.2.0' : major === 8 ? '9.12.0' : '8.11.1',
        minimum_wire_compatibility_version: major >= 8 ? `${major - 1}.17.0` : '6.8.0',
        minimum_index_compatibility_version: major >= 8 ? `${major - 1}.0.0` : '6.0.0-beta1',
      },
      tagline: 'You Know, for Search',
    },
  };
}

async function whoAmI(ctx: RequestContext): Promise<Reply> {
  ctx.checkParams();
  return { status: 200, body: authenticateBody(ctx.principal, ctx.state.profile) };
}

export interface CreatedApiKey {
  id: string;
  name: string;
  apiKey: string;
  encoded: string;
}

/** Registers an API key for `owner`; only a digest of the key is kept. */
export function registerApiKey(state: EmulatorState, name: string, owner: string): CreatedApiKey {
  const id = timeBasedId();
  const apiKey = randomBytes(16).toString('base64url');
  (state.apiKeys as Map<string, unknown>).set(id, { id, name, keyDigest: sha256(apiKey), owner });
  return { id, name, apiKey, encoded: Buffer.from(`${id}:${apiKey}`).toString('base64') };
}

async function createApiKey(ctx: RequestContext): Promise<Reply> {
  ctx.param('refresh');
  const body = ctx.readBody();
  ctx.checkParams();
  let request: { name?: unknown };
  try {
    request = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as { name?: unknown });
  } catch {
    throw simpleError(400, 'x_content_parse_exception', 'Failed to parse request body');
  }
  if (typeof request.name !== 'string' || request.name === '') {
    throw simpleError(400, 'action_request_validation_exception', 'Validation Failed: 1: api key name is required;');
  }
  ctx.authorize(ACTIONS.createApiKey);
  if (ctx.principal.kind === 'service_account') {
    // ES lets service accounts with manage_own_api_key create keys; the emulator's keys need a user owner.
    throw simpleError(400, 'illegal_argument_exception', 'the emulator creates API keys for users only');
  }
  const owner = ctx.principal.user.username;
  // role_descriptors (limiting the key) are accepted but not enforced: the key has its owner's privileges.
  const created = registerApiKey(ctx.state, request.name, owner);
  return { status: 200, body: { id: created.id, name: created.name, api_key: created.apiKey, encoded: created.encoded } };
}

const CAT_COLUMNS: Record<string, (node: { id: string; name: string }, isMaster: boolean, fullId: boolean) => string> = {
  id: (node, _m, fullId) => (fullId ? node.id : node.id.slice(0, 4)),
  name: (node) => node.name,
  ip: () => '127.0.0.1',
  'node.role': () => 'cdfhilmrstw',
  master: (_n, isMaster) => (isMaster ? '*' : '-'),
};

async function catNodes(ctx: RequestContext): Promise<Reply> {
  const format = ctx.param('format');
  const columns = (ctx.param('h') ?? 'ip,node.role,master,name').split(',').filter((c) => c in CAT_COLUMNS);
  const fullId = ['', 'true'].includes(ctx.param('full_id') ?? 'false');
  ctx.consume('v', 's', 'help', 'bytes', 'time', 'local', 'master_timeout', 'include_unloaded_segments');
  ctx.checkParams();
  ctx.authorize(ACTIONS.nodesInfo);
  const rows = ctx.state.nodes.map((node, i) => Object.fromEntries(columns.map((c) => [c, CAT_COLUMNS[c]!(node, i === 0, fullId)])));
  if (format === 'json') return { status: 200, body: rows };
  return { status: 200, body: rows.map((row) => `${Object.values(row).join(' ')}\n`).join('') };
}

const CAT_PARAMS = ['format', 'h', 'full_id', 'v', 's', 'help', 'bytes', 'time', 'local', 'master_timeout', 'include_unloaded_segments'];

export const CLUSTER_INFO_ROUTES: Route[] = [
  { method: 'GET', template: '/', handle: root, params: [] },
  { method: 'HEAD', template: '/', handle: root, params: [] },
  { method: 'GET', template: '/_security/_authenticate', handle: whoAmI, params: [] },
  { method: 'POST', template: '/_security/api_key', handle: createApiKey, params: ['refresh'] },
  { method: 'PUT', template: '/_security/api_key', handle: createApiKey, params: ['refresh'] },
  { method: 'GET', template: '/_cat/nodes', handle: catNodes, params: CAT_PARAMS },
];

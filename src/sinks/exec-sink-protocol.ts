/**
 * escred's exec-sink protocol, version 1 (docs/exec-sink-protocol.md; the messages are
 * schemas/exec-sink-request.schema.json and schemas/exec-sink-response.schema.json).
 * One process per request: escred writes one JSON request on stdin and closes it; the sink
 * answers one JSON response on stdout and exits 0, or exits non-zero with the reason on stderr.
 * Both sides parse here, so escred and the adapters it ships agree on every field.
 */
export const EXEC_SINK_PROTOCOL_VERSION = 1;

/** cluster, `namespace/service` and token name: which value a request is about */
export interface ExecSinkKey {
  cluster: string;
  serviceAccount: string;
  token: string;
}

export type ExecSinkRequest =
  | { protocolVersion: 1; action: 'check' }
  | { protocolVersion: 1; action: 'list' }
  | ({ protocolVersion: 1; action: 'store'; kind: 'index' | 'file'; value: string } & ExecSinkKey)
  | ({ protocolVersion: 1; action: 'delete' | 'read' } & ExecSinkKey);

export type ExecSinkAction = ExecSinkRequest['action'];

export type ExecSinkResponse =
  | { protocolVersion: 1; status: 'ok'; keys?: ExecSinkKey[]; value?: string | null }
  | { protocolVersion: 1; status: 'unsupported' };

/** actions a sink may answer `unsupported`: escred can do without them (it cannot without store/delete) */
export const OPTIONAL_ACTIONS: ReadonlySet<ExecSinkAction> = new Set(['check', 'list', 'read']);

// The same rules the manifest enforces (cluster names, ES principals and token names), checked
// again here because the adapters turn these into Vault paths and Secret names: no `..`, no `/`.
const CLUSTER = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PRINCIPAL = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const TOKEN = /^[a-zA-Z0-9-][a-zA-Z0-9_-]{0,255}$/;

export class ExecSinkProtocolError extends Error {}

export function isValidKey(key: ExecSinkKey): boolean {
  return CLUSTER.test(key.cluster) && PRINCIPAL.test(key.serviceAccount) && !key.serviceAccount.includes('..') && TOKEN.test(key.token);
}

/** The sink side: one request from stdin, or an error saying what is wrong with it (never quoting a value). */
export function parseExecSinkRequest(text: string): ExecSinkRequest {
  const message = parseObject(text, 'request');
  if (message['protocolVersion'] !== EXEC_SINK_PROTOCOL_VERSION) {
    throw new ExecSinkProtocolError(`unsupported protocolVersion ${JSON.stringify(message['protocolVersion'])}; this sink speaks ${EXEC_SINK_PROTOCOL_VERSION}`);
  }
  const action = message['action'];
  if (action === 'check' || action === 'list') return { protocolVersion: 1, action };
  if (action !== 'store' && action !== 'delete' && action !== 'read') {
    throw new ExecSinkProtocolError(`unknown action ${JSON.stringify(action)}`);
  }
  const key = readKey(message, 'request');
  if (action !== 'store') return { protocolVersion: 1, action, ...key };
  const { kind, value } = message;
  if (kind !== 'index' && kind !== 'file') throw new ExecSinkProtocolError('store: kind must be "index" or "file"');
  if (typeof value !== 'string' || value.length === 0) throw new ExecSinkProtocolError('store: value must be a non-empty string');
  return { protocolVersion: 1, action, ...key, kind, value };
}

/**
 * escred's side: the sink's answer to `action`, checked field by field (stdout is never quoted: it may hold a value).
 * Messages speak of the sink ("it answered ...", "its answer to ..."): they follow "<sink> does not speak the protocol: ".
 */
export function parseExecSinkResponse(action: ExecSinkAction, text: string): ExecSinkResponse {
  const message = parseObject(text, `its answer to ${action}`);
  if (message['protocolVersion'] !== EXEC_SINK_PROTOCOL_VERSION) {
    throw new ExecSinkProtocolError(`it answered ${action} with protocolVersion ${JSON.stringify(message['protocolVersion'] ?? null)}; escred speaks ${EXEC_SINK_PROTOCOL_VERSION}`);
  }
  const status = message['status'];
  if (status === 'unsupported') {
    if (!OPTIONAL_ACTIONS.has(action)) throw new ExecSinkProtocolError(`it answered ${action} "unsupported", but every sink must implement ${action}`);
    return { protocolVersion: 1, status };
  }
  if (status !== 'ok') throw new ExecSinkProtocolError(`it answered ${action} with status ${JSON.stringify(status ?? null)}; expected "ok" or "unsupported"`);
  if (action === 'list') {
    const keys = message['keys'];
    if (!Array.isArray(keys)) throw new ExecSinkProtocolError('it answered list without a keys array');
    return { protocolVersion: 1, status, keys: keys.map((k: unknown) => readKey(isObject(k) ? k : {}, 'list answer')) };
  }
  if (action === 'read') {
    const value = message['value'];
    if (value !== null && (typeof value !== 'string' || value.length === 0)) {
      throw new ExecSinkProtocolError('it answered read without a value (a non-empty string, or null when it holds none)');
    }
    return { protocolVersion: 1, status, value };
  }
  return { protocolVersion: 1, status };
}

export function keyString(key: ExecSinkKey): string {
  return `${key.cluster}/${key.serviceAccount}/${key.token}`;
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ExecSinkProtocolError(`${what} is not one JSON object${text.trim() === '' ? ' (it was empty)' : ''}`);
  }
  if (!isObject(parsed)) throw new ExecSinkProtocolError(`${what} is not a JSON object`);
  return parsed;
}

function readKey(message: Record<string, unknown>, what: string): ExecSinkKey {
  const { cluster, serviceAccount, token } = message;
  if (typeof cluster !== 'string' || typeof serviceAccount !== 'string' || typeof token !== 'string') {
    throw new ExecSinkProtocolError(`${what}: cluster, serviceAccount and token must be strings`);
  }
  const key = { cluster, serviceAccount, token };
  if (!isValidKey(key)) throw new ExecSinkProtocolError(`${what}: not a valid key: ${keyString(key)}`);
  return key;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

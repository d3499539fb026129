/**
 * HashiCorp Vault KV version 2 through the `vault` CLI: one secret per token at
 * <prefix>/<cluster>/<namespace>/<service>/<token> in the mount, the bearer in its `value` field.
 * The value goes on the CLI's stdin (`value=-`), never in argv where `ps` would show it.
 * Vault's CLI exits 0 on success, 1 on a local error, 2 on a remote one (API, TLS, not found);
 * a missing path says "No value found at ..." on stderr. VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE
 * and the rest of the environment reach the CLI unchanged.
 */
import { isValidKey, type ExecSinkKey } from './exec-sink-protocol.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import { BackingCliError, callCli, failure, type CliCall, type SinkAdapter } from './sink-adapter.js';

export interface VaultKv2Options {
  /** where the KV v2 engine is mounted, e.g. secret */
  mount: string;
  /** the folder escred owns inside the mount, e.g. escred or teams/search/escred */
  prefix: string;
  /** the CLI to run; default `vault` from PATH */
  binary?: string;
}

const FIELD = 'value';
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const LIST_CONCURRENCY = 4;

export function vaultKv2Adapter(options: VaultKv2Options): SinkAdapter {
  const binary = options.binary ?? 'vault';
  const mount = `-mount=${checkedPath(options.mount, '--mount')}`;
  const prefix = checkedPath(options.prefix, '--prefix');
  const pathOf = (key: ExecSinkKey) => `${prefix}/${key.cluster}/${key.serviceAccount}/${key.token}`;

  const run = async (call: CliCall) => {
    const outcome = await callCli(binary, call);
    if (outcome.code !== 0) throw failure(binary, call, outcome);
    return outcome.stdout;
  };
  // `kv list` of a folder holding nothing is "No value found" with exit 2: an empty folder, not a failure.
  const listFolder = async (folder: string): Promise<string[]> => {
    const call = { argv: ['kv', 'list', '-format=json', mount, `${folder}/`] };
    const outcome = await callCli(binary, call);
    if (outcome.code === 2 && /No value found at/.test(outcome.stderr)) return [];
    if (outcome.code !== 0) throw failure(binary, call, outcome);
    const names: unknown = JSON.parse(outcome.stdout || '[]');
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) throw new BackingCliError(`${binary} kv list did not answer a JSON list`);
    return names as string[];
  };
  const subfolders = async (folder: string) =>
    (await listFolder(folder)).filter((n) => n.endsWith('/') && SEGMENT.test(n.slice(0, -1))).map((n) => `${folder}/${n.slice(0, -1)}`);

  return {
    async check() {
      await listFolder(prefix);
    },
    async store(key, _kind, value) {
      await run({ argv: ['kv', 'put', mount, pathOf(key), `${FIELD}=-`], stdin: value, secret: value });
    },
    async delete(key) {
      // `kv delete` only hides the latest version (list still shows the key); metadata delete removes every version.
      await run({ argv: ['kv', 'metadata', 'delete', mount, pathOf(key)] });
    },
    async read(key) {
      const call = { argv: ['kv', 'get', mount, `-field=${FIELD}`, pathOf(key)] };
      const outcome = await callCli(binary, call);
      if (outcome.code === 2 && /No value found at/.test(outcome.stderr)) return null;
      if (outcome.code !== 0) throw failure(binary, call, outcome);
      return outcome.stdout === '' ? null : outcome.stdout; // -field prints the value with no trailing newline
    },
    async list() {
      // KV lists one level at a time: clusters, then namespaces, services, and the tokens (leaves).
      let folders = [prefix];
      for (let depth = 0; depth < 3; depth++) folders = (await mapConcurrent(folders, LIST_CONCURRENCY, subfolders)).flat();
      const leaves = await mapConcurrent(folders, LIST_CONCURRENCY, async (folder) =>
        (await listFolder(folder)).filter((n) => !n.endsWith('/')).map((token) => `${folder}/${token}`));
      return leaves.flat().flatMap((path) => {
        const [cluster = '', namespace = '', service = '', token = ''] = path.slice(prefix.length + 1).split('/');
        const key = { cluster, serviceAccount: `${namespace}/${service}`, token };
        return isValidKey(key) ? [key] : []; // something else under the prefix is not escred's
      });
    },
  };
}

function checkedPath(path: string, flag: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const segments = trimmed.split('/');
  if (trimmed === '' || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) {
    throw new BackingCliError(`${flag} must be a path of letters, digits, '_', '.' and '-' segments, got ${JSON.stringify(path)}`);
  }
  return trimmed;
}

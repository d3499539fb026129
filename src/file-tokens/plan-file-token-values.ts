/**
 * Decides the secret and the hash line of every declared file token of one cluster, per node.
 * - The secret is the sink's value when it has one; otherwise a fresh one (as ES makes them) that
 *   is stored in the sink BEFORE this returns, so no file line can exist without its value.
 * - Every node gets the same secret for a name, and the same hash line: an existing line that
 *   verifies the secret is reused (a new salt on every run would rewrite every file forever).
 * - A sink that cannot be read back (exec) keeps existing lines as they are and only gets
 *   values for new tokens; node mode refuses such a sink (nodes could not share a secret).
 * - `isDryRun` (plan) stores nothing: a new token gets the hash of a throwaway secret, only to
 *   show the diff.
 */
import type { SecretSink } from '../sinks/secret-sink.js';
import { EscredError } from '../errors.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import type { DesiredAccount, DesiredCluster, DesiredFileToken, ObservedNode } from '../model.js';
import { decodeBearer, encodeBearer, newSecret } from './bearer.js';
import { fileTokenKey } from '../ownership/file-token-ownership.js';
import { hashPbkdf2StretchAsync, verifyServiceTokenHashAsync } from './hasher.js';
import { compareKeys, type ServiceTokenLine } from './render-service-tokens.js';
import { parseServiceTokens } from './service-tokens-parser.js';

export interface PlanFileTokenValuesOptions {
  cluster: Pick<DesiredCluster, 'name' | 'serviceAccounts'>;
  /** the cluster's nodes (ObservedCluster fits); null when the node list could not be read */
  observed: { nodes: readonly ObservedNode[] | null };
  sink: SecretSink;
  /** current file text per node name (missing or null: no file), searched for reusable hash lines */
  existing: ReadonlyMap<string, string | null>;
  /** node mode: plan this node only; '*' then means this node even when the node list is unknown */
  onlyNode?: string;
  isDryRun?: boolean;
  /** randomness for new secrets (tests) */
  random?: (size: number) => Buffer;
}

export interface FileTokenValues {
  /** node name -> the lines escred wants in its file, sorted by key; nodes with none map to [] */
  byNode: Map<string, ServiceTokenLine[]>;
  /** keys that got a new secret (stored in the sink, or only planned in a dry run) */
  newKeys: string[];
}

const HASH_CONCURRENCY = 8;

export async function planFileTokenValues(options: PlanFileTokenValuesOptions): Promise<FileTokenValues> {
  const byNode = new Map<string, ServiceTokenLine[]>();
  if (options.onlyNode !== undefined) byNode.set(options.onlyNode, []);
  else for (const node of options.observed.nodes ?? []) byNode.set(node.name, []);
  // Everything that can fail is checked before the first secret is stored.
  const tokens = declaredTokens(options);
  const isSinkReadable = tokens.length === 0 || (await options.sink.listKeys()) !== null;
  if (!isSinkReadable && options.onlyNode !== undefined) {
    throw new EscredError('ESCRED_SINK_NOT_READABLE',
      `node mode needs a secret sink escred can read back (${options.sink.describe()} cannot), ` +
      'or every node would get a different secret for the same name; use a directory sink or --file-tokens-out');
  }
  const existingHashes = hashesByKey(options.existing, options.onlyNode);
  const newKeys: string[] = [];
  // PBKDF2 runs on libuv's thread pool: several tokens at once use every core (each is still
  // stored in the sink before this function returns, so before any file line exists).
  const hashes = await mapConcurrent(tokens, HASH_CONCURRENCY, async ({ account, tokenName, key }) => {
    const candidates = existingHashes.get(key) ?? [];
    // A sink that cannot be read (exec) keeps the line it already has: its value went to the sink when the line was made.
    if (!isSinkReadable && candidates[0] !== undefined) return candidates[0];
    const secret = await secretFor(options, account, tokenName);
    if (secret.isNew) newKeys.push(key);
    return hashFor(secret.value, candidates);
  });
  tokens.forEach(({ key, nodes }, index) => {
    for (const node of nodes) {
      const lines = byNode.get(node) ?? [];
      lines.push({ key, hash: hashes[index]! });
      byNode.set(node, lines);
    }
  });
  newKeys.sort(compareKeys);
  for (const lines of byNode.values()) lines.sort((a, b) => compareKeys(a.key, b.key));
  return { byNode, newKeys };
}

interface DeclaredToken {
  account: DesiredAccount;
  tokenName: string;
  key: string;
  nodes: string[];
}

function declaredTokens(options: PlanFileTokenValuesOptions): DeclaredToken[] {
  const tokens: DeclaredToken[] = [];
  for (const account of options.cluster.serviceAccounts) {
    for (const token of account.fileTokens) {
      const nodes = nodesOf(options, account.principal, token);
      if (nodes.length > 0) tokens.push({ account, tokenName: token.name, key: fileTokenKey(account.principal, token.name), nodes });
    }
  }
  return tokens;
}

function nodesOf(options: PlanFileTokenValuesOptions, principal: string, token: DesiredFileToken): string[] {
  const { onlyNode } = options;
  if (token.nodes !== '*') return onlyNode === undefined ? [...token.nodes] : token.nodes.filter((n) => n === onlyNode);
  if (onlyNode !== undefined) return [onlyNode];
  if (!options.observed.nodes) {
    throw new EscredError('ESCRED_NODE_LIST_UNAVAILABLE',
      `file token ${principal}/${token.name} is declared for every node ('*') but the node list of cluster ` +
      `${options.cluster.name} is unavailable (reading it needs the monitor privilege); list the nodes by name instead`);
  }
  return options.observed.nodes.map((node) => node.name);
}

async function secretFor(
  options: PlanFileTokenValuesOptions, account: { principal: string; namespace: string; service: string }, tokenName: string,
): Promise<{ value: string; isNew: boolean }> {
  const key = { cluster: options.cluster.name, principal: account.principal, token: tokenName };
  const stored = await options.sink.read(key);
  if (stored !== null) {
    const decoded = decodeBearer(stored.trim());
    if (!decoded || `${decoded.namespace}/${decoded.service}` !== account.principal || decoded.tokenName !== tokenName) {
      // Never overwrite what the sink holds: it may be the only copy of a value someone uses.
      throw new EscredError('ESCRED_SINK_VALUE_INVALID',
        `the secret sink holds a value for ${options.cluster.name}/${account.principal}/${tokenName} that is not a bearer token for it`);
    }
    return { value: decoded.secret, isNew: false };
  }
  const value = newSecret(options.random);
  if (!options.isDryRun) {
    const bearer = encodeBearer({ namespace: account.namespace, service: account.service, tokenName }, value);
    await options.sink.store({ key, kind: 'file', value: bearer });
  }
  return { value, isNew: true };
}

/** The first existing hash (nodes in name order) that verifies the secret, else a fresh one. */
async function hashFor(secret: string, candidates: readonly string[]): Promise<string> {
  for (const hash of candidates) {
    if (await verifyServiceTokenHashAsync(secret, hash)) return hash;
  }
  return hashPbkdf2StretchAsync(secret);
}

function hashesByKey(existing: ReadonlyMap<string, string | null>, onlyNode: string | undefined): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const nodes = [...existing.keys()].filter((n) => onlyNode === undefined || n === onlyNode).sort(compareKeys);
  for (const node of nodes) {
    const text = existing.get(node);
    if (!text) continue;
    for (const [key, hash] of parseServiceTokens(text).tokens) {
      const list = result.get(key) ?? [];
      if (!list.includes(hash)) list.push(hash);
      result.set(key, list);
    }
  }
  return result;
}

/**
 * The two ways escred delivers file tokens (issue 5):
 * - out-dir (`apply --file-tokens-out DIR`): one file per node, `<DIR>/<cluster>/<node>/service_tokens`,
 *   or one shared `<DIR>/<cluster>/service_tokens` when every node's file is the same, for whatever
 *   ships config to the nodes;
 * - node mode (`apply --node NAME --service-tokens-file PATH`): edits the local node's file.
 * Both take every secret from the sink (new ones are stored there before any file is written), so
 * every node gets the same secret for a name. `isDryRun` returns the diffs and writes nothing.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { SecretSink } from '../sinks/secret-sink.js';
import { ConfigError, EscredError } from '../errors.js';
import type { DesiredCluster, ObservedNode } from '../model.js';
import { ownedFileTokenKeys } from '../ownership/file-token-ownership.js';
import { resolveGroup } from './resolve-group.js';
import { planFileTokenValues } from './plan-file-token-values.js';
import { assertEditableServiceTokens, renderServiceTokens } from './render-service-tokens.js';
import { shortenServiceTokensHashes } from './shorten-hashes.js';
import { writeServiceTokensFile, type WriteServiceTokensFileResult } from './write-service-tokens-file.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';

export const SERVICE_TOKENS_FILE = 'service_tokens';

/** How file tokens reach the nodes (issue 5): rendered files for config management, or this node's own file. */
export type FileTokensTarget =
  | { kind: 'out-dir'; outDir: string; group?: string }
  | { kind: 'node'; nodeName: string; path: string; cluster?: string; group?: string };

export interface FileTokensDeliveryOptions {
  cluster: Pick<DesiredCluster, 'name' | 'serviceAccounts'>;
  /** the cluster's nodes (ObservedCluster fits); null when the node list could not be read */
  observed: { nodes: readonly ObservedNode[] | null };
  sink: SecretSink;
  /** group that may read the files (Elasticsearch's); default: kept from the file replaced */
  group?: string | number;
  isDryRun?: boolean;
  /** randomness for new secrets (tests) */
  random?: (size: number) => Buffer;
}

export interface FileTokensDelivery {
  /** every file written or checked (dry run: that would be), with its diff */
  files: WriteServiceTokensFileResult[];
  /** files removed because the layout changed between per-node and shared (dry run: would be) */
  removed: { path: string; diff: string }[];
  /** `ns/svc/name` keys that got a new secret, stored in the sink (dry run: would get) */
  newKeys: string[];
}

export interface RenderFileTokensOutOptions extends FileTokensDeliveryOptions {
  outDir: string;
}

export async function renderFileTokensOut(options: RenderFileTokensOutOptions): Promise<FileTokensDelivery> {
  if (options.observed.nodes === null) {
    // Without it escred could neither tell a shared file from per-node ones nor name every node's file.
    throw new EscredError('ESCRED_NODE_LIST_UNAVAILABLE',
      `--file-tokens-out needs the node list of cluster ${options.cluster.name}, which could not be read (needs the monitor privilege)`);
  }
  const group = options.group === undefined ? undefined : await resolveGroup(options.group);
  const clusterDir = join(options.outDir, pathSegment(options.cluster.name, 'cluster'));
  const sharedPath = join(clusterDir, SERVICE_TOKENS_FILE);
  const nodePath = (node: string) => join(clusterDir, pathSegment(node, 'node'), SERVICE_TOKENS_FILE);
  const sharedText = await readTextIfExists(sharedPath);
  const nodeNames = declaredAndObservedNodes(options);
  const existing = new Map<string, string | null>();
  const nodeTexts = new Map<string, string | null>();
  for (const node of nodeNames) {
    const text = await readTextIfExists(nodePath(node));
    nodeTexts.set(node, text);
    existing.set(node, text ?? sharedText);
  }
  // A file ES would ignore stops the run here, before a secret is stored or a file written.
  for (const text of [sharedText, ...nodeTexts.values()]) assertEditableServiceTokens(text);
  const values = await planFileTokenValues({ ...options, existing });
  const owned = ownedFileTokenKeys(options.cluster);
  const rendered = new Map([...values.byNode].map(([node, desired]) =>
    [node, renderServiceTokens({ existing: existing.get(node) ?? null, desired, owned })]));
  const contents = new Set(rendered.values());
  // One shared file when it is right for every node of the cluster (the node list is known here).
  const isShared = contents.size <= 1 && (rendered.size > 0 || sharedText !== null);
  const write = (path: string, content: string) =>
    writeServiceTokensFile({ path, content, group, isDryRun: options.isDryRun, isCreatingParents: true });
  const files: WriteServiceTokensFileResult[] = [];
  const removed: FileTokensDelivery['removed'] = [];
  if (isShared) {
    const content = [...contents][0] ?? renderServiceTokens({ existing: sharedText, desired: [], owned });
    files.push(await write(sharedPath, content));
    for (const [node, text] of nodeTexts) if (text !== null) removed.push(await remove(nodePath(node), text, options.isDryRun));
  } else {
    for (const [node, content] of rendered) files.push(await write(nodePath(node), content));
    if (sharedText !== null && rendered.size > 0) removed.push(await remove(sharedPath, sharedText, options.isDryRun));
  }
  return { files, removed, newKeys: values.newKeys };
}

export interface ApplyNodeFileTokensOptions extends FileTokensDeliveryOptions {
  /** the node this runs on, as the cluster names it */
  nodeName: string;
  /** its service_tokens file, usually `$ES_PATH_CONF/service_tokens` */
  path: string;
}

export async function applyNodeFileTokens(options: ApplyNodeFileTokensOptions): Promise<FileTokensDelivery> {
  const names = options.observed.nodes?.map((node) => node.name);
  if (names && !names.includes(options.nodeName)) {
    throw new EscredError('ESCRED_UNKNOWN_NODE',
      `node ${options.nodeName} is not a node of cluster ${options.cluster.name} (nodes: ${names.join(', ')})`);
  }
  const group = options.group === undefined ? undefined : await resolveGroup(options.group);
  const existing = await readTextIfExists(options.path);
  assertEditableServiceTokens(existing);
  const values = await planFileTokenValues({ ...options, existing: new Map([[options.nodeName, existing]]), onlyNode: options.nodeName });
  const desired = values.byNode.get(options.nodeName) ?? [];
  const content = renderServiceTokens({ existing, desired, owned: ownedFileTokenKeys(options.cluster) });
  const file = await writeServiceTokensFile({ path: options.path, content, group, isDryRun: options.isDryRun });
  return { files: [file], removed: [], newKeys: values.newKeys };
}

/** Observed nodes (when known) and every node named by a declaration, sorted. */
function declaredAndObservedNodes(options: FileTokensDeliveryOptions): string[] {
  const names = new Set(options.observed.nodes?.map((node) => node.name) ?? []);
  for (const account of options.cluster.serviceAccounts) {
    for (const token of account.fileTokens) if (token.nodes !== '*') for (const node of token.nodes) names.add(node);
  }
  return [...names].sort();
}

function pathSegment(name: string, what: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new ConfigError(`${what} name ${JSON.stringify(name)} cannot be used as a folder name under the file-tokens output folder`);
  }
  return name;
}

async function remove(path: string, old: string, isDryRun = false): Promise<{ path: string; diff: string }> {
  const diff = createTwoFilesPatch(path, path, shortenServiceTokensHashes(old), '', undefined, 'deleted');
  if (!isDryRun) await rm(path, { force: true });
  return { path, diff };
}

import type { Command } from 'commander';
import { ConfigError } from '../errors.js';
import type { FileTokensTarget } from '../reconcile/deliver-pass.js';

export interface FileTokensCliOptions {
  fileTokensOut?: string;
  node?: string;
  serviceTokensFile?: string;
  /** repeatable: the clusters in scope (plan and apply); in node mode, the one cluster the node belongs to */
  cluster?: string[];
  group?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options plan and apply share for delivering file tokens (plan shows the diffs, apply writes). */
const NODE_MODE_CLUSTER = 'node mode: the cluster the node belongs to, when the manifest has several with file tokens';
export const SCOPE_CLUSTER = 'only this cluster (repeatable; the plan is partial, as with terraform -target); in node mode, the cluster the node belongs to';

/** `clusterHelp`: plan and apply also scope to the named clusters (SCOPE_CLUSTER); watch uses it for node mode only */
export function addFileTokensOptions(command: Command, clusterHelp = NODE_MODE_CLUSTER): Command {
  return command
    .option('--file-tokens-out <dir>', 'render service_tokens files: <dir>/<cluster>/<node>/service_tokens, or <dir>/<cluster>/service_tokens when all nodes are equal')
    .option('--node <name>', 'node mode: edit the service_tokens file of this node (with --service-tokens-file)')
    .option('--service-tokens-file <path>', 'node mode: the node\'s file, usually $ES_PATH_CONF/service_tokens')
    .option('--cluster <name>', clusterHelp, collect)
    .option('--group <group>', 'group that may read service_tokens files (mode 0640); default: kept from the file replaced');
}

export function fileTokensTarget(options: FileTokensCliOptions): FileTokensTarget | undefined {
  const group = options.group !== undefined ? { group: options.group } : {};
  if (options.fileTokensOut !== undefined && options.node !== undefined) {
    throw new ConfigError('--file-tokens-out and --node are two ways to deliver file tokens; pick one');
  }
  if (options.fileTokensOut !== undefined) return { kind: 'out-dir', outDir: options.fileTokensOut, ...group };
  if (options.node === undefined && options.serviceTokensFile === undefined) return undefined;
  if (options.node === undefined || options.serviceTokensFile === undefined) {
    throw new ConfigError('node mode needs both --node NAME and --service-tokens-file PATH');
  }
  if ((options.cluster?.length ?? 0) > 1) throw new ConfigError('node mode takes one --cluster: the cluster the node belongs to');
  const cluster = options.cluster?.[0];
  return { kind: 'node', nodeName: options.node, path: options.serviceTokensFile, ...group, ...(cluster !== undefined ? { cluster } : {}) };
}

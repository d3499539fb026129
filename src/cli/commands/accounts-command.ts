import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ClusterAccounts } from '../../cluster/account-summary.js';
import { ERROR_CODES } from '../../error-codes.js';
import { codeOf } from '../../errors.js';
import type { DesiredCluster } from '../../model.js';
import { connectionOptions, timeoutOption } from './timeout-option.js';

export interface AccountsCommandOptions {
  file?: string[];
  output: 'human' | 'json';
  timeout?: number;
}

export function registerAccountsCommand(program: Command): void {
  program
    .command('accounts')
    .description("List each cluster's service accounts and what they may do (cluster, index and application privileges of their role descriptors). Read-only.")
    .argument('[cluster]', 'only this cluster (its name in the manifest); a first argument that is a file or folder counts as a manifest path')
    .argument('[paths...]', 'manifest files or folders (default: ./escred.yaml)')
    .option('-f, --file <paths...>', 'manifest files or folders (default: ./escred.yaml)')
    .option('--output <format>', 'human or json', 'human')
    .addOption(timeoutOption())
    .addHelpText('after', '\nNeeds the cluster privileges monitor (GET /) and manage_service_account (or read_security on 8.5+).\nExit codes: 0 success; 1 error (bad manifest, unknown cluster, a cluster that could not be read).')
    .action(async (cluster: string | undefined, paths: string[], options: AccountsCommandOptions) => {
      if (options.output !== 'human' && options.output !== 'json') throw new Error(`--output must be human or json, got '${String(options.output)}'`);
      process.exitCode = await runAccounts(cluster, paths, options);
    });
}

/** `escred accounts`: returns the exit code. Heavy modules are imported here, not at startup. */
export async function runAccounts(clusterArg: string | undefined, paths: string[], options: AccountsCommandOptions): Promise<number> {
  const { reportError, printDiagnostics } = await import('../report-error.js');
  const { writeOut } = await import('../terminal.js');
  const cwd = process.cwd();
  // `escred accounts ./manifests` means a path, not a cluster named "./manifests".
  const isPath = clusterArg !== undefined && (/\.ya?ml$/i.test(clusterArg) || existsSync(path.resolve(cwd, clusterArg)));
  const wanted = isPath ? undefined : clusterArg;
  const manifestArgs = [...(isPath && clusterArg ? [clusterArg] : []), ...paths, ...(options.file ?? [])];
  try {
    const { loadDesired } = await import('../../reconcile/load-desired.js');
    const { desired, diagnostics } = await loadDesired(manifestArgs, cwd);
    printDiagnostics(diagnostics);
    const clusters = selectClusters(desired.clusters, wanted);
    const results = await Promise.all(clusters.map((c) => readClusterAccounts(c, options)));
    const failures = results.filter((r): r is { error: unknown } => 'error' in r);
    const listed = results.filter((r): r is ClusterAccounts => !('error' in r));
    if (options.output === 'json') {
      const errors = failures.map((f) => errorJson(f.error));
      writeOut(JSON.stringify({ formatVersion: 1, clusters: listed, errors }, null, 2));
    } else {
      const { renderAccounts } = await import('../../cluster/account-summary.js');
      if (listed.length > 0) writeOut(renderAccounts(listed));
    }
    for (const failure of failures) reportError(failure.error);
    return failures.length > 0 ? 1 : 0;
  } catch (error) {
    reportError(error, { output: options.output });
    return 1;
  }
}

function selectClusters(clusters: DesiredCluster[], wanted: string | undefined): DesiredCluster[] {
  if (wanted === undefined) return clusters;
  const found = clusters.filter((c) => c.name === wanted);
  if (found.length === 0) {
    throw new Error(`no cluster named '${wanted}' in the manifest; it has: ${clusters.map((c) => c.name).join(', ') || 'none'}`);
  }
  return found;
}

async function readClusterAccounts(cluster: DesiredCluster, options: AccountsCommandOptions): Promise<ClusterAccounts | { error: unknown }> {
  const { createClusterConnection } = await import('../../cluster/cluster-connection.js');
  const { checkClusterInfo } = await import('../../cluster/check-cluster-info.js');
  const { summarizeAccounts, summarizeUserManaged } = await import('../../cluster/account-summary.js');
  let connection: ReturnType<typeof createClusterConnection> | undefined;
  try {
    connection = createClusterConnection(cluster, connectionOptions(options));
    const info = await connection.info();
    checkClusterInfo(cluster, info);
    const accounts = await connection.getServiceAccounts();
    const declared = new Set(cluster.serviceAccounts.map((a) => a.principal));
    const { supportsUserManagedAccounts } = await import('../../cluster/user-account-calls.js');
    const { listUserManagedAccounts } = await import('../../cluster/query-user-accounts.js');
    const userManaged = (await supportsUserManagedAccounts(connection)) ? await listUserManagedAccounts(connection) : [];
    return { cluster: cluster.name, clusterName: info.clusterName, version: info.version,
      accounts: [...summarizeAccounts(accounts, declared), ...summarizeUserManaged(userManaged, declared)] };
  } catch (error) {
    return { error };
  } finally {
    await connection?.close();
  }
}

function errorJson(error: unknown): { code: string; message: string } {
  return { code: codeOf(error) ?? ERROR_CODES.unknown, message: error instanceof Error ? error.message : String(error) };
}

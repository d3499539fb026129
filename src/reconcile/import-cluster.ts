import { relative } from 'node:path';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { checkClusterInfo } from '../cluster/check-cluster-info.js';
import { listUserManagedAccounts } from '../cluster/query-user-accounts.js';
import { supportsUserManagedAccounts } from '../cluster/user-account-calls.js';
import type { AuthConfig, DesiredCluster, DesiredState, ObservedAccount, ObservedUserManagedAccount, SecretRef } from '../model.js';
import { mapConcurrent } from '../support/map-concurrent.js';

export interface ImportedCluster {
  clusterUuid: string;
  version: string;
  /** the manifest, as plain data ready for YAML */
  manifest: Record<string, unknown>;
  /** the user-managed accounts as the cluster reported them (attribution included), for the comments of the YAML */
  userManaged: ObservedUserManagedAccount[];
}

/**
 * `escred import`: what a live cluster has, as a manifest that adopts it without deleting
 * anything (prune none, no owns): every index token declared, every file token on the nodes that
 * have it, every user-managed account (9.6+) with its roles, enabled flag and description. The cluster's UUID is pinned, so the manifest cannot be pointed at another cluster.
 */
export async function importCluster(
  desired: DesiredState,
  cluster: DesiredCluster,
  connection: ClusterConnection,
  options: { relativeTo: string },
): Promise<ImportedCluster> {
  const info = await connection.info();
  checkClusterInfo(cluster, info);
  const userManaged = (await supportsUserManagedAccounts(connection)) ? await listUserManagedAccounts(connection) : [];
  const specs = new Map(userManaged.map((a) => [a.principal, a]));
  const principals = [...Object.keys(await connection.getServiceAccounts()), ...specs.keys()].sort();
  const accounts = await mapConcurrent(principals, 8, (principal) => connection.getCredentials(principal));
  const hasFileTokens = accounts.some((a) => Object.keys(a.fileTokens).length > 0);
  const nodeCount = hasFileTokens ? (await connection.listNodes()).length : 0;
  const serviceAccounts: Record<string, unknown> = {};
  for (const account of accounts) {
    const spec = specs.get(account.principal);
    // a user-managed account is adopted even without tokens: the account itself is what it declares
    const entry = importedAccount(account, nodeCount) ?? (spec ? { prune: 'none' } : undefined);
    const description = spec?.description === undefined ? {} : { description: spec.description };
    if (entry) serviceAccounts[account.principal] = spec ? { roles: spec.roles, enabled: spec.isEnabled, ...description, ...entry } : entry;
  }
  const path = (p: string) => relative(options.relativeTo, p) || '.';
  const manifest = {
    apiVersion: 'escred/v1',
    secrets: desired.secrets.kind === 'directory' ? { directory: path(desired.secrets.directory) } : { exec: desired.secrets.command },
    clusters: [{
      name: cluster.name,
      ...(cluster.urls.length === 1 ? { url: cluster.urls[0] } : { urls: cluster.urls }),
      clusterUuid: info.clusterUuid,
      maxDeletions: cluster.maxDeletions,
      auth: importedAuth(cluster.auth, path),
      tls: cluster.tls.isInsecure ? { insecure: true }
        : cluster.tls.caFingerprint ? { caFingerprint: cluster.tls.caFingerprint }
          : cluster.tls.caFile ? { caFile: path(cluster.tls.caFile) } : undefined,
      serviceAccounts,
    }],
  };
  return { clusterUuid: info.clusterUuid, version: info.version, manifest: JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>, userManaged };
}

function importedAccount(account: ObservedAccount, nodeCount: number): Record<string, unknown> | undefined {
  const fileTokens = Object.entries(account.fileTokens).sort(([a], [b]) => a.localeCompare(b)).map(([name, nodes]) => ({
    name,
    // on every node -> '*'; a node that failed to answer cannot be told apart, so list what was seen
    nodes: nodeCount > 0 && nodes.length === nodeCount && account.nodes.failed === 0 ? ['*'] : [...nodes].sort(),
  }));
  const tokens = [...account.indexTokens].sort().map((name) => ({ name }));
  if (tokens.length === 0 && fileTokens.length === 0) return undefined;
  return { prune: 'none', ...(tokens.length > 0 ? { tokens } : {}), ...(fileTokens.length > 0 ? { fileTokens } : {}) };
}

function importedAuth(auth: AuthConfig, path: (p: string) => string): Record<string, unknown> {
  const ref = (secret: SecretRef) => ('env' in secret ? { env: secret.env } : { file: path(secret.file) });
  switch (auth.kind) {
    case 'apiKey': return { apiKey: ref(auth.apiKey) };
    case 'bearer': return { bearer: ref(auth.token) };
    case 'basic': return { basic: { username: auth.username, password: ref(auth.password) } };
  }
}

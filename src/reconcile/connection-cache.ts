import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildAuthHeader } from '../cluster/auth-header.js';
import { createClusterConnection, type ClusterConnection, type ClusterConnectionOptions } from '../cluster/cluster-connection.js';
import type { DesiredCluster } from '../model.js';

/**
 * Connections kept across the passes of a long-running daemon: one TLS pool per cluster instead
 * of a new agent and handshake every pass. A connection is replaced as soon as anything it was
 * made from changes: the URLs, the TLS settings or CA file, or the credentials (an API key file
 * rotated by a secret manager is picked up at the next pass).
 */
export class ConnectionCache {
  private readonly entries = new Map<string, { identity: string; connection: ClusterConnection }>();

  constructor(private readonly options: ClusterConnectionOptions = {}) {}

  get(cluster: DesiredCluster): ClusterConnection {
    const identity = this.identityOf(cluster);
    const entry = this.entries.get(cluster.name);
    if (entry?.identity === identity) return entry.connection;
    void entry?.connection.close();
    const connection = createClusterConnection(cluster, this.options);
    this.entries.set(cluster.name, { identity, connection });
    return connection;
  }

  /** closes the connections of clusters the manifest no longer declares */
  async retain(clusterNames: ReadonlySet<string>): Promise<void> {
    const gone = [...this.entries].filter(([name]) => !clusterNames.has(name));
    for (const [name] of gone) this.entries.delete(name);
    await Promise.allSettled(gone.map(([, entry]) => entry.connection.close()));
  }

  async close(): Promise<void> {
    await this.retain(new Set());
  }

  private identityOf(cluster: DesiredCluster): string {
    const hash = createHash('sha256');
    hash.update(JSON.stringify({ urls: cluster.urls, tls: cluster.tls, auth: cluster.auth, timeoutMs: cluster.timeoutMs }));
    // resolved now, so a missing variable fails this pass exactly as a fresh connection would
    hash.update(buildAuthHeader(cluster.auth, { env: this.options.env ?? process.env, clusterName: cluster.name }));
    if (cluster.tls.caFile !== undefined) hash.update(readFileOrEmpty(cluster.tls.caFile));
    return hash.digest('hex');
  }
}

function readFileOrEmpty(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    return Buffer.alloc(0); // createClusterConnection reports the unreadable CA file with its own message
  }
}

import { dirname, join, resolve } from 'node:path';
import { ApplyJournal } from '../apply/apply-journal.js';
import type { IntentJournal } from '../apply/apply-ports.js';
import { createSecretSink } from '../apply/create-secret-sink.js';
import type { SecretSink } from '../sinks/secret-sink.js';
import { createClusterConnection, type ClusterConnection, type ClusterConnectionOptions } from '../cluster/cluster-connection.js';
import type { Diagnostic } from '../manifest/diagnostic.js';
import type { DesiredState, ObservedCluster } from '../model.js';
import { digestOf } from '../plan/plan-file.js';
import type { ConnectionCache } from './connection-cache.js';
import { loadDesired } from './load-desired.js';
import { scopeDesired, type PlanScope } from './plan-scope.js';

export interface PassOptions {
  /** manifest files or folders; empty = ./escred.yaml */
  manifestArgs: readonly string[];
  cwd: string;
  /** journal and audit log; default `<folder of the first manifest file>/.escred` */
  stateDir?: string;
  /** apply checks that the sink can take secrets before the first cluster call */
  isApplying: boolean;
  connection?: ClusterConnectionOptions;
  /** a daemon's connections, kept across passes; without it each pass opens and closes its own */
  connectionCache?: ConnectionCache;
  /** --cluster / --account: only this part of the manifest is opened, planned and applied */
  scope?: PlanScope;
}

/** Everything one reconcile pass works with, opened in the order that fails before any write. */
export interface Pass {
  /** the manifest, narrowed to the scope when there is one */
  desired: DesiredState;
  scope?: PlanScope;
  /** warnings from the manifest (errors never get this far) */
  diagnostics: Diagnostic[];
  /** what a saved plan was made from: the manifest's meaning, not its comments or layout */
  manifestDigest: string;
  stateDir: string;
  sink: SecretSink;
  /** the local journal; holdPassLeases puts a LeasedJournal here (issue 15) */
  journal: IntentJournal;
  /**
   * A pass that holds no lease (plan, report-only watch) reads the intents kept in the leases of the
   * clusters it observed (issue 21): keys as pendingKeys gives them. Set by READ_LEASE_INTENTS.
   */
  leaseIntents?: (observed: readonly ObservedCluster[]) => Promise<ReadonlySet<string>>;
  connections: Map<string, ClusterConnection>;
  close(): Promise<void>;
}

/**
 * Opens a pass: manifest, then secret sink (checked only when applying), journal, and one
 * connection per cluster (auth secrets resolved now, so a missing env var fails before any call).
 */
export async function openPass(options: PassOptions): Promise<Pass> {
  const loaded = await loadDesired(options.manifestArgs, options.cwd);
  const { diagnostics } = loaded;
  const desired = options.scope ? scopeDesired(loaded.desired, options.scope) : loaded.desired;
  const stateDir = options.stateDir ? resolve(options.cwd, options.stateDir) : join(dirname(desired.files[0] ?? join(options.cwd, 'x')), '.escred');
  const sink = createSecretSink(desired.secrets);
  if (options.isApplying) await sink.check();
  const journal = await ApplyJournal.open(join(stateDir, 'journal.json'));
  const cache = options.connectionCache;
  const connections = new Map<string, ClusterConnection>();
  try {
    for (const cluster of desired.clusters) {
      connections.set(cluster.name, cache ? cache.get(cluster) : createClusterConnection(cluster, options.connection));
    }
  } catch (error) {
    if (!cache) await closeAll(connections);
    throw error;
  }
  return {
    desired, diagnostics, stateDir, sink, journal, connections, ...(options.scope ? { scope: options.scope } : {}),
    manifestDigest: manifestDigest(desired),
    close: () => (cache ? cache.retain(new Set(connections.keys())) : closeAll(connections)),
  };
}

export function manifestDigest(desired: DesiredState): string {
  return digestOf(JSON.stringify(desired, (key, value: unknown) => (key === 'source' || key === 'files' ? undefined : value)));
}

async function closeAll(connections: Map<string, ClusterConnection>): Promise<void> {
  await Promise.allSettled([...connections.values()].map((c) => c.close()));
}

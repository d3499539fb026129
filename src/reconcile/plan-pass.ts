import { DEFAULT_CLUSTER_PARALLELISM, observeClusters, type ObservedClusterResult } from '../cluster/observe-cluster.js';
import { SafetyError } from '../errors.js';
import type { ObservedCluster } from '../model.js';
import { buildPlan, unobservedClusterPlan, type ForcedRotation } from '../plan/build-plan.js';
import type { Revocation } from '../plan/plan-revocations.js';
import { withPolicyWarnings } from '../plan/policy-warnings.js';
import { summarize, type ClusterPlan, type Plan } from '../plan/plan-types.js';
import { unsecuredIntents } from '../plan/secured-tokens.js';
import { assertEachClusterOnce } from './cluster-identity.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import type { Pass } from './open-pass.js';
import type { FileTokensTarget } from '../file-tokens/deliver-file-tokens.js';
import { readDeliveredFileTokens } from '../file-tokens/delivered-file-tokens.js';

export interface PlanPassOptions {
  nowMs: number;
  forcedRotations?: readonly ForcedRotation[];
  /** `escred revoke`: plans only these revocations, and the write gate lets only them be deleted */
  revocations?: readonly Revocation[];
  maxDeletionsOverride?: number;
  /** clusters observed at once; default DEFAULT_CLUSTER_PARALLELISM (10) */
  concurrency?: number;
  /** a line for a person when observing is slow ("still observing prod (5 s)..."): the CLI sends it to stderr */
  onProgress?: (line: string) => void;
  /** where file tokens are delivered in this run: rotation counts the generations already in those files */
  fileTokensTarget?: FileTokensTarget;
}

export interface PlannedPass {
  observed: ObservedCluster[];
  plan: Plan;
  /** the planner's clock for this plan: delivery realises rotated file tokens at the same instant */
  nowMs: number;
  /** what the sink held when the plan was made (null: it cannot tell); the write gate reads it */
  sinkKeys?: ReadonlySet<string> | null;
  /** --max-deletions the plan was made with: the write gate holds the same limit */
  maxDeletionsOverride?: number;
  /** the revocations of an `escred revoke`: the write gate's 'revoke' rule reads them */
  revocations?: readonly Revocation[];
}

/** Observe every cluster (one that fails is reported in the plan, not dropped), then plan. */
export async function planPass(pass: Pass, options: PlanPassOptions): Promise<PlannedPass> {
  const sinkKeys = await pass.sink.listKeys();
  if (sinkKeys === null) refuseRotationWithoutListing(pass);
  const results = await observeWithProgress(pass, options.concurrency ?? DEFAULT_CLUSTER_PARALLELISM, options.onProgress);
  const observed = results.flatMap((r) => (r.observed ? [r.observed] : []));
  // one cluster under two names (lease: off, or a pass that took no lease) is refused here, before any write
  assertEachClusterOnce(pass.desired.clusters, (name) => observed.find((o) => o.name === name)?.clusterUuid);
  const leaseIntents = pass.leaseIntents ? await pass.leaseIntents(observed) : new Set<string>();
  const delivered = options.fileTokensTarget ? await readDeliveredFileTokens(pass.desired.clusters, options.fileTokensTarget) : undefined;
  const plan = buildPlan(pass.desired, observed, {
    ...(delivered ? { deliveredFileTokens: delivered } : {}),
    nowMs: options.nowMs,
    // a journal entry left by an interrupted apply: if that token exists, its value is lost
    // intents of a lease (or the local journal) whose value never reached the sink: if that token exists, its value is lost
    unsecuredTokens: unsecuredIntents(new Set([...pass.journal.pendingKeys(), ...leaseIntents]), sinkKeys),
    sinkSecrets: sinkKeys,
    ...(options.forcedRotations ? { forcedRotations: options.forcedRotations } : {}),
    ...(options.revocations ? { revocations: options.revocations } : {}),
    ...(options.maxDeletionsOverride !== undefined ? { maxDeletionsOverride: options.maxDeletionsOverride } : {}),
  });
  const failed: ClusterPlan[] = results.flatMap((r) =>
    r.error ? [unobservedClusterPlan(r.cluster, { code: r.error.code, message: r.error.message, isRetryable: r.error.isRetryable })] : []);
  const order = pass.desired.clusters.map((c) => c.name);
  const planned = withPolicyWarnings(plan.clusters, pass.desired, observed, sinkKeys, options.nowMs);
  const clusters = [...planned, ...failed].sort((a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster));
  return {
    observed, plan: { ...plan, clusters, summary: summarize(clusters), ...(pass.scope ? { scope: pass.scope } : {}) }, nowMs: options.nowMs,
    sinkKeys, ...(options.maxDeletionsOverride !== undefined ? { maxDeletionsOverride: options.maxDeletionsOverride } : {}),
    ...(options.revocations ? { revocations: options.revocations } : {}),
  };
}

/** first line after this, then one every PROGRESS_EVERY_MS: a quick observation stays silent */
const PROGRESS_AFTER_MS = 2_000;
const PROGRESS_EVERY_MS = 5_000;

/** One cluster at a time through observeClusters, so that a slow one can be named while the others are done. */
async function observeWithProgress(pass: Pass, concurrency: number, onProgress?: (line: string) => void): Promise<ObservedClusterResult[]> {
  const pending = new Set<string>();
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const report = (): void => {
    if (pending.size > 0) onProgress?.(`still observing ${[...pending].join(', ')} (${Math.round((Date.now() - started) / 1000)} s)...`);
    timer = setTimeout(report, PROGRESS_EVERY_MS).unref();
  };
  if (onProgress) timer = setTimeout(report, PROGRESS_AFTER_MS).unref();
  try {
    return await mapConcurrent(pass.desired.clusters, concurrency, async (cluster) => {
      pending.add(cluster.name);
      const [result] = await observeClusters({ ...pass.desired, clusters: [cluster] }, pass.connections);
      pending.delete(cluster.name);
      return result!;
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Rotation takes as current the newest generation whose value the sink holds; a sink that cannot
 * list would let a hand-made name that looks like a newer generation win, and escred would retire
 * its own. So rotation needs a sink that lists, and this says so before any cluster call.
 */
function refuseRotationWithoutListing(pass: Pass): void {
  const rotating = pass.desired.clusters.flatMap((cluster) => cluster.serviceAccounts.flatMap((account) =>
    [...account.tokens, ...account.fileTokens].filter((t) => t.rotate).map((t) => `${t.name} of ${account.principal} on ${cluster.name}`)));
  if (rotating.length === 0) return;
  throw new SafetyError('ESCRED_SINK_CANNOT_LIST', `secret sink ${pass.sink.describe()} cannot list the values it holds, and the manifest ` +
    `rotates ${rotating.slice(0, 5).join(', ')}${rotating.length > 5 ? ` and ${rotating.length - 5} more` : ''}: escred takes as current ` +
    'the newest generation whose value the sink holds, and without a list it could take one it did not make. ' +
    'Implement list in the sink (docs/exec-sink-protocol.md) or remove rotate:');
}

import { observeClusters } from '../cluster/observe-cluster.js';
import type { ObservedCluster } from '../model.js';
import { buildPlan, unobservedClusterPlan, type ForcedRotation } from '../plan/build-plan.js';
import { summarize, type ClusterPlan, type Plan } from '../plan/plan-types.js';
import type { Pass } from './open-pass.js';

export interface PlanPassOptions {
  nowMs: number;
  forcedRotations?: readonly ForcedRotation[];
  maxDeletionsOverride?: number;
  /** clusters observed at once */
  concurrency?: number;
}

export interface PlannedPass {
  observed: ObservedCluster[];
  plan: Plan;
  /** the planner's clock for this plan: delivery realises rotated file tokens at the same instant */
  nowMs: number;
}

/** Observe every cluster (one that fails is reported in the plan, not dropped), then plan. */
export async function planPass(pass: Pass, options: PlanPassOptions): Promise<PlannedPass> {
  const results = await observeClusters(pass.desired, pass.connections, { concurrency: options.concurrency ?? 4 });
  const observed = results.flatMap((r) => (r.observed ? [r.observed] : []));
  const sinkKeys = await pass.sink.listKeys();
  const plan = buildPlan(pass.desired, observed, {
    nowMs: options.nowMs,
    // a journal entry left by an interrupted apply: if that token exists, its value is lost
    unsecuredTokens: pass.journal.pendingKeys(),
    sinkSecrets: sinkKeys,
    ...(options.forcedRotations ? { forcedRotations: options.forcedRotations } : {}),
    ...(options.maxDeletionsOverride !== undefined ? { maxDeletionsOverride: options.maxDeletionsOverride } : {}),
  });
  const failed: ClusterPlan[] = results.flatMap((r) =>
    r.error ? [unobservedClusterPlan(r.cluster, { code: r.error.code, message: r.error.message, isRetryable: r.error.isRetryable })] : []);
  const order = pass.desired.clusters.map((c) => c.name);
  const clusters = [...plan.clusters, ...failed].sort((a, b) => order.indexOf(a.cluster) - order.indexOf(b.cluster));
  return { observed, plan: { ...plan, clusters, summary: summarize(clusters) }, nowMs: options.nowMs };
}

import type { DesiredState, ObservedCluster } from '../model.js';
import { buildReport } from './build-report.js';
import type { ClusterPlan } from './plan-types.js';

/**
 * The manifest policy's violations as plan warnings (issue 23 §3: plan warns about them), found by
 * the same rules as `escred report`; ages here come from generation names only (escred's records of
 * creation are read by report, not by every plan).
 */
export function withPolicyWarnings(clusters: ClusterPlan[], desired: DesiredState, observed: readonly ObservedCluster[],
  sinkKeys: ReadonlySet<string> | null, nowMs: number): ClusterPlan[] {
  if (!desired.clusters.some((c) => c.policy)) return clusters;
  const report = buildReport({ desired, observed, errors: new Map(), sinkKeys, created: new Map(), nowMs });
  return clusters.map((cluster) => {
    const found = report.tokens.filter((t) => t.cluster === cluster.cluster && t.violations.length > 0);
    if (found.length === 0) return cluster;
    const warnings = found.flatMap((t) => t.violations.map((v) => ({ principal: t.account, token: t.token, code: 'ESCRED_POLICY_VIOLATION' as const,
      message: `policy: ${t.token} breaks ${v} (escred report --fail-on violations fails on it)` })));
    return { ...cluster, warnings: [...cluster.warnings, ...warnings] };
  });
}

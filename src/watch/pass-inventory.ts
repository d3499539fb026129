/**
 * escred report's inventory as a watch pass leaves the clusters (issue 23 §4): the pass's
 * observation with the change set's creates and deletes played over it, so the per-token metrics
 * and the overdue notification show the state after --apply, without another request (ages come
 * from generation names only).
 */
import type { ChangeSet } from '../apply/change-set.js';
import type { DesiredState, ObservedCluster } from '../model.js';
import { buildReport } from '../plan/build-report.js';
import type { Report } from '../plan/report-types.js';
import { securedKey } from '../plan/secured-tokens.js';
import type { PlannedPass } from '../reconcile/plan-pass.js';
import type { OverdueToken } from './notify-events.js';

export function inventoryAfter(desired: DesiredState, planned: PlannedPass, changeSet: ChangeSet | undefined, nowMs: number): Report {
  const errors = new Map(planned.plan.clusters.flatMap((c) => (c.error ? [[c.cluster, c.error] as const] : [])));
  const sinkKeys = planned.sinkKeys ? new Set(planned.sinkKeys) : null;
  const observed = planned.observed.map((cluster) => afterChanges(cluster, changeSet, sinkKeys));
  return buildReport({ desired, observed, errors, sinkKeys, created: new Map(), nowMs });
}

export function overdueTokens(report: Report): OverdueToken[] {
  return report.tokens.filter((t) => t.isOverdue && t.nextRotationDue)
    .map((t) => ({ cluster: t.cluster, account: t.account, token: t.token, due: t.nextRotationDue! }));
}

/** `sinkKeys` gains the values stored by this pass's creates (their values went to the sink first). */
function afterChanges(cluster: ObservedCluster, changeSet: ChangeSet | undefined, sinkKeys: Set<string> | null): ObservedCluster {
  const entries = (changeSet?.entries ?? []).filter((e) => e.cluster === cluster.name && e.token !== '');
  if (entries.length === 0) return cluster;
  const serviceAccounts = cluster.serviceAccounts.map((account) => {
    const names = new Set(account.indexTokens);
    for (const entry of entries.filter((e) => e.principal === account.principal)) {
      if (entry.outcome === 'created' || entry.outcome === 'replaced') {
        names.add(entry.token);
        sinkKeys?.add(securedKey(cluster.name, entry.principal, entry.token));
      } else if (entry.outcome === 'deleted' || entry.outcome === 'already-absent') {
        names.delete(entry.token);
      }
    }
    return { ...account, indexTokens: [...names].sort() };
  });
  return { ...cluster, serviceAccounts };
}

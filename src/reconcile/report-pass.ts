/**
 * `escred report`'s reading side: the pass observes as a plan does (no lease, nothing written),
 * then reads escred's records of when it created each token (next to the lease, in the cluster).
 */
import { readTokenRecords, tokenRecordsPlace } from '../lease/token-records.js';
import { buildReport } from '../plan/build-report.js';
import type { ClusterPlanError } from '../plan/plan-types.js';
import type { Report } from '../plan/report-types.js';
import type { Pass } from './open-pass.js';
import { planPass } from './plan-pass.js';

export async function reportPass(pass: Pass, options: { nowMs: number; onProgress?: (line: string) => void }): Promise<Report> {
  const planned = await planPass(pass, { nowMs: options.nowMs, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const errors = new Map<string, ClusterPlanError>(planned.plan.clusters.flatMap((c) => (c.error ? [[c.cluster, c.error] as const] : [])));
  const created = new Map<string, Map<string, string>>();
  await Promise.all(planned.observed.map(async (observed) => {
    const desired = pass.desired.clusters.find((c) => c.name === observed.name);
    const place = desired ? tokenRecordsPlace(desired.lease, observed.clusterUuid) : undefined;
    const connection = pass.connections.get(observed.name);
    if (!place || !connection) return;
    // a record that cannot be read leaves those ages "unknown"; it is no reason to withhold the inventory
    const records = await readTokenRecords(connection, place).catch(() => []);
    created.set(observed.name, new Map(records.map((r) => [`${r.principal}/${r.token}`, r.createdAt])));
  }));
  return buildReport({ desired: pass.desired, observed: planned.observed, errors, sinkKeys: planned.sinkKeys ?? null, created, nowMs: options.nowMs });
}

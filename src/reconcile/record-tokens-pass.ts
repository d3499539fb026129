/**
 * After the writes of a pass: the record of when escred created each token (src/lease/token-records.ts),
 * updated once per cluster with what the change set says was created, replaced or deleted. Best
 * effort: the tokens are made and their values stored by then, so a record that cannot be written
 * never fails the apply; the report then says "unknown" for that token's age.
 */
import type { ChangeSet } from '../apply/change-set.js';
import { tokenRecordsPlace, updateTokenRecords, type TokenRecordChanges } from '../lease/token-records.js';
import type { Plan } from '../plan/plan-types.js';
import type { Pass } from './open-pass.js';

export async function recordTokenChanges(pass: Pass, plan: Plan, changeSet: ChangeSet, now: Date): Promise<void> {
  await Promise.all(plan.clusters.map(async (cluster) => {
    const desired = pass.desired.clusters.find((c) => c.name === cluster.cluster);
    const place = desired ? tokenRecordsPlace(desired.lease, cluster.clusterUuid) : undefined;
    const connection = pass.connections.get(cluster.cluster);
    if (!place || !connection) return;
    const changes: TokenRecordChanges = { created: [], deleted: [] };
    for (const entry of changeSet.entries) {
      if (entry.cluster !== cluster.cluster || entry.token === '') continue;
      const key = { principal: entry.principal, token: entry.token };
      if (entry.outcome === 'created' || entry.outcome === 'replaced') changes.created.push(key);
      else if (entry.outcome === 'deleted' || entry.outcome === 'already-absent') changes.deleted.push(key);
    }
    await updateTokenRecords(connection, place, changes, now).catch(() => undefined);
  }));
}

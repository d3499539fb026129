/**
 * Spreads cluster leases over the live replicas (issue 15): each replica holds at most its fair
 * share, ceil(clusters / live replicas), releases what it holds above that (a released lease is
 * free at once) and takes free or abandoned ones up to it. Run once per pass, after the beat.
 * With 12 clusters and 3 live replicas each ends up with 4; when one dies the other two reach 6
 * once its leases and its membership have been seen unrenewed for the lease duration: a replica
 * at its share keeps watching the leases it does not hold, so both clocks run from the death on.
 */
import { createHash } from 'node:crypto';
import { LeaseHeldError, LeaseLostError } from './lease-errors.js';
import type { LeaseManager } from './lease-manager.js';
import type { LeaseRecord } from './lease-record.js';

export interface BalanceResult {
  held: string[];
  acquired: string[];
  released: string[];
  lost: string[];
  /** a cluster whose lease could not be checked this pass (no answer, refused...) */
  failed: Array<{ cluster: string; error: unknown }>;
  /** a cluster whose lease another holder has, live (a replica of this fleet, or a second writer: the caller tells them apart by record.fleet) */
  heldElsewhere: Array<{ cluster: string; holder: LeaseRecord }>;
}

export function fairShare(clusters: number, liveReplicas: number): number {
  return Math.ceil(clusters / Math.max(1, liveReplicas));
}

type Lease = Pick<LeaseManager, 'holderId' | 'isHeld' | 'renew' | 'release' | 'acquire' | 'observe' | 'heldIntents' | 'unchangedForMs'>;

/** A per-replica order, so that replicas starting together do not all reach for the same cluster first. */
function orderFor(holderId: string, clusters: string[]): string[] {
  const rank = (cluster: string) => createHash('sha256').update(`${holderId}\u0000${cluster}`).digest('hex');
  return [...clusters].sort((a, b) => (rank(a) < rank(b) ? -1 : 1));
}

export async function balanceLeases(leases: ReadonlyMap<string, Lease>, liveReplicas: number): Promise<BalanceResult> {
  const result: BalanceResult = { held: [], acquired: [], released: [], lost: [], failed: [], heldElsewhere: [] };
  const share = fairShare(leases.size, liveReplicas);
  for (const [cluster, lease] of leases) {
    if (!lease.isHeld()) continue;
    try {
      await lease.renew();
      result.held.push(cluster);
    } catch (error) {
      if (error instanceof LeaseLostError) result.lost.push(cluster);
      else result.failed.push({ cluster, error });
    }
  }
  // above the share: give up first the leases without pending intents, then the rest
  const surplus = [...result.held].sort((a, b) => leases.get(a)!.heldIntents().length - leases.get(b)!.heldIntents().length).slice(0, Math.max(0, result.held.length - share));
  for (const cluster of surplus) {
    await leases.get(cluster)!.release();
    result.released.push(cluster);
    result.held.splice(result.held.indexOf(cluster), 1);
  }
  const holderId = leases.values().next().value?.holderId ?? '';
  for (const cluster of orderFor(holderId, [...leases.keys()])) {
    const lease = leases.get(cluster)!;
    if (lease.isHeld() || result.released.includes(cluster)) continue;
    try {
      // at its share a replica still watches the others' leases, so that it can take over on time
      if (result.held.length >= share) {
        const record = await lease.observe();
        const isLive = record !== undefined && record.releasedAt === null && lease.unchangedForMs() < record.leaseDurationMs;
        if (isLive) result.heldElsewhere.push({ cluster, holder: record });
        continue;
      }
      await lease.acquire({ wait: 0 });
      result.held.push(cluster);
      result.acquired.push(cluster);
    } catch (error) {
      if (error instanceof LeaseHeldError) result.heldElsewhere.push({ cluster, holder: error.holder });
      else result.failed.push({ cluster, error });
    }
  }
  return result;
}

/**
 * Which declared clusters the fleet is reconciling (issue 21: nothing unreconciled reads as
 * success). A cluster counts as covered while this replica holds its lease or a live replica of the
 * same fleet does; one that nobody of the fleet has held for longer than its lease duration plus a
 * pass is unreconciled: held by a second writer (another fleet, a CLI run, an older escred), or not
 * held at all. Time is this process's monotonic clock, as for the leases.
 */
import { describeHolding, type LeaseRecord } from '../lease/lease-record.js';

export interface Unreconciled {
  cluster: string;
  /** a sentence for /readyz, logs and notifications */
  detail: string;
}

interface Coverage {
  /** when the fleet was last seen holding it; undefined: not since it was tracked */
  lastCoveredMs?: number;
  trackedAtMs: number;
  leaseDurationMs: number;
  /** the other writer seen holding it, when that is why */
  heldBy?: LeaseRecord;
}

export class FleetCoverage {
  private readonly clusters = new Map<string, Coverage>();
  private passAllowanceMs = 0;

  /** isImmediate (`watch --once`): no replica will come back to it, so a cluster not held now is unreconciled now */
  constructor(private readonly fleet: () => string, private readonly isImmediate = false) {}

  /** Follows the manifest: a new cluster starts covered now (it gets its lease duration plus a pass). */
  track(cluster: string, leaseDurationMs: number, nowMs: number): void {
    const known = this.clusters.get(cluster);
    if (known) known.leaseDurationMs = leaseDurationMs;
    else this.clusters.set(cluster, { trackedAtMs: nowMs, leaseDurationMs });
  }

  /** a cluster that left the manifest is nobody's to reconcile */
  retain(clusters: ReadonlySet<string>): void {
    for (const cluster of [...this.clusters.keys()]) if (!clusters.has(cluster)) this.clusters.delete(cluster);
  }

  clear(): void {
    this.clusters.clear();
  }

  /** the longest pass lately (at least the tick period): how long a cluster just taken may wait for its pass */
  allowPass(ms: number): void {
    this.passAllowanceMs = ms;
  }

  covered(cluster: string, nowMs: number): void {
    const entry = this.clusters.get(cluster);
    if (!entry) return;
    entry.lastCoveredMs = nowMs;
    delete entry.heldBy;
  }

  /** Another holder has the lease, live: a replica of this fleet covers it; anyone else is a second writer. */
  heldElsewhere(cluster: string, holder: LeaseRecord, nowMs: number): void {
    const entry = this.clusters.get(cluster);
    if (!entry) return;
    if (holder.fleet === this.fleet()) this.covered(cluster, nowMs);
    else entry.heldBy = holder;
  }

  unreconciled(nowMs: number): Unreconciled[] {
    const isUnheld = (c: Coverage) => (this.isImmediate
      ? c.lastCoveredMs === undefined || c.heldBy !== undefined
      : nowMs - (c.lastCoveredMs ?? c.trackedAtMs) > c.leaseDurationMs + this.passAllowanceMs);
    return [...this.clusters].filter(([, c]) => isUnheld(c)).map(([cluster, c]) => {
      const why = c.heldBy
        ? `held by a second writer, ${c.heldBy.holderId} (host ${c.heldBy.host}, pid ${c.heldBy.pid}) ${describeHolding(c.heldBy)}`
        : 'its lease is not held';
      // no running count in the sentence: the same state must read the same, so that --notify sends it once
      const duration = `${Math.round(c.leaseDurationMs / 100) / 10} s`;
      const how = this.isImmediate ? 'this run could not take its lease' : `no replica of fleet ${this.fleet()} has held its lease for longer than its duration (${duration}) plus a pass`;
      return { cluster, detail: `cluster ${cluster}: ${how}: ${why}` };
    }).sort((a, b) => (a.cluster < b.cluster ? -1 : 1));
  }
}

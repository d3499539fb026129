/**
 * Leases written by escred before issue 21 are keyed by the manifest's cluster name, not by the
 * cluster's UUID. On its first acquire of a cluster, a LeaseManager looks once at the document under
 * that name: held and renewed, it blocks like any holder (an older escred is still writing there);
 * released, or seen unrenewed for its duration by this process's clock (the takeover rule), its
 * pending intents are carried into the cluster's lease and the old document is deleted (CAS), so a
 * value an older run never stored is still replaced. Absent: nothing to do, and never read again.
 */
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import type { DocumentVersion } from '../cluster/document-calls.js';
import type { LeaseClock } from './lease-clock.js';
import { LeaseDocument, type VersionedRecord } from './lease-document.js';
import type { LeaseWhere } from './lease-errors.js';
import { intentKey, type LeaseRecord, type PendingIntent } from './lease-record.js';

export type LegacyVerdict = { kind: 'none' } | { kind: 'blocked'; holder: LeaseRecord } | { kind: 'carry'; legacy: VersionedRecord };

export class LegacyLease {
  readonly where: LeaseWhere;
  private readonly document: LeaseDocument;
  private isRetired = false;
  private observed: { version: DocumentVersion; sinceMs: number } | undefined;

  constructor(connection: Pick<ClusterConnection, 'clusterName' | 'send'>, where: LeaseWhere, holderId: string, private readonly clock: LeaseClock) {
    this.where = where;
    this.document = new LeaseDocument(connection, where, holderId);
  }

  /** What the old document says now; 'none' once it is gone (then no more reads). */
  async look(): Promise<LegacyVerdict> {
    if (this.isRetired) return { kind: 'none' };
    const current = await this.document.read();
    if (!current) {
      this.isRetired = true;
      return { kind: 'none' };
    }
    const nowMs = this.clock.monotonicMs();
    const { version, record } = current;
    if (!this.observed || this.observed.version.seqNo !== version.seqNo || this.observed.version.primaryTerm !== version.primaryTerm) {
      this.observed = { version, sinceMs: nowMs };
    }
    const isLive = record.releasedAt === null && nowMs - this.observed.sinceMs < record.leaseDurationMs;
    return isLive ? { kind: 'blocked', holder: record } : { kind: 'carry', legacy: current };
  }

  /** Deletes the old document (only the version whose intents were carried over). */
  async retire(legacy: VersionedRecord): Promise<void> {
    await this.document.delete(legacy.version);
    this.isRetired = true;
  }
}

/** The intents of both records, one per token. */
export function mergeIntents(mine: readonly PendingIntent[], carried: readonly PendingIntent[]): PendingIntent[] {
  const seen = new Set(mine.map(intentKey));
  return [...mine, ...carried.filter((i) => !seen.has(intentKey(i)))];
}

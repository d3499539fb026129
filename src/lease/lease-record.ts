/**
 * The lease document escred keeps in each cluster it writes (issue 15), and its parsing. Times in
 * the record are the holder's wall clock, for people reading it; no decision depends on them
 * (takeover is judged on the contender's own monotonic clock, see lease-manager.ts).
 */
import { isRecord } from '../cluster/elasticsearch-error.js';

/** A create call that may have happened with its value not yet in the sink (the apply journal's intents). */
export interface PendingIntent {
  cluster: string;
  principal: string;
  token: string;
  /** holder's wall clock when the intent was written (ISO 8601) */
  since: string;
}

export interface LeaseRecord {
  formatVersion: 1;
  /** '' once released */
  holderId: string;
  host: string;
  pid: number;
  acquiredAt: string;
  renewedAt: string;
  /** how long the holder may go without renewing before a contender that watched it may take over */
  leaseDurationMs: number;
  /** released cleanly (ISO time): anyone may take the lease at once; the intents stay */
  releasedAt: string | null;
  /** random per write: lets a writer recognise its own write when the answer was lost and the call re-sent */
  writeId: string;
  intents: PendingIntent[];
  /** the holder's manifest name for the cluster (issue 21: the lease is the cluster's, whatever a manifest calls it); for messages */
  clusterName?: string;
  /** the holder's fleet (watch replicas sharing work); '' for a CLI run; absent in records of escred before issue 21 */
  fleet?: string;
}

/**
 * One intent per token in a record: a lease is one cluster's, whatever name the manifest that wrote
 * the intent gave it (its `cluster` field says which, for people), so the name is not part of the key.
 */
export function intentKey(intent: Pick<PendingIntent, 'principal' | 'token'>): string {
  return `${intent.principal}\u0000${intent.token}`;
}

function isIntent(value: unknown): value is PendingIntent {
  return isRecord(value) && typeof value.cluster === 'string' && typeof value.principal === 'string' && typeof value.token === 'string' && typeof value.since === 'string';
}

/** The record, or a sentence saying what is wrong with the document (someone else's document under escred's id). */
export function parseLeaseRecord(source: unknown): LeaseRecord | string {
  if (!isRecord(source)) return 'not a JSON object';
  if (source.formatVersion !== 1) return `formatVersion ${JSON.stringify(source.formatVersion)} is not 1`;
  const { holderId, host, pid, acquiredAt, renewedAt, leaseDurationMs, releasedAt, writeId, intents, clusterName, fleet } = source;
  if (typeof holderId !== 'string' || typeof host !== 'string' || typeof pid !== 'number') return 'no holderId, host and pid';
  if (typeof acquiredAt !== 'string' || typeof renewedAt !== 'string' || typeof writeId !== 'string') return 'no acquiredAt, renewedAt and writeId';
  if (typeof leaseDurationMs !== 'number' || !(leaseDurationMs > 0)) return 'leaseDurationMs is not a positive number';
  if (releasedAt !== null && typeof releasedAt !== 'string') return 'releasedAt is neither null nor a time';
  if (!Array.isArray(intents) || !intents.every(isIntent)) return 'intents is not a list of {cluster, principal, token, since}';
  if (clusterName !== undefined && typeof clusterName !== 'string') return 'clusterName is not a string';
  if (fleet !== undefined && typeof fleet !== 'string') return 'fleet is not a string';
  return {
    formatVersion: 1, holderId, host, pid, acquiredAt, renewedAt, leaseDurationMs, releasedAt, writeId,
    intents: intents.map((i) => ({ cluster: i.cluster, principal: i.principal, token: i.token, since: i.since })),
    ...(clusterName !== undefined ? { clusterName } : {}), ...(fleet !== undefined ? { fleet } : {}),
  };
}

/** "as cluster wc of fleet f1" / "as cluster wc (a CLI run)": who holds a lease, in the holder's own words */
export function describeHolding(record: Pick<LeaseRecord, 'clusterName' | 'fleet'>): string {
  const name = record.clusterName ? `as cluster ${record.clusterName}` : 'under its manifest name';
  if (record.fleet === undefined) return `${name} (an escred from before fleets)`;
  return record.fleet === '' ? `${name} (a CLI run)` : `${name} of fleet ${record.fleet}`;
}

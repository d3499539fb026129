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
}

export function intentKey(intent: Pick<PendingIntent, 'cluster' | 'principal' | 'token'>): string {
  return `${intent.cluster}\u0000${intent.principal}\u0000${intent.token}`;
}

function isIntent(value: unknown): value is PendingIntent {
  return isRecord(value) && typeof value.cluster === 'string' && typeof value.principal === 'string' && typeof value.token === 'string' && typeof value.since === 'string';
}

/** The record, or a sentence saying what is wrong with the document (someone else's document under escred's id). */
export function parseLeaseRecord(source: unknown): LeaseRecord | string {
  if (!isRecord(source)) return 'not a JSON object';
  if (source.formatVersion !== 1) return `formatVersion ${JSON.stringify(source.formatVersion)} is not 1`;
  const { holderId, host, pid, acquiredAt, renewedAt, leaseDurationMs, releasedAt, writeId, intents } = source;
  if (typeof holderId !== 'string' || typeof host !== 'string' || typeof pid !== 'number') return 'no holderId, host and pid';
  if (typeof acquiredAt !== 'string' || typeof renewedAt !== 'string' || typeof writeId !== 'string') return 'no acquiredAt, renewedAt and writeId';
  if (typeof leaseDurationMs !== 'number' || !(leaseDurationMs > 0)) return 'leaseDurationMs is not a positive number';
  if (releasedAt !== null && typeof releasedAt !== 'string') return 'releasedAt is neither null nor a time';
  if (!Array.isArray(intents) || !intents.every(isIntent)) return 'intents is not a list of {cluster, principal, token, since}';
  return { formatVersion: 1, holderId, host, pid, acquiredAt, renewedAt, leaseDurationMs, releasedAt, writeId, intents: intents.map((i) => ({ cluster: i.cluster, principal: i.principal, token: i.token, since: i.since })) };
}

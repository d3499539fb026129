/**
 * One writer per cluster (issue 15): a lease document in an index of the cluster itself, written
 * only with Elasticsearch's optimistic concurrency. Acquire = create (op_type=create); renew,
 * take over, intents and release = compare-and-set on (_seq_no, _primary_term).
 *
 * Takeover never trusts another machine's clock. As client-go's leader election does
 * (k8s.io/client-go/tools/leaderelection/leaderelection.go: setObservedRecord stamps observedTime
 * with the local clock whenever the record changes; isLeaseValid is observedTime + the record's
 * LeaseDurationSeconds > now; "a client needs to wait a full LeaseDuration without observing a
 * change to the record before it can attempt to take over"), a contender takes the lease only
 * after it has seen the same record (same _seq_no and _primary_term) for the record's
 * leaseDurationMs on its own monotonic clock. The CAS write makes the takeover itself atomic.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import type { DocumentVersion } from '../cluster/document-calls.js';
import { SYSTEM_CLOCK, type LeaseClock } from './lease-clock.js';
import { LeaseDocument, newWriteId, type VersionedRecord } from './lease-document.js';
import { LeaseHeldError, LeaseLostError, type LeaseWhere } from './lease-errors.js';
import { intentKey, type LeaseRecord, type PendingIntent } from './lease-record.js';
import { LegacyLease, mergeIntents } from './legacy-lease.js';

/** Not dot-prefixed: ES warns about (and reserves) dot-prefixed names for system and hidden indices. */
export const DEFAULT_LEASE_INDEX = 'escred-leases';
/** client-go's customary LeaseDuration / RetryPeriod (15 s / 2 s). */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

export interface LeaseOptions {
  connection: Pick<ClusterConnection, 'clusterName' | 'send'>;
  /** default DEFAULT_LEASE_INDEX */
  index?: string;
  /** the lease document's id: the cluster's UUID from GET / (issue 21: every name of one cluster meets one lease); default the connection's cluster name */
  id?: string;
  /** where escred before issue 21 kept this cluster's lease (the manifest's name): waited for and carried over once, see legacy-lease.ts */
  legacyId?: string;
  /** the holder's fleet (watch replicas of one manifest); '' (default) for a CLI run */
  fleet?: string;
  /** unique per process; default <host>-<pid>-<random> */
  holderId?: string;
  leaseDurationMs?: number;
  /** how often a waiting acquire looks again; default DEFAULT_RETRY_PERIOD_MS */
  retryPeriodMs?: number;
  clock?: LeaseClock;
  host?: string;
  pid?: number;
}

export type IntentKey = Pick<PendingIntent, 'cluster' | 'principal' | 'token'>;

interface Held {
  record: LeaseRecord;
  version: DocumentVersion;
  /** monotonic time the write that made this version was sent: no contender can take over before sentMs + leaseDurationMs */
  sentMs?: number;
}

interface Observed {
  version: DocumentVersion;
  sinceMs: number;
}

const sameVersion = (a: DocumentVersion, b: DocumentVersion) => a.seqNo === b.seqNo && a.primaryTerm === b.primaryTerm;

export class LeaseManager {
  readonly holderId: string;
  readonly where: LeaseWhere;
  private readonly leaseDurationMs: number;
  private readonly retryPeriodMs: number;
  private readonly clock: LeaseClock;
  private readonly host: string;
  private readonly pid: number;
  private readonly document: LeaseDocument;
  private readonly legacy: LegacyLease | undefined;
  readonly fleet: string;
  private held: Held | undefined;
  private observed: Observed | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private intentChanges: Array<(intents: PendingIntent[]) => PendingIntent[]> = [];
  private nextIntentWrite: Promise<void> | undefined;
  private lastTakenOverFrom: LeaseRecord | undefined;
  /** the last acquire was blocked by a lease under the manifest name (legacy-lease.ts): the error names that document */
  private isLegacyBlocking = false;

  constructor(options: LeaseOptions) {
    this.host = options.host ?? hostname();
    this.pid = options.pid ?? process.pid;
    this.holderId = options.holderId ?? `${this.host}-${this.pid}-${randomBytes(4).toString('hex')}`;
    this.where = { cluster: options.connection.clusterName, index: options.index ?? DEFAULT_LEASE_INDEX, id: options.id ?? options.connection.clusterName };
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
    this.retryPeriodMs = options.retryPeriodMs ?? DEFAULT_RETRY_PERIOD_MS;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.document = new LeaseDocument(options.connection, this.where, this.holderId);
    this.fleet = options.fleet ?? '';
    const legacyId = options.legacyId;
    this.legacy = legacyId !== undefined && legacyId !== this.where.id
      ? new LegacyLease(options.connection, { ...this.where, id: legacyId }, this.holderId, this.clock) : undefined;
  }

  /** How long this process has seen the record unchanged (0 when it holds it or never looked): live while below its leaseDurationMs. */
  unchangedForMs(): number {
    return this.observed ? this.clock.monotonicMs() - this.observed.sinceMs : 0;
  }

  isHeld(): boolean {
    return this.held !== undefined;
  }

  /** The other holder's record when the last acquire took the lease over (not free, not released); else undefined. */
  takenOverFrom(): LeaseRecord | undefined {
    return this.lastTakenOverFrom ? { ...this.lastTakenOverFrom } : undefined;
  }

  /**
   * How long writes started now stay inside this holder's term, by its own clock: a contender
   * starts watching the record no earlier than the write that made it was sent. 0 when not held.
   */
  remainingMs(): number {
    const sentMs = this.held?.sentMs;
    return sentMs === undefined ? 0 : Math.max(0, sentMs + this.leaseDurationMs - this.clock.monotonicMs());
  }

  /** Renews (CAS) when less than `minRemainingMs` of the term is left; the call to make before each write. */
  async ensureFresh(minRemainingMs = this.leaseDurationMs / 2): Promise<void> {
    if (this.remainingMs() < minRemainingMs) await this.renew();
  }

  /** Takes the lease, waiting up to `wait` ms (default 0: look once) for its holder to release it or go quiet. */
  acquire({ wait = 0 }: { wait?: number } = {}): Promise<LeaseRecord> {
    return this.serialised(async () => {
      const startMs = this.clock.monotonicMs();
      for (;;) {
        const blocker = await this.tryAcquire();
        if (blocker === undefined) return { ...(this.held as Held).record };
        const waitedMs = this.clock.monotonicMs() - startMs;
        if (waitedMs >= wait) throw new LeaseHeldError(this.isLegacyBlocking ? this.legacy!.where : this.where, blocker, waitedMs);
        await this.clock.sleep(Math.min(this.retryPeriodMs, wait - waitedMs));
      }
    });
  }

  /** Compare-and-set renewal; LeaseLostError when the record moved on (run it right before each batch of writes). */
  renew(): Promise<void> {
    return this.serialised(() => this.writeHeld((record) => record));
  }

  /** Records a pending create before its call (a CAS write, so it also renews: a lost lease fails here, before the create). */
  addIntent(intent: IntentKey): Promise<void> {
    const since = this.clock.now().toISOString();
    return this.changeIntents((intents) => [...intents.filter((i) => intentKey(i) !== intentKey(intent)), { ...pick(intent), since }]);
  }

  /** Drops intents once the sink holds their values, or once they turned out harmless (one CAS write). */
  clearIntents(keys: readonly IntentKey[]): Promise<void> {
    const gone = new Set(keys.map(intentKey));
    return this.changeIntents((intents) => intents.filter((i) => !gone.has(intentKey(i))));
  }

  clearIntent(intent: IntentKey): Promise<void> {
    return this.clearIntents([intent]);
  }

  /** The held record's intents, as this holder last wrote them (empty when not holding). */
  heldIntents(): PendingIntent[] {
    return (this.held?.record.intents ?? []).map((i) => ({ ...i }));
  }

  /**
   * Group commit, as the apply journal does: changes made while a write is queued share it, so
   * that N creates in flight cost one CAS write, not N in a row. Each caller's promise resolves
   * once a write holding its change is in the cluster.
   */
  private changeIntents(change: (intents: PendingIntent[]) => PendingIntent[]): Promise<void> {
    this.intentChanges.push(change);
    if (!this.nextIntentWrite) {
      this.nextIntentWrite = this.serialised(() => {
        const changes = this.intentChanges.splice(0);
        this.nextIntentWrite = undefined; // changes from now on need a later write
        return this.writeHeld((record) => ({ ...record, intents: changes.reduce((intents, apply) => apply(intents), record.intents) }));
      });
    }
    return this.nextIntentWrite;
  }

  /**
   * Looks at the record without taking it, so that this contender's watch starts now: a replica
   * at its fair share observes the others' leases each pass and can take one over on time.
   */
  observe(): Promise<LeaseRecord | undefined> {
    return this.serialised(async () => {
      const current = await this.document.read();
      if (current && !this.held) this.watch(current.version, this.clock.monotonicMs());
      return current?.record;
    });
  }

  /**
   * The pending intents: the held record's, or (not holding) what the cluster's record says now. A
   * lease under the manifest name (legacy-lease.ts) is not read: one GET per plan for good, for what
   * the first acquire after the upgrade carries over anyway.
   */
  readIntents(): Promise<PendingIntent[]> {
    return this.serialised(async () => {
      if (this.held) return this.held.record.intents.map((i) => ({ ...i }));
      const current = await this.document.read();
      return current ? current.record.intents : [];
    });
  }

  /**
   * Gives the lease up: deleted when no intent is pending, otherwise marked released with its
   * intents kept (the next holder must see them). A lease already lost is left alone.
   */
  release(): Promise<void> {
    return this.serialised(async () => {
      const held = this.held;
      if (!held) return;
      this.held = undefined;
      if (held.record.intents.length === 0) {
        await this.document.delete(held.version);
        return;
      }
      const released = { ...held.record, holderId: '', releasedAt: this.clock.now().toISOString(), writeId: newWriteId() };
      await this.document.write(released, held.version);
    });
  }

  /** undefined when the lease is now held; otherwise the record that blocks it. */
  private async tryAcquire(): Promise<LeaseRecord | undefined> {
    const legacy = (await this.legacy?.look()) ?? { kind: 'none' };
    this.isLegacyBlocking = legacy.kind === 'blocked';
    if (legacy.kind === 'blocked') return legacy.holder;
    const blocker = await this.tryAcquireCurrent();
    if (blocker || legacy.kind !== 'carry') return blocker;
    // held now: the old record's intents move in (one CAS write) before its document goes
    await this.writeHeld((record) => ({ ...record, intents: mergeIntents(record.intents, legacy.legacy.record.intents) }));
    await this.legacy!.retire(legacy.legacy);
    return undefined;
  }

  private async tryAcquireCurrent(): Promise<LeaseRecord | undefined> {
    const current = await this.document.read();
    if (!current) {
      this.lastTakenOverFrom = undefined;
      if (await this.write(this.freshRecord([]), undefined)) return this.adopted();
      // someone else created it first (or created and released it already): look again
      return this.tryAcquireCurrent();
    }
    return this.blockerOrTakeOver(current);
  }

  private async blockerOrTakeOver(current: VersionedRecord): Promise<LeaseRecord | undefined> {
    const { record, version } = current;
    const nowMs = this.clock.monotonicMs();
    const observed = this.watch(version, nowMs);
    const isFree = record.releasedAt !== null || record.holderId === this.holderId;
    if (!isFree && nowMs - observed.sinceMs < record.leaseDurationMs) return record;
    this.lastTakenOverFrom = isFree ? undefined : { ...record };
    if (await this.write(this.freshRecord(record.intents), version)) return this.adopted();
    // another contender was faster: it is the blocker now
    return (await this.document.read())?.record ?? record;
  }

  /** A CAS write of the held record, changed by `change`, with renewedAt now. */
  private async writeHeld(change: (record: LeaseRecord) => LeaseRecord): Promise<void> {
    const held = this.held;
    if (!held) throw new LeaseLostError(this.where, 'this escred does not hold it');
    const record = { ...change(held.record), renewedAt: this.clock.now().toISOString(), writeId: newWriteId() };
    if (await this.write(record, held.version)) return;
    this.held = undefined;
    const now = await this.document.read();
    const why = now ? `the record moved on (now held by ${now.record.holderId || 'nobody, released'}, host ${now.record.host}, pid ${now.record.pid})` : 'the record is gone';
    throw new LeaseLostError(this.where, why);
  }

  /**
   * Creates (expected undefined) or compare-and-sets the record; true when the cluster now holds
   * it, which after a conflict can still be our own write whose answer was lost and re-sent.
   */
  private async write(record: LeaseRecord, expected: DocumentVersion | undefined): Promise<boolean> {
    const sentMs = this.clock.monotonicMs();
    const version = await this.document.write(record, expected);
    if (version) this.held = { record, version, sentMs };
    return version !== undefined;
  }

  /** client-go's setObservedRecord: the watch restarts whenever the record changed. */
  private watch(version: DocumentVersion, nowMs: number): Observed {
    if (!this.observed || !sameVersion(this.observed.version, version)) this.observed = { version, sinceMs: nowMs };
    return this.observed;
  }

  private adopted(): undefined {
    this.observed = undefined;
    return undefined;
  }

  private freshRecord(intents: PendingIntent[]): LeaseRecord {
    const now = this.clock.now().toISOString();
    return {
      formatVersion: 1, holderId: this.holderId, host: this.host, pid: this.pid, acquiredAt: now, renewedAt: now,
      leaseDurationMs: this.leaseDurationMs, releasedAt: null, writeId: newWriteId(), intents: intents.map((i) => ({ ...i })),
      clusterName: this.where.cluster, fleet: this.fleet,
    };
  }

  private serialised<R>(work: () => Promise<R>): Promise<R> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

function pick(intent: IntentKey): IntentKey {
  return { cluster: intent.cluster, principal: intent.principal, token: intent.token };
}

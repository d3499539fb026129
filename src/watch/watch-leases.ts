/**
 * Several `escred watch --apply` replicas on one manifest (issue 15): each cluster is reconciled
 * by the one replica holding its lease. The lease is the cluster's, keyed by its UUID (issue 21);
 * the replicas that share work are those of one fleet (`--fleet`, default a digest of the
 * manifest): a daemon of another fleet holding a lease is a second writer, waited for and
 * reported (FleetCoverage), and never counted in the replica registry, which is per fleet. A tick every retry period beats the replica registry and,
 * between passes, balances the leases (fair share of the live replicas; a dead replica's leases
 * are taken once seen unrenewed for their duration) and asks for a pass when it took one. Held
 * leases renew in the background every third of their term; a pass writes only to the clusters
 * it holds, renewing them by compare-and-set right before its writes.
 */
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { errorMessage } from '../errors.js';
import { balanceLeases, type BalanceResult } from '../lease/balance-leases.js';
import type { Renewing } from '../lease/keep-renewing.js';
import { SYSTEM_CLOCK, type LeaseClock } from '../lease/lease-clock.js';
import { LeaseManager } from '../lease/lease-manager.js';
import { ReplicaRegistry } from '../lease/replica-registry.js';
import { failingConnection, leaseOptionsOf, withLeases, type ClusterLeaseOptions } from '../reconcile/lease-pass.js';
import type { Pass } from '../reconcile/open-pass.js';
import { defaultFleetOf, WatchIdentities } from './watch-identities.js';
import { FleetCoverage, type Unreconciled } from './fleet-coverage.js';
import { logBalance, renewInBackground, renewOnlyWhenDue } from './lease-events.js';
import type { Notifier } from './notify.js';
import type { WatchLogger } from './watch-logger.js';
import type { WatchMetrics } from './watch-metrics.js';

export interface WatchLeasesOptions {
  holderId: string;
  host: string;
  pid: number;
  log: WatchLogger;
  metrics: WatchMetrics;
  notifier?: Notifier;
  /** a lease was taken: run a pass soon */
  onAcquired(): void;
  clock?: LeaseClock;
  /** `--fleet`: the replicas that share the clusters; default defaultFleetOf(the manifest) */
  fleet?: string;
  /** `watch --once --apply`: a cluster it cannot hold now is unreconciled now (see FleetCoverage) */
  isOnce?: boolean;
}

interface Entry {
  /** what the manager was made from: a change of index, duration, cluster UUID or fleet makes a new one */
  identity: string;
  uuid: string;
  settings: ClusterLeaseOptions;
  lease: LeaseManager;
  renewer?: Renewing;
}

const DEFAULT_TICK_MS = 2_000;

export class WatchLeases {
  private readonly entries = new Map<string, Entry>();
  private readonly connections = new Map<string, ClusterConnection>();
  private registry: { identity: string; registry: ReplicaRegistry } | undefined;
  private tickInFlight: Promise<void> | undefined;
  private isPassRunning = false;
  private hasTicked = false;
  private timer: NodeJS.Timeout | undefined;
  private isStopped = false;
  private lastHeldLine = '';
  /** clusters whose lease could not be checked at the last balance (no answer...): the pass reports them failed */
  private unchecked = new Map<string, unknown>();
  private readonly identities = new WatchIdentities();
  private fleet = '';
  private readonly coverage: FleetCoverage;
  private readonly clock: LeaseClock;

  constructor(private readonly options: WatchLeasesOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.coverage = new FleetCoverage(() => this.fleet, options.isOnce === true);
  }

  /** Declared clusters no replica of this fleet has held for their lease duration plus a pass (issue 21). */
  unreconciled(): Unreconciled[] {
    const nowMs = this.clock.monotonicMs();
    for (const cluster of this.held()) this.coverage.covered(cluster, nowMs);
    return this.coverage.unreconciled(nowMs);
  }

  fleetName(): string {
    return this.fleet;
  }

  /** the clusters this replica holds, sorted */
  held(): string[] {
    return [...this.entries].filter(([, e]) => e.lease.isHeld()).map(([name]) => name).sort();
  }

  readyLine(): string {
    const held = this.held();
    const unreconciled = this.unreconciled().map((u) => `unreconciled: ${u.detail}\n`).join('');
    return `leases held (${held.length} of ${this.entries.size}, fleet ${this.fleet}): ${held.join(', ') || 'none'}\n${unreconciled}`;
  }

  /** Runs `work` on the pass narrowed to the clusters held (and those with lease: off), writes fenced. */
  async run<T>(pass: Pass, work: (leased: Pass, beforeWrites: () => Promise<void>) => Promise<T>): Promise<T> {
    await this.tickInFlight;
    await this.sync(pass);
    if (!this.hasTicked) await this.tick({ isInPass: true });
    this.isPassRunning = true;
    const startedMs = this.clock.monotonicMs();
    try {
      const held = new Set(this.held());
      const managers = new Map([...this.entries].filter(([name]) => held.has(name)).map(([name, e]) => [name, e.lease]));
      // a cluster nobody could be seen holding because it does not answer is this replica's failure to report, not drift to hide
      const unchecked = new Map([...this.identities.unidentified, ...this.unchecked].filter(([name]) => !held.has(name)));
      const clusters = pass.desired.clusters.filter((c) => held.has(c.name) || unchecked.has(c.name) || leaseOptionsOf(c) === undefined);
      const names = new Set(clusters.map((c) => c.name));
      const narrowed: Pass = {
        ...pass, desired: { ...pass.desired, clusters },
        connections: new Map([...pass.connections].filter(([name]) => names.has(name)).map(([name, c]) => {
          if (unchecked.has(name)) return [name, failingConnection(c, unchecked.get(name))];
          const entry = this.entries.get(name);
          return [name, entry && held.has(name) ? this.identities.sameCluster(name, c, entry.uuid) : c];
        })),
      };
      const renewHeld = async () => {
        await Promise.all([...managers.values()].map((lease) => lease.renew()));
      };
      return await work(withLeases(narrowed, managers), renewHeld);
    } finally {
      this.isPassRunning = false;
      const periods = [...this.entries.values()].map((e) => e.settings.retryPeriodMs);
      this.coverage.allowPass(Math.max(this.clock.monotonicMs() - startedMs, ...periods, 0));
    }
  }

  /**
   * The daemon cannot load its manifest (issue 21): it gives back every lease it holds, since it
   * cannot use them, and balances nothing until a manifest loads again. Intents stay in the records.
   */
  async releaseAll(): Promise<void> {
    const entries = [...this.entries];
    this.entries.clear();
    this.coverage.clear();
    this.registry = undefined;
    this.hasTicked = false; // the first pass on a loadable manifest takes its leases before it plans, as at start
    for (const [, entry] of entries) void entry.renewer?.stop();
    await Promise.allSettled(entries.map(([, e]) => e.lease.release()));
    const released = entries.filter(([, e]) => !e.lease.isHeld()).map(([name]) => name);
    this.options.metrics.setLeasesHeld([], new Set());
    this.lastHeldLine = '';
    if (entries.length > 0) this.options.log('warn', 'leases-released', { detail: `released every lease (${released.join(', ') || 'none held'}): the manifest cannot be loaded` });
  }

  /** The tick loop: every retry period (the shortest of the clusters'), until stop(). */
  start(): void {
    const next = () => {
      if (this.isStopped) return;
      const periods = [...this.entries.values()].map((e) => e.settings.retryPeriodMs);
      this.timer = setTimeout(() => void this.tick().finally(next), periods.length ? Math.min(...periods) : DEFAULT_TICK_MS);
      this.timer.unref();
    };
    next();
  }

  /** Stops the ticks and renewals and gives every held lease back (intents stay in the record). */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearTimeout(this.timer);
    await this.tickInFlight;
    for (const entry of this.entries.values()) void entry.renewer?.stop();
    await Promise.allSettled([...this.entries.values()].map((e) => e.lease.release()));
  }

  /** isInPass: run by the pass that is about to reconcile what it takes, so no further pass is asked for */
  tick({ isInPass = false } = {}): Promise<void> {
    if (this.tickInFlight || this.entries.size === 0) return this.tickInFlight ?? Promise.resolve();
    this.tickInFlight = this.beatAndBalance(isInPass).finally(() => (this.tickInFlight = undefined));
    return this.tickInFlight;
  }

  private async beatAndBalance(isInPass: boolean): Promise<void> {
    let live = this.registry?.registry.liveCount() ?? 1;
    try {
      live = (await this.registry?.registry.beat())?.length ?? live;
    } catch (error) {
      this.options.log('warn', 'replica-beat-failed', { detail: errorMessage(error) });
    }
    // a pass under way keeps the set it started with; renewals go on in the background
    if (this.isPassRunning) return;
    this.hasTicked = true;
    const result = await balanceLeases(new Map([...this.entries].map(([name, e]) => [name, renewOnlyWhenDue(e.lease, e.settings.leaseDurationMs)])), live);
    const nowMs = this.clock.monotonicMs();
    for (const cluster of result.held) this.coverage.covered(cluster, nowMs);
    for (const { cluster, holder } of result.heldElsewhere) this.coverage.heldElsewhere(cluster, holder, nowMs);
    this.report(result, live);
    if (result.acquired.length > 0 && !isInPass) this.options.onAcquired();
  }

  private report(result: BalanceResult, live: number): void {
    const { metrics } = this.options;
    for (const cluster of result.acquired) {
      const entry = this.entries.get(cluster)!;
      void entry.renewer?.stop();
      entry.renewer = renewInBackground(cluster, entry.lease, entry.settings.leaseDurationMs, this.options,
        () => metrics.setLeasesHeld([...this.entries.keys()], new Set(this.held())));
    }
    logBalance(result, live, this.options, (cluster) => this.entries.get(cluster)!.lease.takenOverFrom());
    this.unchecked = new Map(result.failed.map(({ cluster, error }) => [cluster, error]));
    const held = this.held();
    metrics.setLeasesHeld([...this.entries.keys()], new Set(held));
    const line = `holding ${held.length} of ${this.entries.size} leases (fleet ${this.fleet}: ${live} live replicas): ${held.join(', ') || 'none'}`;
    if (line !== this.lastHeldLine) this.options.log('info', 'leases-held', { detail: line });
    this.lastHeldLine = line;
  }

  /**
   * Follows the manifest: the fleet, each leased cluster's UUID (GET / once, again after a change),
   * a manager per cluster keyed by it, the registry in the first of them (by name). A manifest that
   * names one cluster twice throws here, before any lease is taken for it.
   */
  private async sync(pass: Pass): Promise<void> {
    this.fleet = this.options.fleet ?? defaultFleetOf(pass.desired);
    for (const [name, connection] of pass.connections) this.connections.set(name, connection);
    const leased = pass.desired.clusters.filter((c) => leaseOptionsOf(c) !== undefined);
    await this.identities.refresh(leased, pass.connections);
    const wanted = new Map(leased.flatMap((c) => {
      const uuid = this.identities.uuidOf(c.name);
      return uuid === undefined ? [] : [[c.name, { settings: leaseOptionsOf(c)!, uuid }] as const];
    }));
    const identityOf = (w: { settings: ClusterLeaseOptions; uuid: string }) => JSON.stringify({ ...w.settings, uuid: w.uuid, fleet: this.fleet });
    for (const [name, entry] of [...this.entries]) {
      const want = wanted.get(name);
      if (want && identityOf(want) === entry.identity) continue;
      void entry.renewer?.stop();
      this.entries.delete(name);
      await entry.lease.release().catch(() => undefined); // a lost or unreachable lease frees itself after its duration
    }
    const nowMs = this.clock.monotonicMs();
    for (const [name, want] of wanted) {
      this.coverage.track(name, want.settings.leaseDurationMs, nowMs);
      if (this.entries.has(name)) continue;
      this.entries.set(name, { identity: identityOf(want), uuid: want.uuid, settings: want.settings, lease: new LeaseManager({
        ...want.settings, id: want.uuid, legacyId: name, fleet: this.fleet, connection: this.forwarding(name), ...this.common(),
      }) });
    }
    for (const cluster of leased) if (!wanted.has(cluster.name)) this.coverage.track(cluster.name, leaseOptionsOf(cluster)!.leaseDurationMs, nowMs);
    this.coverage.retain(new Set(leased.map((c) => c.name)));
    this.syncRegistry(new Map([...wanted].map(([name, w]) => [name, w.settings])));
  }

  private syncRegistry(wanted: ReadonlyMap<string, ClusterLeaseOptions>): void {
    const home = [...wanted.keys()].sort()[0];
    if (home === undefined) return;
    const settings = wanted.get(home)!;
    const identity = JSON.stringify({ home, settings, fleet: this.fleet });
    if (this.registry?.identity === identity) return;
    this.registry = { identity, registry: new ReplicaRegistry({
      connection: this.forwarding(home), index: settings.index, leaseDurationMs: settings.leaseDurationMs, fleet: this.fleet, ...this.common(),
    }) };
  }

  private common() {
    const { holderId, host, pid, clock } = this.options;
    return { holderId, host, pid, ...(clock ? { clock } : {}) };
  }

  /** The cache may replace a cluster's connection (rotated credentials): the lease always uses the current one. */
  private forwarding(name: string): Pick<ClusterConnection, 'clusterName' | 'send'> {
    return {
      clusterName: name,
      send: (...args) => {
        const connection = this.connections.get(name);
        if (!connection) throw new Error(`cluster ${name}: no connection`);
        return connection.send(...args);
      },
    };
  }
}

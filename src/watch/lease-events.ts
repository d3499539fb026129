/**
 * The daemon's lease bookkeeping that is not balancing: what the balance did, told in logs, metrics
 * and notifications; the background renewal of a lease just taken; and the lease as balanceLeases
 * sees it (issue 15, moved out of watch-leases.ts).
 */
import { errorMessage } from '../errors.js';
import type { BalanceResult, balanceLeases } from '../lease/balance-leases.js';
import { keepRenewing, type Renewing } from '../lease/keep-renewing.js';
import type { LeaseManager } from '../lease/lease-manager.js';
import type { LeaseRecord } from '../lease/lease-record.js';
import { renewIntervalOf } from '../reconcile/lease-pass.js';
import type { Notifier } from './notify.js';
import type { WatchLogger } from './watch-logger.js';
import type { WatchMetrics } from './watch-metrics.js';

interface Reporting {
  holderId: string;
  log: WatchLogger;
  metrics: WatchMetrics;
  notifier?: Notifier;
}

type BalancedLease = Parameters<typeof balanceLeases>[0] extends ReadonlyMap<string, infer L> ? L : never;

/**
 * The lease as balanceLeases sees it, with `renew` a CAS only when less than two thirds of the term
 * is left: the background renewal (every third) already keeps it fresh, and 300 clusters would
 * otherwise cost 300 writes every tick. A lost lease still shows: the renewal that lost it cleared it.
 */
export function renewOnlyWhenDue(lease: LeaseManager, leaseDurationMs: number): BalancedLease {
  return {
    holderId: lease.holderId,
    isHeld: () => lease.isHeld(),
    renew: () => (lease.isHeld() ? lease.ensureFresh((leaseDurationMs * 2) / 3) : lease.renew()),
    release: () => lease.release(),
    acquire: (options) => lease.acquire(options),
    observe: () => lease.observe(),
    heldIntents: () => lease.heldIntents(),
    unchangedForMs: () => lease.unchangedForMs(),
  };
}

/** One line per lease the balance took, took over, released, lost or could not check. */
export function logBalance(result: BalanceResult, live: number, reporting: Reporting, takenOverFrom: (cluster: string) => LeaseRecord | undefined): void {
  const { log, metrics } = reporting;
  for (const cluster of result.acquired) {
    const previous = takenOverFrom(cluster);
    if (previous) {
      metrics.recordLeaseTakeover(cluster);
      log('info', 'lease-taken-over', { cluster, detail: `took over the lease from ${previous.holderId} (host ${previous.host}, pid ${previous.pid}), unrenewed for its duration` });
      reporting.notifier?.leaseTakenOver({ cluster, holder: reporting.holderId, previousHolder: previous.holderId });
    } else {
      log('info', 'lease-acquired', { cluster, detail: `holding the lease as ${reporting.holderId}` });
    }
  }
  for (const cluster of result.released) log('info', 'lease-released', { cluster, detail: `released: above this replica's fair share of ${live} live replicas` });
  for (const cluster of result.lost) {
    metrics.recordLeaseRenewFailure(cluster);
    log('warn', 'lease-lost', { cluster, detail: 'the lease moved on to another holder: no further write to this cluster' });
  }
  for (const { cluster, error } of result.failed) log('warn', 'lease-error', { cluster, detail: errorMessage(error) });
}

/** Renews a lease just taken every third of its term until it is lost (logged and counted once) or stopped. */
export function renewInBackground(cluster: string, lease: LeaseManager, leaseDurationMs: number, reporting: Reporting, onLost: () => void): Renewing {
  const { log, metrics } = reporting;
  return keepRenewing(lease, {
    intervalMs: renewIntervalOf(leaseDurationMs),
    onLost: (error) => {
      metrics.recordLeaseRenewFailure(cluster);
      onLost();
      log('warn', 'lease-lost', { cluster, detail: errorMessage(error) });
    },
    onError: (error) => {
      metrics.recordLeaseRenewFailure(cluster);
      log('warn', 'lease-renew-failed', { cluster, detail: errorMessage(error) });
    },
  });
}

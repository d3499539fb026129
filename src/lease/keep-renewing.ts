/**
 * A daemon's holder renews in the background between its writes (issue 15), so that a live
 * replica is never taken over. A renewal that finds the lease lost (or refused, or not escred's)
 * ends the loop and reports it once; a transient failure (the cluster did not answer) is
 * reported and retried at the next tick: the CAS write before the next batch decides.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LeaseLostError, LeasePermissionError, LeaseRecordError } from './lease-errors.js';
import type { LeaseManager } from './lease-manager.js';

/** A third of the default 15 s lease: two renewals can fail before a contender may take over. */
export const DEFAULT_RENEW_INTERVAL_MS = 5_000;

export interface KeepRenewingOptions {
  intervalMs?: number;
  /** the lease is gone for good: stop writing to this cluster */
  onLost(error: Error): void;
  /** a renewal failed for a reason that may pass (timeout, connection refused) */
  onError?(error: unknown): void;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

export interface Renewing {
  /** stops after the renewal in flight, if any */
  stop(): Promise<void>;
}

export function keepRenewing(lease: Pick<LeaseManager, 'renew' | 'isHeld'>, options: KeepRenewingOptions): Renewing {
  const sleep = options.sleep ?? ((ms: number) => delay(ms, undefined, { ref: false }));
  let isStopped = false;
  const loop = (async () => {
    while (!isStopped && lease.isHeld()) {
      await sleep(options.intervalMs ?? DEFAULT_RENEW_INTERVAL_MS);
      if (isStopped) return;
      try {
        await lease.renew();
      } catch (error) {
        if (error instanceof LeaseLostError || error instanceof LeasePermissionError || error instanceof LeaseRecordError) {
          options.onLost(error);
          return;
        }
        options.onError?.(error);
      }
    }
  })();
  return {
    async stop() {
      isStopped = true;
      await loop;
    },
  };
}

/** The clocks a lease uses, injectable for tests (no timed assertions: a test moves the clock). */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

export interface LeaseClock {
  /** monotonic milliseconds: every takeover decision is made on this clock, never on another machine's */
  monotonicMs(): number;
  /** wall clock, only for the record's human-readable times */
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const SYSTEM_CLOCK: LeaseClock = {
  monotonicMs: () => performance.now(),
  now: () => new Date(),
  sleep: (ms) => delay(ms),
};

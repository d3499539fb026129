/** keepRenewing against the emulator over HTTPS: renewals keep a contender out; a takeover is reported once and ends the loop. */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { keepRenewing } from '../../src/lease/keep-renewing.js';
import { LeaseHeldError, LeaseLostError } from '../../src/lease/lease-errors.js';
import { DEFAULT_LEASE_DURATION_MS } from '../../src/lease/lease-manager.js';
import type { EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, manager, nextLeaseId, useLeaseEmulator } from './lease-support.js';

/** A sleep the test releases one tick at a time. */
function steppedSleep() {
  const waiting: Array<() => void> = [];
  const sleeping = async () => {
    while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    sleep: () => new Promise<void>((resolve) => waiting.push(resolve)),
    /** one renewal: lets the loop wake, and waits until it has renewed and sleeps again */
    async tick() {
      await sleeping();
      waiting.shift()?.();
      await sleeping();
    },
    /** lets the loop wake once more without waiting for it */
    async release() {
      await sleeping();
      waiting.shift()?.();
    },
  };
}

describe('keepRenewing', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  useLeaseEmulator((f, c) => {
    fixture = f;
    conn = c;
  });

  it('while the holder renews, a contender watching for longer than the lease never takes it; after a takeover the loop reports the loss once and stops', async () => {
    const id = nextLeaseId();
    const holder = manager(conn, id, { host: 'host-a', pid: 1 });
    await holder.acquire();
    const steps = steppedSleep();
    const lost: Error[] = [];
    const renewing = keepRenewing(holder, { sleep: steps.sleep, onLost: (error) => lost.push(error) });
    // the contender looks every 2 s of its clock; the holder renews between two of its looks
    const contender = manager(conn, id, { host: 'host-b', pid: 2, clock: fakeClock(() => steps.tick()) });
    await expect(contender.acquire({ wait: DEFAULT_LEASE_DURATION_MS * 3 })).rejects.toBeInstanceOf(LeaseHeldError);
    expect(holder.isHeld()).toBe(true);
    // the holder stops renewing (paused): the next contender takes over after the lease duration
    const taker = manager(conn, id, { host: 'host-c', pid: 3, clock: fakeClock() });
    await taker.acquire({ wait: DEFAULT_LEASE_DURATION_MS * 2 });
    await steps.release();
    await renewing.stop();
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(LeaseLostError);
    expect(lost[0]!.message).toContain('now held by host-c-3');
  });
});

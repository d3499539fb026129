/** Shared pieces of the lease tests: an emulator over HTTPS, connections to it, a clock the test moves. */
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import type { LeaseClock } from '../../src/lease/lease-clock.js';
import { LeaseManager, type LeaseOptions } from '../../src/lease/lease-manager.js';
import { afterAll, beforeAll } from 'vitest';
import { emulatorCluster, startFixture, type EmulatorFixture } from '../cluster/emulator-fixture.js';

export interface FakeClock extends LeaseClock {
  /** milliseconds slept so far: the contender's own idea of how long it waited */
  elapsed(): number;
}

/**
 * A monotonic clock that only moves when the lease sleeps; `onSleep` runs after each step (to let
 * a holder renew at a given moment). `wallStart` shows that the wall clock plays no part.
 */
export function fakeClock(onSleep?: (elapsedMs: number) => Promise<void>, wallStart = Date.UTC(2026, 11, 1)): FakeClock {
  let t = 0;
  return {
    monotonicMs: () => t,
    now: () => new Date(wallStart + t),
    async sleep(ms) {
      t += ms;
      await onSleep?.(t);
    },
    elapsed: () => t,
  };
}

/** A clock that never moves (the holder: its renewals are triggered by the test). */
export function frozenClock(wall: number): LeaseClock {
  return { monotonicMs: () => 0, now: () => new Date(wall), sleep: async () => undefined };
}

export function connect(fixture: EmulatorFixture, user = 'elastic', envName = 'ES_PW', env: NodeJS.ProcessEnv = fixture.env, opaqueId?: string): ClusterConnection {
  return createClusterConnection(emulatorCluster(fixture, [], { user, env: envName, name: 'prod' }), { env, ...(opaqueId ? { opaqueId } : {}) });
}

let leaseCounter = 0;

/** A fresh lease id per test, so that tests in one file do not see each other's leases. */
export function nextLeaseId(): string {
  leaseCounter += 1;
  return `prod-${leaseCounter}`;
}

export function manager(connection: ClusterConnection, id: string, who: { host: string; pid: number; clock?: LeaseClock }, extra: Partial<LeaseOptions> = {}): LeaseManager {
  return new LeaseManager({ connection, id, host: who.host, pid: who.pid, holderId: `${who.host}-${who.pid}`, ...(who.clock ? { clock: who.clock } : {}), ...extra });
}

/**
 * One 1-node emulator (9.4) and a superuser connection for the enclosing describe block: started
 * before its tests, closed after; `use` hands both over to the block's variables.
 */
export function useLeaseEmulator(use: (fixture: EmulatorFixture, conn: ClusterConnection) => void): void {
  let fixture: EmulatorFixture | undefined;
  let conn: ClusterConnection | undefined;
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    conn = connect(fixture);
    use(fixture, conn);
  });
  afterAll(async () => {
    await conn?.close();
    await fixture?.stop();
  });
}

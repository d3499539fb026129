/**
 * LeaseManager against the emulator over HTTPS (issue 15): contention, takeover only after the
 * lease duration by the contender's own clock, loss found before the next write, intents that
 * outlive their holder, X-Opaque-Id on every call, and the 403 path.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { LeaseHeldError, LeaseLostError, LeasePermissionError } from '../../src/lease/lease-errors.js';
import { DEFAULT_LEASE_DURATION_MS, DEFAULT_LEASE_INDEX, DEFAULT_RETRY_PERIOD_MS } from '../../src/lease/lease-manager.js';
import type { LeaseRecord } from '../../src/lease/lease-record.js';
import type { EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, frozenClock, manager, nextLeaseId, useLeaseEmulator } from './lease-support.js';

const A = { host: 'host-a', pid: 101 };
const B = { host: 'host-b', pid: 202 };
const INTENT = { cluster: 'prod', principal: 'elastic/fleet-server', token: 'ci-1' };

describe('LeaseManager', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  const record = async (id: string) => getDocument<LeaseRecord>(conn, DEFAULT_LEASE_INDEX, id);

  useLeaseEmulator((f, c) => {
    fixture = f;
    conn = c;
  });

  it('two managers contend: exactly one holds, the other is told who holds it, from which host and pid, since when', async () => {
    const id = nextLeaseId();
    const results = await Promise.allSettled([manager(conn, id, A).acquire(), manager(conn, id, B).acquire()]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect([won.length, lost.length]).toEqual([1, 1]);
    const error = lost[0]!.reason as LeaseHeldError;
    expect(error).toBeInstanceOf(LeaseHeldError);
    const holder = (await record(id)) as { found: true; source: LeaseRecord };
    expect(error.message).toContain(`is held by ${holder.source.holderId} (host ${holder.source.host}, pid ${holder.source.pid}) as cluster prod (a CLI run) since ${holder.source.acquiredAt}`);
    expect(holder.source.leaseDurationMs).toBe(DEFAULT_LEASE_DURATION_MS);
  });

  it('a holder that stops renewing is taken over only after the lease duration by the contender\'s clock, whatever the wall clocks say', async () => {
    const id = nextLeaseId();
    // the holder's wall clock is 26 years behind: its record looks ancient, and that must not matter
    await manager(conn, id, { ...A, clock: frozenClock(Date.UTC(2000, 0, 1)) }).acquire();
    const impatient = fakeClock();
    const early = manager(conn, id, { ...B, clock: impatient }).acquire({ wait: DEFAULT_LEASE_DURATION_MS - 1 });
    await expect(early).rejects.toBeInstanceOf(LeaseHeldError);
    expect(impatient.elapsed()).toBe(DEFAULT_LEASE_DURATION_MS - 1);
    const patient = fakeClock();
    await manager(conn, id, { ...B, clock: patient }).acquire({ wait: 60_000 });
    expect(patient.elapsed()).toBeGreaterThanOrEqual(DEFAULT_LEASE_DURATION_MS);
    expect(patient.elapsed()).toBeLessThan(DEFAULT_LEASE_DURATION_MS + DEFAULT_RETRY_PERIOD_MS);
    expect(((await record(id)) as { source: LeaseRecord }).source.holderId).toBe('host-b-202');
  });

  it('each renewal restarts the contender\'s watch: it takes over a full duration after the last renewal it saw', async () => {
    const id = nextLeaseId();
    const holder = manager(conn, id, A);
    await holder.acquire();
    const renewAt = 10_000;
    const clock = fakeClock(async (elapsed) => {
      if (elapsed === renewAt) await holder.renew();
    });
    await manager(conn, id, { ...B, clock }).acquire({ wait: 60_000 });
    expect(clock.elapsed()).toBeGreaterThanOrEqual(renewAt + DEFAULT_LEASE_DURATION_MS);
  });

  it('a holder whose renew finds the seq_no moved gets LeaseLostError, and its next writes are refused before they change anything', async () => {
    const id = nextLeaseId();
    const paused = manager(conn, id, A);
    await paused.acquire();
    await manager(conn, id, { ...B, clock: fakeClock() }).acquire({ wait: 60_000 });
    const after = (await record(id)) as { found: true; source: LeaseRecord; version: unknown };
    await expect(paused.renew()).rejects.toBeInstanceOf(LeaseLostError);
    await expect(paused.addIntent(INTENT)).rejects.toThrow(/lost the lease escred-leases\/prod-\d+: this escred does not hold it; no further write is sent/);
    expect(paused.isHeld()).toBe(false);
    const now = (await record(id)) as { found: true; source: LeaseRecord; version: unknown };
    expect([now.version, now.source.holderId, now.source.intents]).toEqual([after.version, 'host-b-202', []]);
  });

  it('intents outlive their holder: the next holder and a fresh runner read them; a clean release keeps them for the next one', async () => {
    const id = nextLeaseId();
    const first = manager(conn, id, A);
    await first.acquire();
    await first.addIntent(INTENT);
    await first.addIntent({ ...INTENT, token: 'ci-2' });
    await first.clearIntent({ ...INTENT, token: 'ci-2' });
    // first dies here: no release
    const onlooker = manager(conn, id, { host: 'ci-runner', pid: 7 });
    expect((await onlooker.readIntents()).map(({ token }) => token)).toEqual(['ci-1']);
    const second = manager(conn, id, { ...B, clock: fakeClock() });
    await second.acquire({ wait: 60_000 });
    expect(await second.readIntents()).toEqual([{ ...INTENT, since: expect.any(String) }]);
    await second.release();
    const third = manager(conn, id, { host: 'host-c', pid: 303 });
    await third.acquire();
    expect((await third.readIntents()).map(({ token }) => token)).toEqual(['ci-1']);
    await third.clearIntent(INTENT);
    await third.release();
    expect((await record(id)).found).toBe(false);
    await manager(conn, id, A).acquire(); // a deleted lease is free at once
  });

  it('every lease call carries X-Opaque-Id: escred/<holder id>, and a connection can send one on all its calls', async () => {
    const id = nextLeaseId();
    fixture.emu.clearRequests();
    const lease = manager(conn, id, A);
    await lease.acquire();
    await lease.addIntent(INTENT);
    await lease.clearIntent(INTENT);
    await lease.release();
    const leaseCalls = fixture.emu.requests().filter((r) => r.path.startsWith(`/${DEFAULT_LEASE_INDEX}/`));
    expect(leaseCalls.length).toBeGreaterThanOrEqual(5);
    expect(new Set(leaseCalls.map((r) => r.opaqueId))).toEqual(new Set(['escred/host-a-101']));
    const tagged = connect(fixture, 'elastic', 'ES_PW', fixture.env, 'escred/daemon-1');
    fixture.emu.clearRequests();
    await tagged.info();
    await tagged.close();
    expect(fixture.emu.requests().map((r) => [r.path, r.opaqueId])).toEqual([['/', 'escred/daemon-1']]);
  });

  it.each([
    // the lease index exists already (earlier tests): the write itself is refused
    ['no privilege on the lease index', ['read'], 'other-index', DEFAULT_LEASE_INDEX],
    // a lease index that does not exist yet: its auto-creation is refused
    ['write and read but not create_index', ['write', 'read'], 'escred-leases-new', 'escred-leases-new'],
  ])('credentials with %s: one error naming the index and the privileges to grant', async (_, privileges, roleIndex, leaseIndex) => {
    const role = `lease-role-${privileges.length}`;
    await conn.send('PUT', `/_security/role/${role}`, { body: { indices: [{ names: [roleIndex], privileges }] } });
    await conn.send('PUT', `/_security/user/leaser-${privileges.length}`, { body: { password: 'leaser-password', roles: [role] } });
    const limited = connect(fixture, `leaser-${privileges.length}`, 'LEASER_PW', { LEASER_PW: 'leaser-password' });
    try {
      const attempt = manager(limited, `fresh-${privileges.length}`, A, { index: leaseIndex }).acquire();
      await expect(attempt).rejects.toBeInstanceOf(LeasePermissionError);
      await expect(attempt).rejects.toThrow(`the credentials may not use the lease index [${leaseIndex}]`);
      await expect(attempt).rejects.toThrow(`grant them the index privileges create_index, write and read on [${leaseIndex}]`);
      await expect(attempt).rejects.toThrow(/Elasticsearch said: action \[indices:/);
    } finally {
      await limited.close();
    }
  });
});

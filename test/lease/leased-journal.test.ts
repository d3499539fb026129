/**
 * LeasedJournal (issue 15): intents of a leased cluster go into its lease record in the cluster
 * (a fresh runner with an empty disk reads them), the others into the local journal; begin on a
 * lost lease fails before anything is written.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyJournal } from '../../src/apply/apply-journal.js';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { LeaseLostError } from '../../src/lease/lease-errors.js';
import { LeasedJournal } from '../../src/lease/leased-journal.js';
import { startFixture, type EmulatorFixture } from '../cluster/emulator-fixture.js';
import { connect, fakeClock, manager, nextLeaseId } from './lease-support.js';

describe('LeasedJournal', () => {
  let fixture: EmulatorFixture;
  let conn: ClusterConnection;
  let stateDir: string;
  beforeAll(async () => {
    fixture = await startFixture('9.4.0', 1);
    conn = connect(fixture);
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-leased-journal-'));
  });
  afterAll(async () => {
    await conn?.close();
    await fixture?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('a leased cluster\'s intents live in the cluster: a runner with another (empty) state folder reads them; others stay local', async () => {
    const id = nextLeaseId();
    const lease = manager(conn, id, { host: 'runner-1', pid: 1 });
    await lease.acquire();
    const local = await ApplyJournal.open(path.join(stateDir, 'runner-1', 'journal.json'));
    const journal = new LeasedJournal(local, new Map([['prod', lease]]));
    await journal.begin({ cluster: 'prod', principal: 'elastic/fleet-server', token: 'a' });
    await journal.begin({ cluster: 'prod', principal: 'elastic/fleet-server', token: 'b' });
    await journal.begin({ cluster: 'lab', principal: 'elastic/kibana', token: 'k' });
    await journal.finish({ cluster: 'prod', principal: 'elastic/fleet-server', token: 'b' });
    expect([...journal.pendingKeys()].sort()).toEqual(['lab/elastic/kibana/k', 'prod/elastic/fleet-server/a']);
    expect([...local.pendingKeys()]).toEqual(['lab/elastic/kibana/k']);
    // runner-1 is lost with its disk; runner-2 starts empty and takes the lease over
    const next = manager(conn, id, { host: 'runner-2', pid: 2, clock: fakeClock() });
    await next.acquire({ wait: 60_000 });
    const fresh = new LeasedJournal(await ApplyJournal.open(path.join(stateDir, 'runner-2', 'journal.json')), new Map([['prod', next]]));
    expect([...fresh.pendingKeys()]).toEqual(['prod/elastic/fleet-server/a']);
    await fresh.settle(['prod/elastic/fleet-server/a']);
    expect(next.heldIntents()).toEqual([]);
    // the old holder's next intent is refused before its create call could be made
    await expect(journal.begin({ cluster: 'prod', principal: 'elastic/fleet-server', token: 'c' })).rejects.toBeInstanceOf(LeaseLostError);
    expect(await next.readIntents()).toEqual([]);
  });
});

/** The lease's calls work in every era the emulator serves (7.x answers carry `_type: _doc`). */
import { describe, expect, it } from 'vitest';
import { getDocument } from '../../src/cluster/document-calls.js';
import { DEFAULT_LEASE_INDEX } from '../../src/lease/lease-manager.js';
import { startFixture } from '../cluster/emulator-fixture.js';
import { connect, manager } from './lease-support.js';

describe.each(['7.14.0', '7.17.0', '8.19.0'])('lease on ES %s', (esVersion) => {
  it('acquire, intent, renew, clear, release', async () => {
    const fixture = await startFixture(esVersion, 1);
    const conn = connect(fixture);
    try {
      const lease = manager(conn, 'prod', { host: 'h', pid: 1 });
      await lease.acquire();
      await lease.addIntent({ cluster: 'prod', principal: 'elastic/fleet-server', token: 't' });
      await lease.renew();
      expect((await manager(conn, 'prod', { host: 'other', pid: 2 }).readIntents()).map((i) => i.token)).toEqual(['t']);
      await lease.clearIntent({ cluster: 'prod', principal: 'elastic/fleet-server', token: 't' });
      await lease.release();
      expect((await getDocument(conn, DEFAULT_LEASE_INDEX, 'prod')).found).toBe(false);
    } finally {
      await conn.close();
      await fixture.stop();
    }
  });
});

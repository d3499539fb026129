import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { observeCluster, observeClusters } from '../../src/cluster/observe-cluster.js';
import { desiredAccount, desiredFileToken, desiredState } from '../support/state-builders.js';
import { CREDENTIALS_ROUTE, emulatorCluster, startFixture, writeFileTokens, type EmulatorFixture } from './emulator-fixture.js';
import { ERROR_CODES } from '../../src/error-codes.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';

describe.each([
  { esVersion: '9.4.0', format: 'nodes' },
  { esVersion: '7.14.0', format: 'local' },
])('observe $esVersion ($format format)', ({ esVersion, format }) => {
  let fixture: EmulatorFixture;
  let connection: ClusterConnection;
  beforeAll(async () => {
    fixture = await startFixture(esVersion);
    connection = createClusterConnection(emulatorCluster(fixture, []), { env: fixture.env });
    await connection.createToken(FLEET, 'obs-a');
    await connection.createToken(FLEET, 'obs-b');
    await writeFileTokens(fixture, 'node-0', { [`${FLEET}/file-1`]: 'file-secret-0123456789' });
    await writeFileTokens(fixture, 'node-1', { [`${FLEET}/file-1`]: 'file-secret-0123456789' });
  });
  afterAll(async () => {
    await connection?.close();
    await fixture?.stop();
  });

  it('reads every declared account with one credentials GET each', async () => {
    const accounts = [desiredAccount(FLEET, { fileTokens: [desiredFileToken('file-1')] }), desiredAccount(KIBANA)];
    const cluster = emulatorCluster(fixture, accounts);
    fixture.emu.resetCounters();
    const observed = await observeCluster(connection, cluster);
    expect(fixture.emu.counters()[CREDENTIALS_ROUTE]).toBe(2);
    expect(observed).toMatchObject({ name: 'test', clusterUuid: fixture.emu.clusterUuid, version: esVersion });
    expect(observed.nodes?.map((n) => n.name)).toEqual(['node-0', 'node-1', 'node-2']);
    expect(observed.accounts).toContain(FLEET);
    const fleet = observed.serviceAccounts[0]!;
    expect(fleet).toMatchObject({ principal: FLEET, indexTokens: ['obs-a', 'obs-b'], format });
    if (format === 'nodes') {
      expect(fleet.fileTokens).toEqual({ 'file-1': ['node-0', 'node-1'] });
      expect(fleet.nodes).toEqual({ total: 3, successful: 3, failed: 0, failures: [] });
    } else {
      // Only the node that handled the request reports its file tokens (spec §4.2).
      expect(fleet.localNode).toMatch(/^node-\d$/);
      const expected = ['node-0', 'node-1'].includes(fleet.localNode!) ? { 'file-1': [fleet.localNode] } : {};
      expect(fleet.fileTokens).toEqual(expected);
    }
    expect(observed.serviceAccounts[1]).toMatchObject({ principal: KIBANA, indexTokens: [] });
  });

  it('does not read the node list when no file tokens are declared', async () => {
    const observed = await observeCluster(connection, emulatorCluster(fixture, [desiredAccount(FLEET)]));
    expect(observed.nodes).toBeNull();
  });

  it.runIf(format === 'nodes')('keeps a failing node as a failure (unknown), not as a node without tokens', async () => {
    fixture.emu.setFaults({ failingNodes: ['node-1'] });
    try {
      const observed = await observeCluster(connection, emulatorCluster(fixture, [desiredAccount(FLEET, { fileTokens: [desiredFileToken('file-1')] })]));
      const fleet = observed.serviceAccounts[0]!;
      const node1 = fixture.emu.nodes.find((n) => n.name === 'node-1')!;
      expect(fleet.nodes).toMatchObject({ total: 3, successful: 2, failed: 1, failures: [{ nodeId: node1.id }] });
      expect(fleet.fileTokens).toEqual({ 'file-1': ['node-0'] });
    } finally {
      fixture.emu.clearFaults();
    }
  });

  it('refuses a cluster whose UUID differs from the pin, and observeClusters keeps going for the others', async () => {
    const pinned = emulatorCluster(fixture, [desiredAccount(FLEET)], { name: 'pinned', clusterUuid: 'not-this-one' });
    const good = emulatorCluster(fixture, [desiredAccount(FLEET)], { name: 'good' });
    const connections = new Map([['pinned', connection], ['good', connection]]);
    const results = await observeClusters(desiredState([pinned, good]), connections);
    expect(results[0]).toMatchObject({ cluster: 'pinned', error: { code: ERROR_CODES.clusterUuidMismatch } });
    expect(results[0]?.observed).toBeUndefined();
    expect(results[1]?.observed?.serviceAccounts[0]?.indexTokens).toEqual(['obs-a', 'obs-b']);
  });
});

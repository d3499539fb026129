/** Observe with credentials that may read credentials but not the node list or the account list. */
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { observeCluster } from '../../src/cluster/observe-cluster.js';
import { desiredAccount, desiredCluster, desiredFileToken } from '../support/state-builders.js';
import { makeTestCa, sendJson, startTestServer, type TestCa, type TestServer } from './tls-test-server.js';

const INFO = { cluster_name: 'es', cluster_uuid: 'uuid-1', version: { number: '8.19.0', build_flavor: 'default' } };
const CREDENTIALS = { service_account: 'elastic/fleet-server', count: 1, tokens: { t1: {} },
  nodes_credentials: { _nodes: { total: 2, successful: 2, failed: 0 }, file_tokens: { f1: { nodes: ['node-0'] } } } };
const forbidden = { error: { type: 'security_exception', reason: 'action [x] is unauthorized' }, status: 403 };

let ca: TestCa;
let server: TestServer;
beforeAll(async () => {
  ca = await makeTestCa();
  server = await startTestServer(ca, (req, res) => {
    if (req.url === '/') return sendJson(res, 200, INFO);
    if (req.url?.endsWith('/credential')) return sendJson(res, 200, CREDENTIALS);
    return sendJson(res, 403, forbidden);
  });
});
afterAll(async () => {
  await server?.stop();
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});

describe('observe without monitor / account-list privileges', () => {
  beforeEach(() => {
    server.requests.length = 0;
  });

  it('leaves nodes null instead of failing, and does not ask for accounts the version is known to have', async () => {
    const cluster = desiredCluster('prod', [desiredAccount('elastic/fleet-server', { fileTokens: [desiredFileToken('f1')] })],
      { urls: [server.url], tls: { caFile: ca.caFile, isInsecure: false } });
    const connection = createClusterConnection(cluster, { env: { PW: 'pw' } });
    try {
      const observed = await observeCluster(connection, cluster);
      expect(observed.nodes).toBeNull();
      expect(observed.accounts).toEqual(['elastic/auto-ops', 'elastic/enterprise-search-server', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana']);
      expect(observed.serviceAccounts[0]).toMatchObject({ indexTokens: ['t1'], fileTokens: { f1: ['node-0'] } });
      expect(server.requests.map((r) => r.url).sort()).toEqual([
        '/', '/_cat/nodes?format=json&h=id,name&full_id=true', '/_security/service/elastic/fleet-server/credential',
      ]);
    } finally {
      await connection.close();
    }
  });

  it('asks the cluster about an account its version is not known to have, and leaves accounts null on 403', async () => {
    const cluster = desiredCluster('prod', [desiredAccount('acme/robot')], { urls: [server.url], tls: { caFile: ca.caFile, isInsecure: false } });
    const connection = createClusterConnection(cluster, { env: { PW: 'pw' } });
    try {
      const observed = await observeCluster(connection, cluster);
      expect(observed.accounts).toBeNull();
      expect(server.requests.map((r) => r.url).sort()).toEqual(['/', '/_security/service', '/_security/service/acme/robot/credential']);
    } finally {
      await connection.close();
    }
  });
});

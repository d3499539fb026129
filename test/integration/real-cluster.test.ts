/**
 * Runs escred's cluster client against a real Elasticsearch (7.13+), when one is configured.
 * Skipped unless ESCRED_TEST_ES_URL is set.
 *
 * Environment:
 *   ESCRED_TEST_ES_URL            base URL, e.g. https://localhost:9200 (several: comma separated, failover)
 *   ESCRED_TEST_ES_API_KEY        an API key ("id:key" or the base64 "encoded" form), or else
 *   ESCRED_TEST_ES_USERNAME       basic auth user, with
 *   ESCRED_TEST_ES_PASSWORD       its password
 *   ESCRED_TEST_ES_CA_FILE        optional PEM CA file for the cluster's HTTP certificate
 *   ESCRED_TEST_ES_CA_FINGERPRINT optional SHA-256 of the CA (or HTTP) certificate, as ES prints it
 *   ESCRED_TEST_ES_INSECURE       optional "true": skip certificate verification (never in production)
 *
 * The credentials need the cluster privileges monitor and manage_service_account. The test creates
 * one uniquely named token for elastic/fleet-server, observes it, deletes it, and deletes it again
 * in afterAll if anything failed in between. It never prints the token value.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkClusterInfo } from '../../src/cluster/check-cluster-info.js';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { observeCluster } from '../../src/cluster/observe-cluster.js';
import type { DesiredCluster } from '../../src/model.js';
import { fleetAccount, isRealClusterConfigured, realCluster } from './real-cluster-env.js';

const FLEET = 'elastic/fleet-server';
const TOKEN = `escred-it-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

function cluster(): DesiredCluster {
  return realCluster([fleetAccount([TOKEN])]);
}

describe.skipIf(!isRealClusterConfigured)('real Elasticsearch cluster', () => {
  let connection: ClusterConnection | undefined;
  let isCreated = false;

  afterAll(async () => {
    if (connection && isCreated) await connection.deleteToken(FLEET, TOKEN).catch(() => undefined);
    await connection?.close();
  });

  it('passes the cluster checks', async () => {
    connection = createClusterConnection(cluster());
    const info = await connection.info();
    expect(() => checkClusterInfo(cluster(), info)).not.toThrow();
  });

  it('creates a token, observes it, deletes it', async () => {
    connection ??= createClusterConnection(cluster());
    const created = await connection.createToken(FLEET, TOKEN);
    isCreated = true;
    expect(created.name).toBe(TOKEN);
    expect(created.value).toMatch(/^AAEAA/);

    const observed = await observeCluster(connection, cluster());
    expect(observed.accounts === null || observed.accounts.includes(FLEET)).toBe(true);
    expect(observed.serviceAccounts[0]?.indexTokens).toContain(TOKEN);

    expect(await connection.deleteToken(FLEET, TOKEN)).toEqual({ found: true });
    isCreated = false;
    expect(await connection.deleteToken(FLEET, TOKEN)).toEqual({ found: false });
    const after = await connection.getCredentials(FLEET);
    expect(after.indexTokens).not.toContain(TOKEN);
  });
});

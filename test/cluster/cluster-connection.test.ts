import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { ElasticsearchError } from '../../src/cluster/elasticsearch-error.js';
import { ConfigError, type EscredError } from '../../src/errors.js';
import type { DesiredCluster } from '../../src/model.js';
import { desiredAccount } from '../support/state-builders.js';
import { emulatorCluster, startFixture, type EmulatorFixture } from './emulator-fixture.js';
import { deadUrl } from './tls-test-server.js';
import { ERROR_CODES } from '../../src/error-codes.js';

const FLEET = 'elastic/fleet-server';
let fixture: EmulatorFixture;
const opened: ClusterConnection[] = [];

beforeAll(async () => {
  fixture = await startFixture('9.4.0');
});
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await fixture?.stop();
});
beforeEach(() => {
  fixture.emu.clearFaults();
  fixture.emu.resetCounters();
});

function connect(cluster: DesiredCluster = emulatorCluster(fixture, [desiredAccount(FLEET)])): ClusterConnection {
  const connection = createClusterConnection(cluster, { env: fixture.env, retry: { baseDelayMs: 10, maxDelayMs: 20 } });
  opened.push(connection);
  return connection;
}

async function failure(run: () => Promise<unknown>): Promise<EscredError> {
  try {
    await run();
  } catch (error) {
    return error as EscredError;
  }
  throw new Error('expected a failure');
}

function postCount(): number {
  return Object.entries(fixture.emu.counters()).filter(([route]) => route.startsWith('POST ')).reduce((sum, [, n]) => sum + n, 0);
}

describe('cluster connection against the emulator', () => {
  it.each(['caFile', 'caFingerprint'] as const)('reads GET / over HTTPS trusting the %s', async (trust) => {
    const info = await connect(emulatorCluster(fixture, [], { trust })).info();
    expect(info).toEqual({ clusterName: fixture.emu.clusterName, clusterUuid: fixture.emu.clusterUuid, version: '9.4.0', buildFlavor: 'default' });
  });

  it('refuses a wrong fingerprint with a clear error', async () => {
    const cluster = emulatorCluster(fixture, [], { tls: { caFingerprint: '00'.repeat(32), isInsecure: false } });
    const error = await failure(() => connect(cluster).info());
    expect(error.code).toBe(ERROR_CODES.tlsFailed);
    expect(error.message).toMatch(/no certificate in the server's chain has the pinned SHA-256 fingerprint (00:){31}00 /);
  });

  it('creates, lists and deletes a token; 409 on a second create; 404 delete is found:false', async () => {
    const connection = connect();
    const created = await connection.createToken(FLEET, 'conn-t1');
    expect(created.name).toBe('conn-t1');
    expect(created.value).toMatch(/^AAEAA/);
    expect((await connection.getCredentials(FLEET)).indexTokens).toContain('conn-t1');
    const conflict = await failure(() => connection.createToken(FLEET, 'conn-t1'));
    expect(conflict).toBeInstanceOf(ElasticsearchError);
    expect((conflict as ElasticsearchError).status).toBe(409);
    expect(conflict.message).not.toContain(created.value);
    expect(await connection.deleteToken(FLEET, 'conn-t1')).toEqual({ found: true });
    expect(await connection.deleteToken(FLEET, 'conn-t1')).toEqual({ found: false });
  });

  it('retries a GET on 503 and honours Retry-After', async () => {
    fixture.emu.setFaults({ rules: [{ method: 'GET', path: '/credential', action: 'status', status: 503, retryAfterSeconds: 1, times: 1 }] });
    const connection = connect();
    const started = Date.now();
    await connection.getCredentials(FLEET);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(connection.requestCount()).toBe(2);
  });

  it('never retries a POST that was reset: outcome unknown, sent once, token not made', async () => {
    fixture.emu.setFaults({ rules: [{ method: 'POST', action: 'reset', times: 1 }] });
    const connection = connect();
    const error = await failure(() => connection.createToken(FLEET, 'conn-reset'));
    expect(error.code).toBe(ERROR_CODES.createOutcomeUnknown);
    expect(connection.requestCount()).toBe(1);
    expect((await connection.getCredentials(FLEET)).indexTokens).not.toContain('conn-reset');
  });

  it('never retries a POST whose response was lost: outcome unknown, and the token exists', async () => {
    fixture.emu.setFaults({ rules: [{ method: 'POST', action: 'lose-response', times: 1 }] });
    const connection = connect();
    const error = await failure(() => connection.createToken(FLEET, 'conn-lost'));
    expect(error.code).toBe(ERROR_CODES.createOutcomeUnknown);
    expect(postCount()).toBe(1);
    expect((await connection.getCredentials(FLEET)).indexTokens).toContain('conn-lost');
    await connection.deleteToken(FLEET, 'conn-lost');
  });

  it('fails over from a dead URL to the live one', async () => {
    const cluster = emulatorCluster(fixture, [], { urls: [await deadUrl(), fixture.emu.url] });
    expect((await connect(cluster).info()).clusterUuid).toBe(fixture.emu.clusterUuid);
  });

  it('says which privilege is missing on 403', async () => {
    const connection = connect(emulatorCluster(fixture, [], { user: 'mon', env: 'MON_PW' }));
    const error = await failure(() => connection.getCredentials(FLEET));
    expect(error).toBeInstanceOf(ElasticsearchError);
    expect((error as ElasticsearchError).status).toBe(403);
    expect(error.message).toMatch(/GET \/_security\/service\/elastic\/fleet-server\/credential: 403 security_exception: .*needs the cluster privilege manage_service_account/);
    const create = await failure(() => connection.createToken(FLEET, 'x'));
    expect(create.message).toMatch(/needs the cluster privilege manage_service_account \(or manage_security, all\)/);
  });

  it('names the source of refused credentials on 401, never the secret', async () => {
    const connection = createClusterConnection(emulatorCluster(fixture, []), { env: { ES_PW: 'wrong-password-value' } });
    opened.push(connection);
    const error = await failure(() => connection.info());
    expect((error as ElasticsearchError).status).toBe(401);
    expect(error.message).toContain('environment variable ES_PW');
    expect(error.message).not.toContain('wrong-password-value');
  });

  it('fails with a ConfigError naming a missing environment variable, before any request', () => {
    const cluster = emulatorCluster(fixture, [], { env: 'ESCRED_NOT_SET_ANYWHERE' });
    expect(() => createClusterConnection(cluster, { env: {} })).toThrow(ConfigError);
    expect(() => createClusterConnection(cluster, { env: {} })).toThrow(/ESCRED_NOT_SET_ANYWHERE/);
    expect(fixture.emu.counters().total ?? 0).toBe(0);
  });

  it('lists nodes and service accounts', async () => {
    const connection = connect();
    const nodes = await connection.listNodes();
    expect(nodes.map((n) => n.name).sort()).toEqual(fixture.emu.nodes.map((n) => n.name).sort());
    expect(nodes.map((n) => n.id).sort()).toEqual(fixture.emu.nodes.map((n) => n.id).sort());
    expect(Object.keys(await connection.getServiceAccounts())).toContain(FLEET);
  });
});

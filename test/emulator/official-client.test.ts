/**
 * The official @elastic/elasticsearch client (9.4) talks to the emulator over HTTPS, pinning the
 * CA by the fingerprint the emulator prints, calls the five service-account API families and then
 * authenticates with a token it created itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/start-emulator.js';

describe('official client against the emulator (HTTPS, caFingerprint)', () => {
  let emu: RunningEmulator;
  let dataDir: string;
  let client: Client;
  const clients: Client[] = [];

  function newClient(auth: ConstructorParameters<typeof Client>[0]['auth']): Client {
    const created = new Client({ node: emu.url, auth, caFingerprint: emu.caFingerprint, tls: { rejectUnauthorized: false } });
    clients.push(created);
    return created;
  }

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-official-'));
    emu = await startEmulator({ dataDir, serviceTokensReloadMs: 50, refreshIntervalMs: 10 });
    client = newClient({ username: emu.superuser.username, password: emu.superuser.password });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await emu?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('info() passes the product check and reports the cluster', async () => {
    const info = await client.info();
    expect(info.cluster_uuid).toBe(emu.clusterUuid);
    expect(info.version.number).toBe('9.4.0');
    expect(info.version.build_flavor).toBe('default');
  });

  it('calls all five API families, then authenticates with the token it created', async () => {
    const accounts = await client.security.getServiceAccounts({ namespace: 'elastic', service: 'fleet-server' });
    expect(Object.keys(accounts)).toEqual(['elastic/fleet-server']);

    const created = await client.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'from-client' });
    expect(created.created).toBe(true);
    expect(created.token.name).toBe('from-client');

    const credentials = await client.security.getServiceCredentials({ namespace: 'elastic', service: 'fleet-server' });
    expect(credentials.count).toBe(1);
    expect(Object.keys(credentials.tokens)).toEqual(['from-client']);
    expect(credentials.nodes_credentials._nodes).toEqual({ total: 3, successful: 3, failed: 0 });

    const cleared = await client.security.clearCachedServiceTokens({ namespace: 'elastic', service: 'fleet-server', name: ['from-client'] });
    expect(cleared._nodes.successful).toBe(3);
    expect(Object.keys(cleared.nodes)).toEqual(emu.nodes.map((node) => node.id));

    const asToken = newClient({ bearer: created.token.value });
    const me = await asToken.security.authenticate();
    expect(me.username).toBe('elastic/fleet-server');
    expect(me.token).toEqual({ name: 'from-client', type: '_service_account_index' });

    const deleted = await client.security.deleteServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'from-client' });
    expect(deleted.found).toBe(true);
    await expect(asToken.security.authenticate()).rejects.toMatchObject({ meta: { statusCode: 401 } });
  });

  it('cluster.health, security.putRole/putUser/getUser/hasPrivileges/deleteUser/deleteRole work through the client', async () => {
    const health = await client.cluster.health({ wait_for_status: 'yellow', timeout: '5s' });
    expect([health.status, health.number_of_nodes, health.timed_out]).toEqual(['green', 3, false]);

    expect(await client.security.putRole({ name: 'client_role', cluster: ['monitor'] })).toEqual({ role: { created: true } });
    expect(await client.security.putUser({ username: 'client_user', password: 'client-password', roles: ['client_role'] })).toEqual({ created: true });
    const users = await client.security.getUser({ username: 'client_user' });
    expect(users.client_user?.roles).toEqual(['client_role']);

    const asUser = newClient({ username: 'client_user', password: 'client-password' });
    const checked = await asUser.security.hasPrivileges({ cluster: ['monitor', 'manage_security'] });
    expect(checked.cluster).toEqual({ monitor: true, manage_security: false });
    await expect(asUser.security.getServiceAccounts()).rejects.toMatchObject({ meta: { statusCode: 403 } });

    expect(await client.security.deleteUser({ username: 'client_user' })).toEqual({ found: true });
    expect(await client.security.deleteRole({ name: 'client_role' })).toEqual({ found: true });
  });

  it('a wrong fingerprint is refused by the client', async () => {
    const wrong = new Client({
      node: emu.url,
      auth: { username: emu.superuser.username, password: emu.superuser.password },
      caFingerprint: 'AA:'.repeat(31) + 'AA',
      tls: { rejectUnauthorized: false },
      maxRetries: 0,
    });
    clients.push(wrong);
    await expect(wrong.info()).rejects.toThrow(/fingerprint/i);
  });

  it('an API key from createApiKey authenticates the client', async () => {
    const key = await emu.createApiKey('client-key');
    const asKey = newClient({ apiKey: key.encoded });
    const me = await asKey.security.authenticate();
    expect(me.username).toBe('elastic');
    expect(me.authentication_type).toBe('api_key');
  });
});

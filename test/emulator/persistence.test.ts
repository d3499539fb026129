/**
 * Restarts keep the cluster: index tokens (hashes only, never secrets), node ids, cluster uuid,
 * superuser password and the TLS CA whose fingerprint is printed.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, startKit } from './emulator-test-kit.js';

const TOKENS = '/_security/service/elastic/fleet-server/credential/token';

describe('emulator restart persistence', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-persist-'));
  afterAll(() => removeDir(dataDir));

  it('tokens survive stop/start and still authenticate; the store holds no secret', async () => {
    const first = await startKit({}, dataDir);
    const created = await first.call('POST', `${TOKENS}/survivor`);
    const auto = await first.call('POST', TOKENS);
    expect([created.status, auto.status]).toEqual([200, 200]);
    const identity = { uuid: first.emu.clusterUuid, nodes: first.emu.nodes, password: first.emu.superuser.password };
    await first.close();

    const stored = fs.readFileSync(path.join(dataDir, 'index-tokens.json'), 'utf8');
    const value: string = created.json.token.value;
    const secret = Buffer.from(value, 'base64').toString('utf8').split(':')[1]!;
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(value);
    expect(JSON.parse(stored).tokens).toEqual([
      { principal: 'elastic/fleet-server', name: 'survivor', hash: expect.stringMatching(/^\{PBKDF2_STRETCH\}10000\$/) },
      { principal: 'elastic/fleet-server', name: auto.json.token.name, hash: expect.any(String) },
    ]);

    // the password alone, for a manifest's `password: { file: ... }` (examples/quickstart.yaml), readable by its owner only
    const passwordFile = path.join(dataDir, 'elastic-password');
    expect(fs.readFileSync(passwordFile, 'utf8')).toBe(`${identity.password}\n`);
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);

    const second = await startKit({}, dataDir);
    try {
      expect({ uuid: second.emu.clusterUuid, nodes: second.emu.nodes, password: second.emu.superuser.password }).toEqual(identity);
      expect(fs.readFileSync(passwordFile, 'utf8')).toBe(`${identity.password}\n`);
      const listed = await second.call('GET', '/_security/service/elastic/fleet-server/credential');
      expect(Object.keys(listed.json.tokens).sort()).toEqual(['survivor', auto.json.token.name].sort());
      const me = await second.call('GET', '/_security/_authenticate', { auth: `Bearer ${value}` });
      expect([me.status, me.json.token]).toEqual([200, { name: 'survivor', type: '_service_account_index' }]);
      expect((await second.call('POST', `${TOKENS}/survivor`)).status).toBe(409);
    } finally {
      await second.close();
    }
  });

  it('TLS: the printed fingerprint is the SHA-256 of the CA file, stable across restarts', async () => {
    const tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-tls-'));
    try {
      const first = await startKit({ isTls: true }, tlsDir);
      expect(first.emu.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = new X509Certificate(fs.readFileSync(first.emu.caFile!));
      expect(first.emu.caFingerprint).toBe(ca.fingerprint256);
      expect(first.emu.caFingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(ca.ca).toBe(true);
      expect((await first.call('GET', '/')).json.cluster_uuid).toBe(first.emu.clusterUuid);
      await first.close();
      const second = await startKit({ isTls: true }, tlsDir);
      expect(second.emu.caFingerprint).toBe(first.emu.caFingerprint);
      expect((await second.call('GET', '/_security/_authenticate')).status).toBe(200);
      await second.close();
    } finally {
      removeDir(tlsDir);
    }
  });

  it('superuserPassword option wins over the stored one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-pw-'));
    try {
      const kit = await startKit({ superuserPassword: 'chosen-password' }, dir);
      expect(kit.emu.superuser).toEqual({ username: 'elastic', password: 'chosen-password' });
      expect((await kit.call('GET', '/_security/_authenticate')).json.username).toBe('elastic');
      await kit.close();
    } finally {
      removeDir(dir);
    }
  });
});

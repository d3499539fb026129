/** Native users and roles survive a restart; the users file holds salted hashes, never a password. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { basic, removeDir, startKit } from './emulator-test-kit.js';

describe('native users and roles across restarts', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-secpersist-'));
  afterAll(() => removeDir(dataDir));

  it('a user and its role come back and still authenticate and authorize', async () => {
    const first = await startKit({}, dataDir);
    await first.call('PUT', '/_security/role/keeper_role', { body: JSON.stringify({ cluster: ['monitor'] }) });
    await first.call('PUT', '/_security/user/keeper', { body: JSON.stringify({ password: 'keeper-secret-pw', roles: ['keeper_role'] }) });
    await first.close();

    const stored = fs.readFileSync(path.join(dataDir, 'native-users.json'), 'utf8');
    expect(stored).not.toContain('keeper-secret-pw');
    expect(fs.statSync(path.join(dataDir, 'native-users.json')).mode & 0o777).toBe(0o600);

    const second = await startKit({}, dataDir);
    try {
      const health = await second.call('GET', '/_cluster/health', { auth: basic('keeper', 'keeper-secret-pw') });
      expect(health.status).toBe(200);
      expect((await second.call('GET', '/_security/role/keeper_role')).json.keeper_role.cluster).toEqual(['monitor']);
    } finally {
      await second.close();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAuthHeader } from '../../src/cluster/auth-header.js';
import { ConfigError } from '../../src/errors.js';

const SECRET = 'sup3r-s3cret-value';

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('buildAuthHeader', () => {
  it('builds Basic, ApiKey (id:key and encoded) and Bearer headers', () => {
    const env = { PW: 'pw', KEY: 'id:key', ENCODED: 'aWQ6a2V5', TOKEN: 'AAEAAtok' };
    const opts = { env, clusterName: 'prod' };
    expect(buildAuthHeader({ kind: 'basic', username: 'u', password: { env: 'PW' } }, opts)).toBe(`Basic ${Buffer.from('u:pw').toString('base64')}`);
    expect(buildAuthHeader({ kind: 'apiKey', apiKey: { env: 'KEY' } }, opts)).toBe('ApiKey aWQ6a2V5');
    expect(buildAuthHeader({ kind: 'apiKey', apiKey: { env: 'ENCODED' } }, opts)).toBe('ApiKey aWQ6a2V5');
    expect(buildAuthHeader({ kind: 'bearer', token: { env: 'TOKEN' } }, opts)).toBe('Bearer AAEAAtok');
  });

  it('names a missing or empty environment variable and the cluster', () => {
    const missing = thrown(() => buildAuthHeader({ kind: 'apiKey', apiKey: { env: 'ES_PROD_KEY' } }, { env: {}, clusterName: 'prod' }));
    expect(missing.message).toMatch(/cluster prod.*ES_PROD_KEY.*not set/);
    const empty = thrown(() => buildAuthHeader({ kind: 'apiKey', apiKey: { env: 'K' } }, { env: { K: '' }, clusterName: 'prod' }));
    expect(empty.message).toMatch(/K is empty/);
  });

  it('reads a file secret without its final newline and names an unreadable file, never the value', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-auth-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${SECRET}\n`);
    expect(buildAuthHeader({ kind: 'bearer', token: { file } }, { env: {}, clusterName: 'c' })).toBe(`Bearer ${SECRET}`);
    const missing = thrown(() => buildAuthHeader({ kind: 'bearer', token: { file: path.join(dir, 'nope') } }, { env: {}, clusterName: 'c' }));
    expect(missing.message).toContain(path.join(dir, 'nope'));
    fs.writeFileSync(file, `${SECRET}\nsecond-line\n`);
    const broken = thrown(() => buildAuthHeader({ kind: 'bearer', token: { file } }, { env: {}, clusterName: 'c' }));
    expect(broken.message).toMatch(/control character/);
    expect(broken.message).not.toContain(SECRET);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

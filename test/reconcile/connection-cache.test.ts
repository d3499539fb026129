import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionCache } from '../../src/reconcile/connection-cache.js';
import { desiredCluster } from '../support/state-builders.js';

describe('connection cache (the daemon keeps connections across passes)', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('keeps a connection while nothing it was made from changes', async () => {
    const cache = new ConnectionCache({ env: { PW: 'one' } });
    const first = cache.get(desiredCluster('prod', []));
    expect(cache.get(desiredCluster('prod', []))).toBe(first);
    await cache.close();
  });

  it('replaces it when the URL or the credentials change (a rotated API key file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'escred-cache-'));
    dirs.push(dir);
    const keyFile = join(dir, 'api-key');
    writeFileSync(keyFile, 'key-one');
    const cluster = desiredCluster('prod', [], { auth: { kind: 'apiKey', apiKey: { file: keyFile } } });
    const cache = new ConnectionCache();
    const first = cache.get(cluster);
    expect(cache.get({ ...cluster, urls: ['https://other:9200'] })).not.toBe(first);
    const second = cache.get(cluster);
    writeFileSync(keyFile, 'key-two');
    expect(cache.get(cluster)).not.toBe(second);
    await cache.close();
  });

  it("replaces it when the manifest's cluster timeout changes (the daemon picks the new limit up at the next pass)", async () => {
    const cache = new ConnectionCache({ env: { PW: 'x' } });
    const first = cache.get(desiredCluster('prod', []));
    expect(cache.get(desiredCluster('prod', [], { timeoutMs: 5_000 }))).not.toBe(first);
    await cache.close();
  });

  it('a missing secret fails get() as a new connection would, naming the variable', () => {
    const cache = new ConnectionCache({ env: {} });
    expect(() => cache.get(desiredCluster('prod', []))).toThrow(/PW/);
  });

  it('retain drops the clusters the manifest no longer declares', async () => {
    const cache = new ConnectionCache({ env: { PW: 'x' } });
    const prod = cache.get(desiredCluster('prod', []));
    const staging = cache.get(desiredCluster('staging', []));
    await cache.retain(new Set(['prod']));
    expect(cache.get(desiredCluster('prod', []))).toBe(prod);
    expect(cache.get(desiredCluster('staging', []))).not.toBe(staging);
    await cache.close();
  });
});

/**
 * Clusters whose CA file holds the same bytes share one TLS context (a 50-cluster plan built 50);
 * the context is keyed by the file's content, so a CA file edited in place is trusted as it now
 * reads: the old CA no longer opens the connection.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { emulatorCluster, startFixture, type EmulatorFixture } from './emulator-fixture.js';

describe('TLS contexts shared by CA content', () => {
  let a: EmulatorFixture;
  let b: EmulatorFixture;
  const dir = mkdtempSync(join(tmpdir(), 'escred-ca-'));
  const caFile = join(dir, 'ca.pem');
  beforeAll(async () => {
    [a, b] = await Promise.all([startFixture('9.4.0', 1), startFixture('9.4.0', 1)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const infoWith = async (fixture: EmulatorFixture) => {
    const cluster = emulatorCluster(fixture, [], { tls: { caFile, isInsecure: false } });
    const connection = createClusterConnection(cluster, { env: fixture.env, timeoutMs: 5_000, retry: { maxRetries: 0 } });
    try {
      return await connection.info();
    } finally {
      await connection.close();
    }
  };

  it('a CA file edited in place is used as it now reads, not as it was first seen', async () => {
    copyFileSync(a.emu.caFile!, caFile);
    expect((await infoWith(a)).clusterUuid).toBe(a.emu.clusterUuid);
    copyFileSync(b.emu.caFile!, caFile); // same path, another CA: a's certificate is no longer trusted
    await expect(infoWith(a)).rejects.toThrow(/TLS|certificate/i);
    expect((await infoWith(b)).clusterUuid).toBe(b.emu.clusterUuid);
  });
});

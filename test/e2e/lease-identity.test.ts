/**
 * The lease belongs to the cluster, not to a name (issue 21), end to end against the emulator:
 * a daemon holding cluster `wc` and an apply of another manifest calling the same emulator
 * `wc-alias` never write in overlapping terms (the emulator's request log, by X-Opaque-Id, proves
 * it); a manifest naming one cluster twice is refused before any write; a lease left under the
 * manifest's name by escred before issue 21 is waited for, then its intents are carried over.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createClusterConnection, type ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { getDocument } from '../../src/cluster/document-calls.js';
import { DEFAULT_LEASE_INDEX } from '../../src/lease/lease-manager.js';
import { loadDesired } from '../../src/reconcile/load-desired.js';
import { PASSWORD_ENV } from '../support/e2e-harness.js';
import { startWatchE2e, type WatchE2e } from '../watch/watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';
const isTokenWrite = (r: { method: string; path: string }) => r.path.includes('/credential/token/') && r.method !== 'GET';

describe('one writer per cluster, whatever the manifest calls it', () => {
  let env: WatchE2e;
  let conn: ClusterConnection;
  /** a manifest file with these clusters (name -> tokens), each owning w-* and pruning */
  const manifest = (file: string, clusters: Record<string, string[]>, extra: Record<string, unknown> = {}) => {
    const path = join(env.work, file);
    writeFileSync(path, stringify({
      apiVersion: 'escred/v1', secrets: { directory: './secrets' }, lease: { duration: '1500ms' },
      clusters: Object.entries(clusters).map(([name, tokens]) => ({
        name, url: env.emulator.url, tls: { caFile: env.emulator.caFile },
        auth: { basic: { username: env.emulator.superuser.username, password: { env: PASSWORD_ENV } } },
        serviceAccounts: { [ACCOUNT]: { prune: 'owned', owns: 'w-*', tokens: tokens.map((name) => ({ name })) } },
        ...extra,
      })),
    }));
    return path;
  };
  beforeAll(async () => {
    env = await startWatchE2e({ nodeCount: 1 });
    const { desired } = await loadDesired([manifest('conn.yaml', { wc: [] })], env.work);
    conn = createClusterConnection(desired.clusters[0]!, { env: { [PASSWORD_ENV]: env.emulator.superuser.password } });
  });
  afterAll(async () => {
    await conn?.close();
    await env?.closeAll();
  });
  beforeEach(() => env.emulator.clearRequests());

  it('a daemon holds wc; an apply calling the same cluster wc-alias is refused, naming the holder, and writes only after the daemon stopped', async () => {
    const daemonManifest = manifest('daemon.yaml', { wc: ['w-1'] });
    const daemon = await env.watch({ paths: [daemonManifest], isApplying: true, holderId: 'daemon-1', fleet: 'team-a' });
    await daemon.waitForPass((p) => p.result === 'success');
    expect(await env.indexTokens(ACCOUNT)).toEqual(['w-1']);
    const aliasManifest = manifest('alias.yaml', { 'wc-alias': ['w-2'] });
    const refused = await env.cli(['apply', aliasManifest, '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cluster wc-alias: the lease escred-leases/${env.emulator.clusterUuid} is held by daemon-1`);
    expect(refused.stderr).toContain('as cluster wc of fleet team-a');
    expect(await env.indexTokens(ACCOUNT)).toEqual(['w-1']);
    await daemon.stop();
    const applied = await env.cli(['apply', aliasManifest, '--auto-approve']);
    expect(applied.code).toBe(0);
    expect(await env.indexTokens(ACCOUNT)).toEqual(['w-2']);
    // the request log: every token write of the daemon comes before the first token write of any other escred
    const writes = env.emulator.requests().filter(isTokenWrite);
    const daemonWrites = writes.filter((r) => r.opaqueId === 'escred/daemon-1');
    const others = writes.filter((r) => r.opaqueId !== 'escred/daemon-1');
    expect(daemonWrites.length).toBeGreaterThan(0);
    expect(others.map((r) => `${r.method} ${r.path.split('/').at(-1)}`).sort()).toEqual(['DELETE w-1', 'POST w-2']);
    expect(Math.max(...daemonWrites.map((r) => r.at))).toBeLessThanOrEqual(Math.min(...others.map((r) => r.at)));
    expect((await env.whoIs(readSink(env, 'wc-alias', 'w-2'))).token?.name).toBe('w-2');
  });

  it.each([['with leases', {}], ['with lease: off', { lease: 'off' }]])('a manifest naming one cluster twice is an error before any write (%s)', async (_, extra) => {
    const path = manifest('twice.yaml', { wc: ['w-3'], 'wc-again': ['w-4'] }, extra);
    for (const args of [['plan', path], ['apply', path, '--auto-approve']]) {
      const run = await env.cli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the manifest names one cluster twice: wc \(.*twice\.yaml:\d+:\d+\) and wc-again \(.*twice\.yaml:\d+:\d+\) are one Elasticsearch cluster/);
    }
    expect(env.emulator.requests().filter(isTokenWrite)).toEqual([]);
  });

  it('first start against a lease written under the manifest name by escred before issue 21: held, it is waited for; released, its intents carry over and it is deleted', async () => {
    const path = manifest('legacy.yaml', { wc: ['w-1', 'w-5'] });
    // the record as escred before issue 21 wrote it: under the name, no clusterName, no fleet
    const old = (fields: Record<string, unknown>) => ({
      formatVersion: 1, holderId: 'old-escred', host: 'old', pid: 9, acquiredAt: '2026-12-01T00:00:00.000Z', renewedAt: '2026-12-01T00:00:00.000Z',
      leaseDurationMs: 60_000, releasedAt: null, writeId: 'w1', intents: [], ...fields,
    });
    expect((await env.es('PUT', `/${DEFAULT_LEASE_INDEX}/_doc/wc?op_type=create&refresh=true`, old({}))).status).toBe(201);
    const refused = await env.cli(['apply', path, '--auto-approve']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cluster wc: the lease escred-leases/wc is held by old-escred (host old, pid 9) under its manifest name (an escred from before fleets)');
    expect(env.emulator.requests().filter(isTokenWrite)).toEqual([]);
    // the old escred made w-5 and was lost before its sink write, then released with the intent kept
    expect((await env.es('POST', `/_security/service/${ACCOUNT}/credential/token/w-5`)).status).toBe(200);
    const intent = { cluster: 'wc', principal: ACCOUNT, token: 'w-5', since: '2026-12-01T00:00:01.000Z' };
    expect((await env.es('PUT', `/${DEFAULT_LEASE_INDEX}/_doc/wc?refresh=true`, old({ holderId: '', releasedAt: '2026-12-01T00:00:02.000Z', writeId: 'w2', intents: [intent] }))).status).toBe(200);
    const applied = await env.cli(['apply', path, '--auto-approve']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/w-5.*replaced/);
    expect((await env.whoIs(readSink(env, 'wc', 'w-5'))).token?.name).toBe('w-5');
    expect((await getDocument(conn, DEFAULT_LEASE_INDEX, 'wc')).found).toBe(false);
  });

  it('a cluster named like a document of the lease index is a manifest error at file:line:col', async () => {
    const path = manifest('reserved.yaml', { 'escred-replicas': [] });
    const run = await env.cli(['validate', path]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/reserved\.yaml:\d+:\d+: .*cluster name "escred-replicas" is reserved/);
  });
});

function readSink(env: WatchE2e, cluster: string, token: string): string | undefined {
  try {
    return readFileSync(join(env.sinkDir, cluster, ACCOUNT, token), 'utf8');
  } catch {
    return undefined;
  }
}

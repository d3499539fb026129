/**
 * Several `escred watch --apply` replicas on one manifest (issue 15), in-process against the
 * emulator over HTTPS: the clusters spread (3 replicas, 12 clusters: each holds 2-6, no cluster
 * held twice), every token is created once, /metrics and /readyz say which leases a replica holds,
 * a replica that stops gives its clusters to the others, and a lease left by a dead holder is
 * taken over once seen unrenewed for its duration (log, counter, notifier.leaseTakenOver).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { LeaseManager } from '../../src/lease/lease-manager.js';
import { standInUuid } from '../../src/emulator/stand-in.js';
import { loadDesired } from '../../src/reconcile/load-desired.js';
import type { RunningWatch } from '../../src/watch/start-watch.js';
import { PASSWORD_ENV } from '../support/e2e-harness.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const FLEET = 'elastic/fleet-server';
const CLUSTERS = Array.from({ length: 12 }, (_, i) => `c${String(i).padStart(2, '0')}`);

/** polls (the test's timeout bounds it: no timed assertion) */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('watch --apply replicas share the clusters through their leases', () => {
  let env: WatchE2e;
  const manifest = (names: readonly string[], file: string) => {
    const path = join(env.work, file);
    writeFileSync(path, stringify({
      apiVersion: 'escred/v1', secrets: { directory: './secrets' }, lease: { duration: '1500ms' },
      // one emulator stands in for every cluster (a cluster UUID of its own under /_stand-in/<name>): each cluster's token has its own name
      clusters: names.map((name) => ({
        name, url: `${env.emulator.url}/_stand-in/${name}`, tls: { caFile: env.emulator.caFile },
        auth: { basic: { username: env.emulator.superuser.username, password: { env: PASSWORD_ENV } } },
        serviceAccounts: { [FLEET]: { tokens: [{ name: `t-${name}` }] } },
      })),
    }));
    return path;
  };
  beforeAll(async () => {
    env = await startWatchE2e({ nodeCount: 1 });
  });
  afterAll(async () => {
    await env?.closeAll();
  });

  it('3 replicas, 12 clusters: each holds 2 to 6, none twice, each token made once; a replica that stops hands its clusters over', async () => {
    const path = manifest(CLUSTERS, 'replicas.yaml');
    const replicas: RunningWatch[] = [];
    for (const id of ['r1', 'r2', 'r3']) replicas.push(await env.watch({ paths: [path], isApplying: true, holderId: id, resyncMs: 1_000 }));
    const spread = () => {
      const held = replicas.map((r) => r.leasesHeld());
      const all = held.flat();
      return held.every((h) => h.length >= 2 && h.length <= 6) && all.length === 12 && new Set(all).size === 12;
    };
    await until(async () => spread() && (await env.indexTokens(FLEET)).length === 12);

    const creates = env.emulator.requests().filter((r) => r.method === 'POST' && r.path.includes('/credential/token/'));
    expect(creates.map((r) => r.path.split('/').pop()).sort()).toEqual(CLUSTERS.map((c) => `t-${c}`));
    for (const create of creates) expect(['escred/r1', 'escred/r2', 'escred/r3']).toContain(create.opaqueId);
    for (const cluster of CLUSTERS) expect((await env.whoIs(readSink(env, cluster))).status).toBe(200);

    const [r1] = replicas;
    const metrics = await (await request(`${r1!.url}/metrics`)).body.text();
    for (const cluster of CLUSTERS) {
      expect(metrics).toContain(`escred_lease_held{cluster="${cluster}"} ${r1!.leasesHeld().includes(cluster) ? 1 : 0}`);
    }
    const ready = await (await request(`${r1!.url}/readyz`)).body.text();
    expect(ready).toMatch(new RegExp(`leases held \\(${r1!.leasesHeld().length} of 12, fleet m-[0-9a-f]{12}\\): ${r1!.leasesHeld().join(', ')}`));

    await replicas[2]!.stop();
    await until(() => replicas[0]!.leasesHeld().length === 6 && replicas[1]!.leasesHeld().length === 6);
    expect(new Set([...replicas[0]!.leasesHeld(), ...replicas[1]!.leasesHeld()]).size).toBe(12);
    await replicas[0]!.stop();
    await replicas[1]!.stop();
  });

  it('a cluster whose lease cannot be checked (it refuses connections) is a failed pass, not silently skipped', async () => {
    const path = join(env.work, 'dead.yaml');
    writeFileSync(path, stringify({
      apiVersion: 'escred/v1', secrets: { directory: './secrets' },
      clusters: [{ name: 'dead', url: 'https://127.0.0.1:1', tls: { caFile: env.emulator.caFile },
        auth: { basic: { username: 'elastic', password: { env: PASSWORD_ENV } } }, serviceAccounts: { [FLEET]: { tokens: [{ name: 't-dead' }] } } }],
    }));
    const watch = await env.watch({ paths: [path], isApplying: true, holderId: 'r7' });
    const pass = await watch.waitForPass(() => true);
    expect(pass).toMatchObject({ verdict: 'retryable', result: 'error' });
    expect(watch.isReady()).toBe(false);
    await watch.stop();
  });

  it('a lease left by a dead holder is taken over once seen unrenewed for its duration: log, counter and notifier', async () => {
    const path = manifest(['solo'], 'solo.yaml');
    const { desired } = await loadDesired([path], env.work);
    const connection = createClusterConnection(desired!.clusters[0]!, { env: { [PASSWORD_ENV]: env.emulator.superuser.password } });
    const id = standInUuid(env.emulator.clusterUuid, 'solo');
    await new LeaseManager({ connection, id, holderId: 'dead-pod-1-beef', host: 'dead-pod', pid: 1, leaseDurationMs: 1_500 }).acquire();
    await connection.close();
    const watch = await env.watch({
      paths: [path], isApplying: true, holderId: 'r9',
      notify: { targets: [{ format: 'json', url: new URL('http://127.0.0.1:9/'), label: 'http://127.0.0.1:9' }], attempts: 1 },
    });
    const takenOver = vi.spyOn(watch.notifier!, 'leaseTakenOver');
    await until(() => watch.leasesHeld().includes('solo'));
    expect(takenOver).toHaveBeenCalledWith({ cluster: 'solo', holder: 'r9', previousHolder: 'dead-pod-1-beef' });
    expect(env.events()).toContainEqual(expect.objectContaining({ event: 'lease-taken-over', cluster: 'solo' }));
    expect(await (await request(`${watch.url}/metrics`)).body.text()).toContain('escred_lease_takeovers_total{cluster="solo"} 1');
    await until(async () => (await env.indexTokens(FLEET)).includes('t-solo'));
    await watch.stop();
  });
});

function readSink(env: WatchE2e, cluster: string): string | undefined {
  try {
    return readFileSync(join(env.sinkDir, cluster, FLEET, `t-${cluster}`), 'utf8');
  } catch {
    return undefined;
  }
}

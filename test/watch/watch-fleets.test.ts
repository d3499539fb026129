/**
 * Fleets and unreconciled clusters (issue 21), daemons in-process against one emulator standing in
 * for two clusters (es1, es2: a cluster UUID each under /_stand-in/): daemon A (fleet team-a) runs
 * {wd on es2}; daemon X (fleet team-x) runs {alpha on es2, beta on es1}. Each fleet reconciles its
 * own clusters; A is never counted as X's replica; alpha, held by A, is reported by X as held by a
 * second writer (pass result, /readyz naming it, escred_cluster_reconciled, --notify) until A stops.
 * A daemon whose manifest becomes invalid releases its leases and is not ready.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PASSWORD_ENV } from '../support/e2e-harness.js';
import { notificationSchema, startReceiver, type Receiver } from './notify-receiver.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('fleets: replicas of one manifest share work; another fleet holding a lease is a second writer', () => {
  let env: WatchE2e;
  let receiver: Receiver;
  const manifest = (file: string, clusters: Record<string, string>) => {
    const path = join(env.work, file);
    writeFileSync(path, stringify({
      apiVersion: 'escred/v1', secrets: { directory: './secrets' }, lease: { duration: '1500ms' },
      clusters: Object.entries(clusters).map(([name, standIn]) => ({
        name, url: `${env.emulator.url}/_stand-in/${standIn}`, tls: { caFile: env.emulator.caFile },
        auth: { basic: { username: env.emulator.superuser.username, password: { env: PASSWORD_ENV } } },
        serviceAccounts: { [ACCOUNT]: { tokens: [{ name: `t-${name}` }] } },
      })),
    }));
    return path;
  };
  const text = async (url: string) => {
    const response = await request(url);
    return { status: response.statusCode, body: await response.body.text() };
  };
  beforeAll(async () => {
    env = await startWatchE2e({ nodeCount: 1 });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await env?.closeAll();
  });

  it('two fleets on one emulator each reconcile their own clusters; the cluster both name is reported unreconciled by the fleet that cannot hold it', async () => {
    const a = await env.watch({ paths: [manifest('a.yaml', { wd: 'es2' })], isApplying: true, holderId: 'a-1', fleet: 'team-a', resyncMs: 500 });
    await a.waitForPass((p) => p.result === 'success');
    const x = await env.watch({
      paths: [manifest('x.yaml', { alpha: 'es2', beta: 'es1' })], isApplying: true, holderId: 'x-1', fleet: 'team-x', resyncMs: 500,
      notify: { targets: [{ format: 'json', url: new URL(receiver.url), label: receiver.url }] },
    });
    const unreconciled = await x.waitForPass((p) => p.result === 'unreconciled', 20_000);
    expect(unreconciled.unreconciled).toEqual([expect.objectContaining({ cluster: 'alpha', code: 'ESCRED_CLUSTER_UNRECONCILED' })]);
    expect(unreconciled.unreconciled![0]!.message).toContain('held by a second writer, a-1');
    expect(unreconciled.unreconciled![0]!.message).toContain('as cluster wd of fleet team-a');
    // each fleet reconciled its own: wd by A, beta by X; alpha (the same cluster as wd) by nobody while A holds it
    expect(await env.indexTokens(ACCOUNT)).toEqual(['t-beta', 't-wd']);
    expect(x.leasesHeld()).toEqual(['beta']);
    // A is not X's replica: X counts one live replica in its fleet
    expect(env.events()).toContainEqual(expect.objectContaining({ event: 'leases-held', detail: 'holding 1 of 2 leases (fleet team-x: 1 live replicas): beta' }));
    const ready = await text(`${x.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toContain('unreconciled: cluster alpha: no replica of fleet team-x has held its lease');
    const metrics = (await text(`${x.url}/metrics`)).body;
    expect(metrics).toContain('escred_cluster_reconciled{cluster="alpha"} 0');
    expect(metrics).toContain('escred_cluster_reconciled{cluster="beta"} 1');
    expect(metrics).toMatch(/escred_passes_total\{result="unreconciled"\} [1-9]/);
    expect((await text(`${a.url}/readyz`)).status).toBe(200);
    expect((await text(`${a.url}/metrics`)).body).toContain('escred_cluster_reconciled{cluster="wd"} 1');
    await x.notifier!.settled();
    const failed = receiver.received.map((r) => r.json).filter((b) => b.event === 'failed');
    expect(failed).toHaveLength(1);
    expect((await notificationSchema())(failed[0])).toBe(true);
    expect(failed[0].errors).toEqual([expect.objectContaining({ cluster: 'alpha', code: 'ESCRED_CLUSTER_UNRECONCILED' })]);

    // the other fleet stops: X takes alpha, makes its token, and is ready
    await a.stop();
    await until(async () => (await env.indexTokens(ACCOUNT)).includes('t-alpha'));
    await x.waitForPass((p) => p.result === 'success');
    expect((await text(`${x.url}/readyz`)).status).toBe(200);
    await x.notifier!.settled();
    expect(receiver.received.map((r) => r.json.event)).toContain('recovered');
    await x.stop();
  });

  it.each([
    ['becomes invalid', (path: string) => writeFileSync(path, 'apiVersion: escred/v1\nclusters: [ {name: solo\n'), 'invalid_manifest'],
    ['is deleted', (path: string) => rmSync(path), 'error'],
  ])('a daemon whose manifest %s releases its leases at once and is not ready', async (_, breakIt, result) => {
    const path = manifest('solo.yaml', { solo: 'es3' });
    const daemon = await env.watch({ paths: [path], isApplying: true, holderId: 'solo-1' });
    await daemon.waitForPass((p) => p.result === 'success');
    expect(daemon.leasesHeld()).toEqual(['solo']);
    breakIt(path);
    const broken = await daemon.waitForPass((p) => p.isManifestUnusable === true);
    expect(broken).toMatchObject({ verdict: 'failed', result });
    expect(daemon.leasesHeld()).toEqual([]);
    const ready = await text(`${daemon.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toContain('the manifest cannot be loaded: every lease was released');
    // another escred may write at once: an apply does not wait for the lease
    const apply = await env.cli(['apply', manifest('solo-apply.yaml', { solo: 'es3' }), '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    await daemon.stop();
  });
});

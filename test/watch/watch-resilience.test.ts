import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/watch/watch-clock.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';
const tokens = (...names: string[]) => ({ [ACCOUNT]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });

async function get(url: string): Promise<{ status: number; text: string; type: string }> {
  const response = await request(url);
  return { status: response.statusCode, text: await response.body.text(), type: String(response.headers['content-type']) };
}

describe('escred watch: symlink swaps, outages, health and metrics', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  it('notices a ConfigMap-style ..data symlink swap and applies the new manifest', async () => {
    e2e = await startWatchE2e();
    const config = join(e2e.work, 'config');
    const version = (name: string, ...names: string[]) => {
      e2e!.writeManifest(tokens(...names));
      mkdirSync(join(config, name), { recursive: true });
      writeFileSync(join(config, name, 'escred.yaml'), readFileSync(e2e!.manifestPath));
    };
    version('..v1', 'gitops-a');
    symlinkSync('..v1', join(config, '..data'));
    symlinkSync('..data/escred.yaml', join(config, 'escred.yaml'));
    const watch = await e2e.watch({ paths: ['config'], isApplying: true });
    await watch.waitForPass(() => true);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);

    // what the kubelet does: write a new folder, point a temporary link at it, rename the link over ..data
    version('..v2', 'gitops-a', 'gitops-b');
    symlinkSync('..v2', join(config, '..data_tmp'));
    renameSync(join(config, '..data_tmp'), join(config, '..data'));
    await watch.waitForPass((p) => p.trigger === 'change' && p.result === 'success');
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-b']);
  });

  it('recovers from a 503 period with exponential backoff; ready only after the first success; metrics count it all', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a'));
    // each failing pass makes one matching GET (credentials; the account list is not asked for known accounts): three failing passes
    e2e.emulator.setFaults({ rules: [{ path: '/_security/service', action: 'status', status: 503, times: 3 }] });
    const watch = await e2e.watch({ isApplying: true, backoffInitialMs: 100, clock: { ...systemClock, random: () => 0.5 } });
    const first = await watch.waitForPass(() => true);
    expect(first).toMatchObject({ verdict: 'retryable', result: 'error' });
    expect((await get(`${watch.url}/readyz`)).status).toBe(503);
    expect((await get(`${watch.url}/healthz`)).status).toBe(200);

    const recovered = await watch.waitForPass((p) => p.verdict === 'ok', 10_000);
    expect(recovered.trigger).toBe('retry');
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);
    const passes = watch.passes();
    expect(passes.map((p) => p.verdict)).toEqual(['retryable', 'retryable', 'retryable', 'ok']);
    // the wait between the end of one pass and the start of the next doubles: 75, 150, 300 ms (random() = 0.5)
    const waits = passes.slice(1).map((p, i) => p.startedAtMs - (passes[i]!.startedAtMs + passes[i]!.durationMs));
    [75, 150, 300].forEach((expected, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(expected - 5);
      expect(waits[i]).toBeLessThan(expected + 250); // slack for a busy CI machine; the lower bounds prove the doubling
    });
    expect(e2e.events().some((e) => e.event === 'cluster-error' && e.cluster === 'e2e' && e.code === 'ESCRED_ES_503')).toBe(true);

    expect((await get(`${watch.url}/readyz`)).status).toBe(200);
    const metrics = await get(`${watch.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.type).toContain('text/plain');
    expect(metrics.text).toContain('escred_passes_total{result="error"} 3');
    expect(metrics.text).toContain('escred_passes_total{result="success"} 1');
    expect(metrics.text).toContain('escred_pass_duration_seconds_count 4');
    expect(metrics.text).toContain('escred_changes_applied_total{action="create",outcome="created"} 1');
    expect(metrics.text).toContain('escred_drift{cluster="e2e",account="elastic/fleet-server"} 0');
    const lastSuccess = Number(/^escred_last_success_timestamp_seconds (\S+)$/m.exec(metrics.text)?.[1]);
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(30);
    expect((await get(`${watch.url}/nope`)).status).toBe(404);
  });

  it('shows drift per account in report-only mode, and no drift series for a cluster it cannot observe', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest({ ...tokens('gitops-a', 'gitops-b'), 'elastic/kibana': { tokens: [{ name: 'gitops-k' }] } });
    const watch = await e2e.watch();
    await watch.waitForPass(() => true);
    const metrics = await get(`${watch.url}/metrics`);
    expect(metrics.text).toContain('escred_drift{cluster="e2e",account="elastic/fleet-server"} 2');
    expect(metrics.text).toContain('escred_drift{cluster="e2e",account="elastic/kibana"} 1');
    expect(metrics.text).toContain('escred_passes_total{result="drift"} 1');
    expect(metrics.text).not.toContain('escred_changes_applied_total{');

    e2e.emulator.setFaults({ rules: [{ action: 'status', status: 503 }] });
    e2e.writeManifest(tokens('gitops-a'));
    await watch.waitForPass((p) => p.trigger === 'change');
    expect((await get(`${watch.url}/metrics`)).text).not.toContain('escred_drift{');
    e2e.emulator.clearFaults();
  });
});

describe('escred watch: shutdown time limit', () => {
  it('stop() gives up on a pass that overruns the shutdown timeout and says so', async () => {
    const e2e = await startWatchE2e();
    try {
      e2e.writeManifest(tokens('gitops-a'));
      e2e.emulator.setFaults({ latencyMs: 400 });
      const watch = await e2e.watch({ isApplying: true, shutdownTimeoutMs: 100 });
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      expect(await watch.stop()).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(e2e.events().at(-1)).toMatchObject({ event: 'stopped', level: 'error' });
      // let the abandoned pass end before the emulator goes away
      e2e.emulator.clearFaults();
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      await e2e.closeAll();
    }
  });
});

import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';
const tokens = (...names: string[]) => ({ [ACCOUNT]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('escred watch against the emulator', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  it('applies an edit so the change is visible in the cluster, and reports only without --apply', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a'));
    const watch = await e2e.watch({ isApplying: true });
    await watch.waitForPass(() => true);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);
    expect(e2e.sinkValue(ACCOUNT, 'gitops-a')).toBeDefined();

    e2e.writeManifest(tokens('gitops-a', 'gitops-b'));
    const pass = await watch.waitForPass((p) => p.trigger === 'change');
    expect(pass.result).toBe('success');
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-b']);
    expect(e2e.events().filter((e) => e.event === 'change').map((e) => [e.token, e.detail])).toEqual([
      ['gitops-a', 'create: created'], ['gitops-b', 'create: created'],
    ]);
    await watch.stop();

    const reportOnly = await e2e.watch();
    e2e.writeManifest(tokens('gitops-a', 'gitops-b', 'gitops-c'));
    const reported = await reportOnly.waitForPass((p) => p.trigger === 'change');
    expect(reported).toMatchObject({ result: 'drift', verdict: 'ok', hasRemainingChanges: true });
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-b']);
    expect(e2e.events().some((e) => e.event === 'drift' && e.token === 'gitops-c' && e.account === ACCOUNT)).toBe(true);
  });

  it('recreates a token deleted out of band at the next resync', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a'));
    const watch = await e2e.watch({ isApplying: true, resyncMs: 400, jitter: 0 });
    await watch.waitForPass(() => true);
    expect((await e2e.es('DELETE', `/_security/service/${ACCOUNT}/credential/token/gitops-a`)).status).toBe(200);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual([]);
    const resync = await watch.waitForPass((p) => p.trigger === 'resync' && (p.changeSet?.entries.length ?? 0) > 0);
    expect(resync.changeSet?.entries.map((c) => `${c.token} ${c.outcome}`)).toEqual(['gitops-a created']);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);
  });

  it('an invalid edit changes nothing and is reported until an edit fixes it', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a'));
    const watch = await e2e.watch({ isApplying: true, resyncMs: 300, jitter: 0 });
    await watch.waitForPass(() => true);
    e2e.emulator.resetCounters();
    writeFileSync(e2e.manifestPath, 'apiVersion: escred/v1\nclusters: [ {name: broken\n');
    await watch.waitForPass((p) => p.result === 'invalid_manifest');
    // reported again at the resync, without a call to the cluster but the release of its lease (issue 21: it cannot use it)
    const again = await watch.waitForPass((p) => p.trigger === 'resync');
    expect(again.result).toBe('invalid_manifest');
    expect(Object.entries(e2e.emulator.counters()).filter(([key]) => key !== 'total')).toEqual([['DELETE /{index}/_doc/{id}', 1]]);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);
    expect(e2e.events().some((e) => e.event === 'manifest-invalid' && e.level === 'error')).toBe(true);
    expect(e2e.events().some((e) => e.event === 'manifest-diagnostic' && String(e.detail).includes('escred.yaml:'))).toBe(true);

    e2e.writeManifest(tokens('gitops-a', 'gitops-fixed'));
    await watch.waitForPass((p) => p.trigger === 'change' && p.result === 'success');
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-fixed']);
  });

  it('a standing manifest warning (tls.insecure: true) is logged once, not on every pass; again once it left and came back', async () => {
    e2e = await startWatchE2e();
    const insecure = () => e2e!.events().filter((e) => e.event === 'manifest-warning' && e.code === 'ESCRED_TLS_INSECURE');
    e2e.writeManifest(tokens('gitops-a'), { tls: { insecure: true } });
    const watch = await e2e.watch({ resyncMs: 150, jitter: 0 });
    await watch.waitForPass(() => watch.passes().length >= 3);
    expect(insecure()).toEqual([expect.objectContaining({ level: 'warn', detail: expect.stringMatching(/escred\.yaml:\d+:\d+: tls\.insecure: true turns certificate verification off/) })]);
    e2e.writeManifest(tokens('gitops-a'), { tls: { caFile: e2e.emulator.caFile } });
    await watch.waitForPass((p) => p.trigger === 'change');
    e2e.writeManifest(tokens('gitops-a'), { tls: { insecure: true } });
    await watch.waitForPass((p) => p.trigger === 'change');
    await watch.waitForPass((p) => p.trigger === 'resync');
    expect(insecure()).toHaveLength(2);
  });

  it('turns a burst of 50 edits into a few passes that end at the last edit', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-0'));
    const watch = await e2e.watch({ isApplying: true, debounceMs: 150 });
    await watch.waitForPass(() => true);
    for (let i = 1; i <= 50; i += 1) {
      e2e.writeManifest(tokens(`gitops-${i}`));
      await sleep(10);
    }
    // the cluster ends at the last edit (prune removes the earlier ones)
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await e2e.indexTokens(ACCOUNT)).join() !== 'gitops-50') await sleep(100);
    await sleep(400);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-50']);
    const changePasses = watch.passes().filter((p) => p.trigger === 'change');
    expect(changePasses.length).toBeGreaterThanOrEqual(1);
    expect(changePasses.length).toBeLessThanOrEqual(6);
    expect(watch.passes().every((p) => p.verdict === 'ok')).toBe(true);
  });
});

/**
 * A value lost from the sink (issue 23 §2): someone deletes the token's value from the secret sink
 * (a Kubernetes Secret, a Vault path; here the directory sink's file). With `onValueLost: replace`
 * the plan says why and the daemon replaces the token at its next resync; with `warn` (the
 * default) it only warns, and the token and its value in the cluster are left alone.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';

describe('a value deleted from the sink, with the daemon running', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  async function startWithLostValue(onValueLost: 'replace' | undefined) {
    const env = (e2e = await startWatchE2e({ nodeCount: 1 }));
    env.writeManifest({ [ACCOUNT]: { ...(onValueLost ? { onValueLost } : {}), tokens: [{ name: 'app' }] } });
    const watch = await env.watch({ isApplying: true, resyncMs: 300, jitter: 0 });
    await watch.waitForPass(() => true);
    const lost = env.sinkValue(ACCOUNT, 'app')!;
    expect((await env.whoIs(lost)).token?.name).toBe('app');
    // the next resync pass that changed something: registered before the value goes, so it cannot be missed
    const nextChange = watch.waitForPass((p) => (p.changeSet?.entries.length ?? 0) > 0);
    nextChange.catch(() => undefined);
    rmSync(join(env.sinkDir, 'e2e', ACCOUNT, 'app'));
    return { env, lost, watch, nextChange };
  }

  it('onValueLost: replace: the plan says why, and the daemon replaces the token at the next resync', async () => {
    const { env, lost, nextChange } = await startWithLostValue('replace');
    const healed = await nextChange;
    expect(healed.trigger).toBe('resync');
    expect(env.events().some((e) => e.event === 'drift' && e.detail === 'replace: onValueLost: replace: the secret sink no longer holds its value')).toBe(true);
    expect(healed.changeSet!.entries.map((e) => `${e.token} ${e.action} ${e.outcome}`)).toEqual(['app replace replaced']);
    const fresh = env.sinkValue(ACCOUNT, 'app');
    expect(fresh).toBeDefined();
    expect((await env.whoIs(fresh)).token?.name).toBe('app');
    expect((await env.whoIs(lost)).status).toBe(401);
  });

  it('onValueLost: warn (the default): each pass warns and changes nothing', async () => {
    const { env, lost, watch } = await startWithLostValue(undefined);
    const pass = await watch.waitForPass((p) => p.trigger === 'resync');
    expect(pass.changeSet?.entries ?? []).toEqual([]);
    expect(env.events().some((e) => e.event === 'plan-warning' && e.code === 'ESCRED_SECRET_NOT_IN_SINK' && e.token === 'app')).toBe(true);
    expect((await env.cli(['plan'])).stdout).toContain('app exists but the secret sink has no value for it');
    expect(await env.indexTokens(ACCOUNT)).toEqual(['app']);
    expect(env.sinkValue(ACCOUNT, 'app')).toBeUndefined();
    expect((await env.whoIs(lost)).status).toBe(200);
  });
});

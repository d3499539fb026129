/**
 * Issue 23 §4 on the real daemon against the emulator: the per-token series on /metrics (info,
 * rotation due, created, overdue, policy violations), and --notify's rotation-overdue and
 * verification-failed events, each sent once per token until a pass finds it recovered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseNotifySpec, resolveNotifyTargets } from '../../src/watch/notify-targets.js';
import { expectNoSecretLeaked } from '../support/e2e-harness.js';
import { notificationSchema, startReceiver, type Receiver } from './notify-receiver.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const FLEET = 'elastic/fleet-server';
const OVERDUE = 'ci-20200101T000000Z';
const notify = (url: string) => ({ targets: resolveNotifyTargets([parseNotifySpec(url)], 'json', {}), timeoutMs: 500, attempts: 1, backoffMs: 20, backoffMaxMs: 50, closeGraceMs: 200 });

describe('escred watch: token lifecycle metrics and notifications', () => {
  let e2e: WatchE2e | undefined;
  let receiver: Receiver | undefined;
  afterEach(async () => {
    if (e2e && receiver) expectNoSecretLeaked(e2e.sinkDir, receiver.received.map((x) => x.text));
    await e2e?.closeAll();
    await receiver?.close();
    e2e = undefined;
    receiver = undefined;
  });

  /** A current generation made in 2020 whose value the sink holds, and a hand-made unowned token. */
  async function startWithOverdueGeneration(): Promise<WatchE2e> {
    const env = (e2e = await startWatchE2e({ nodeCount: 1 }));
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: ['ci-*'], tokens: [{ name: 'ci', rotate: { every: '30d', overlap: '1d' } }] } },
      { policy: { forbidUnowned: true } });
    const made = await env.es('POST', `/_security/service/${FLEET}/credential/token/${OVERDUE}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(env.sinkDir, 'e2e', FLEET), { recursive: true });
    writeFileSync(join(env.sinkDir, 'e2e', FLEET, OVERDUE), made.json.token.value, { mode: 0o600 });
    expect((await env.es('POST', `/_security/service/${FLEET}/credential/token/hand`)).status).toBe(200);
    return env;
  }

  it('/metrics has a series per token with its status, rotation due and creation time, and counts overdue tokens and violations', async () => {
    const env = await startWithOverdueGeneration();
    const watch = await env.watch(); // report-only: the overdue generation stays as it is
    await watch.waitForPass(() => true);
    const text = await (await fetch(`${watch.url}/metrics`)).text();
    const labels = `cluster="e2e",account="${FLEET}",token="${OVERDUE}"`;
    expect(text).toContain(`escred_token_info{${labels},kind="index",status="current-generation"} 1`);
    expect(text).toContain(`escred_token_info{cluster="e2e",account="${FLEET}",token="hand",kind="index",status="unowned"} 1`);
    expect(text).toContain(`escred_token_rotation_due_timestamp_seconds{${labels}} ${Date.UTC(2020, 0, 31) / 1000}`);
    expect(text).toContain(`escred_token_created_timestamp_seconds{${labels},kind="index"} ${Date.UTC(2020, 0, 1) / 1000}`);
    expect(text).toContain('escred_tokens_overdue{cluster="e2e"} 1');
    expect(text).toContain('escred_policy_violations{cluster="e2e"} 1');
    expect(text).not.toContain('escred_token_created_timestamp_seconds{cluster="e2e",account="elastic/fleet-server",token="hand"');
  });

  it('--notify: rotation-overdue once per token while it stays overdue, per the schema', async () => {
    const env = await startWithOverdueGeneration();
    receiver = await startReceiver();
    const watch = await env.watch({ notify: notify(receiver.url), resyncMs: 200, jitter: 0 });
    await watch.waitForPass(() => true);
    await watch.waitForPass((p) => p.trigger === 'resync');
    await watch.notifier?.settled();
    const overdue = receiver.received.filter((r) => r.json.event === 'rotation-overdue');
    expect(overdue).toHaveLength(1);
    expect((await notificationSchema())(overdue[0]!.json)).toBe(true);
    expect(overdue[0]!.json.tokens).toEqual([{ cluster: 'e2e', account: FLEET, token: OVERDUE, detail: 'rotation was due 2020-01-31T00:00:00.000Z' }]);
  });

  it('--notify: verification-failed once per token until it recovers, and nothing older is deleted meanwhile', async () => {
    const env = (e2e = await startWatchE2e({ nodeCount: 1 }));
    receiver = await startReceiver();
    // an old generation past the overlap and a current one whose sink value is another token's
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: ['ci-*'], tokens: [{ name: 'ci', rotate: { every: '3650d', overlap: '1d' } }] } });
    const old = await env.es('POST', `/_security/service/${FLEET}/credential/token/ci-20200101T000000Z`);
    const current = `ci-${new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
    const made = await env.es('POST', `/_security/service/${FLEET}/credential/token/${current}`);
    expect(made.status).toBe(200);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(env.sinkDir, 'e2e', FLEET), { recursive: true });
    writeFileSync(join(env.sinkDir, 'e2e', FLEET, current), old.json.token.value, { mode: 0o600 });
    const watch = await env.watch({ isApplying: true, notify: notify(receiver.url), resyncMs: 200, jitter: 0 });
    await watch.waitForPass(() => true);
    await watch.waitForPass(() => true); // a failed apply is retried (backoff): the same failure, not sent again
    await watch.notifier?.settled();
    const failed = receiver.received.filter((r) => r.json.event === 'verification-failed');
    expect(failed).toHaveLength(1);
    expect((await notificationSchema())(failed[0]!.json)).toBe(true);
    expect(failed[0]!.json.tokens).toEqual([expect.objectContaining({ cluster: 'e2e', account: FLEET, token: current })]);
    expect(await env.indexTokens(FLEET)).toEqual(['ci-20200101T000000Z', current]);
    expect(env.events().some((e) => e.event === 'change' && e.outcome === 'failed' && String(e.detail).includes(`verification of ${current} failed`))).toBe(true);
    // the right value back in the sink: the next pass verifies it and retires the old generation
    const recovered = watch.waitForPass((p) => (p.changeSet?.entries ?? []).some((e) => e.outcome === 'deleted'));
    writeFileSync(join(env.sinkDir, 'e2e', FLEET, current), made.json.token.value, { mode: 0o600 });
    await recovered;
    expect(await env.indexTokens(FLEET)).toEqual([current]);
  });
});

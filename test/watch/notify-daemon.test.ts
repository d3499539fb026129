/** --notify on the real daemon against the emulator, with real HTTP receivers on loopback (up, down, slow). */
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { expectNoSecretLeaked } from '../support/e2e-harness.js';
import { parseNotifySpec, resolveNotifyTargets } from '../../src/watch/notify-targets.js';
import { deadUrl, notificationSchema, startReceiver, type Receiver } from './notify-receiver.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';
const tokens = (...names: string[]) => ({ [ACCOUNT]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });
const notify = (...values: string[]) => ({
  targets: resolveNotifyTargets(values.map(parseNotifySpec), 'json', {}), timeoutMs: 500, attempts: 2, backoffMs: 20, backoffMaxMs: 50, closeGraceMs: 200,
});

describe('escred watch --notify', () => {
  let e2e: WatchE2e | undefined;
  let receivers: Receiver[] = [];
  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  afterEach(async () => {
    // no sink value in any body a receiver got, as in the daemon's logs
    if (e2e) expectNoSecretLeaked(e2e.sinkDir, receivers.flatMap((r) => r.received.map((x) => x.text)));
    await e2e?.closeAll();
    await Promise.all(receivers.map((r) => r.close()));
    e2e = undefined;
    receivers = [];
  });

  it('--apply: one applied notification per pass that changed something, JSON per the schema and Slack text', async () => {
    e2e = await startWatchE2e();
    const json = await receiver();
    const slack = await receiver();
    e2e.writeManifest(tokens('gitops-a', 'gitops-b'));
    const watch = await e2e.watch({ isApplying: true, notify: notify(json.url, `slack=${slack.url}`) });
    await watch.waitForPass(() => true);
    e2e.writeManifest(tokens('gitops-a', 'gitops-b')); // same content: a pass that changes nothing sends nothing
    await watch.waitForPass((p) => p.trigger === 'change');
    await watch.notifier?.settled();
    expect(json.received).toHaveLength(1);
    const body = json.received[0]!.json;
    expect((await notificationSchema())(body)).toBe(true);
    expect(body).toMatchObject({ formatVersion: 1, source: 'escred', event: 'applied', mode: 'apply', summary: 'applied 2 changes on 1 cluster' });
    expect(body.changes.map((c: any) => [c.cluster, c.account, c.token, c.action, c.outcome]).sort()).toEqual([ // in the order the calls finished
      ['e2e', ACCOUNT, 'gitops-a', 'create', 'created'], ['e2e', ACCOUNT, 'gitops-b', 'create', 'created'],
    ]);
    expect(slack.received.map((x) => x.json.text)).toEqual([expect.stringContaining(`• e2e ${ACCOUNT} \`gitops-a\`: create created`)]);
  });

  it('report-only: drift is sent when it appears or changes, not on every pass; a failed pass once, then recovered', async () => {
    e2e = await startWatchE2e();
    const r = await receiver();
    e2e.writeManifest(tokens('gitops-a'));
    const watch = await e2e.watch({ notify: notify(r.url) });
    await watch.waitForPass(() => true);
    e2e.writeManifest(tokens('gitops-a'));
    await watch.waitForPass((p) => p.trigger === 'change');
    e2e.writeManifest(tokens('gitops-a', 'gitops-b'));
    await watch.waitForPass((p) => p.trigger === 'change');
    writeFileSync(e2e.manifestPath, 'apiVersion: escred/v1\nclusters: [ {name: broken\n');
    await watch.waitForPass((p) => p.result === 'invalid_manifest');
    e2e.writeManifest(tokens('gitops-a', 'gitops-b'));
    await watch.waitForPass((p) => p.result === 'drift');
    await watch.notifier?.settled();
    expect(r.received.map((x) => [x.json.event, x.json.drift?.map((d: any) => `${d.kind} ${d.token}`)])).toEqual([
      ['drift', ['create gitops-a']],
      ['drift', ['create gitops-a', 'create gitops-b']],
      ['failed', undefined],
      ['recovered', undefined],
      ['drift', ['create gitops-a', 'create gitops-b']], // after a failure the drift is news again
    ]);
    expect(r.received[2]!.json.errors[0].message).toMatch(/manifest/i);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual([]); // report-only changed nothing
    const validate = await notificationSchema();
    for (const { json } of r.received) expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a receiver that is down and one that never answers: the daemon goes on applying, and stops without waiting for them', async () => {
    e2e = await startWatchE2e();
    const slow = await receiver();
    slow.script('hang', 'hang', 'hang', 'hang');
    const down = await deadUrl();
    e2e.writeManifest(tokens('gitops-a'));
    const watch = await e2e.watch({ isApplying: true, notify: { ...notify(down, slow.url), timeoutMs: 60_000 } });
    await watch.waitForPass(() => true);
    await slow.waitFor(1); // the first notification is stuck at the slow receiver
    e2e.writeManifest(tokens('gitops-a', 'gitops-b'));
    const second = await watch.waitForPass((p) => p.trigger === 'change');
    expect(second.result).toBe('success');
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-b']);
    expect(slow.received).toHaveLength(1); // still on its first, 60 s timeout: the second waits in its queue
    expect(await watch.stop()).toBe(true);
    const events = e2e.events().filter((e) => String(e.event).startsWith('notify-'));
    expect(events.filter((e) => e.event === 'notify-failed').map((e) => e.detail)).toEqual([
      expect.stringMatching(new RegExp(`^applied notification to ${new URL(down).origin} failed after 2 attempt\\(s\\): ECONNREFUSED$`)),
      expect.stringMatching(/^applied notification to .* failed after 2 attempt\(s\): ECONNREFUSED$/),
    ]);
    expect(events.some((e) => e.event === 'notify-abandoned')).toBe(true);
    expect(e2e.lines.join('\n')).not.toContain('/hooks/');
  });
});

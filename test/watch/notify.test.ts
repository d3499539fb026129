/** --notify's pieces against a real HTTP receiver on loopback: targets, bodies, retries, timeouts. */
import { afterEach, describe, expect, it } from 'vitest';
import { summarize, type ClusterPlan, type Plan } from '../../src/plan/plan-types.js';
import { appliedNotification, driftNotification, MAX_ITEMS, slackBody, type NotificationContext } from '../../src/watch/notify-events.js';
import { NotifySender } from '../../src/watch/notify-sender.js';
import { parseNotifyFormat, parseNotifySpec, resolveNotifyTargets, type NotifyTarget } from '../../src/watch/notify-targets.js';
import { Notifier } from '../../src/watch/notify.js';
import { createWatchLogger } from '../../src/watch/watch-logger.js';
import { deadUrl, notificationSchema, startReceiver, type Receiver } from './notify-receiver.js';

const context: NotificationContext = { time: '2026-12-01T14:00:00.000Z', host: 'escred-0', mode: 'apply' };
const FAST = { timeoutMs: 300, attempts: 3, backoffMs: 10, backoffMaxMs: 50 };

function logged() {
  const lines: string[] = [];
  const log = createWatchLogger({ write: (line) => lines.push(line) });
  return { log, lines, events: () => lines.map((l) => JSON.parse(l) as Record<string, string>) };
}

const target = (url: string, format: 'json' | 'slack' = 'json'): NotifyTarget => resolveNotifyTargets([parseNotifySpec(`${format}=${url}`)], 'json', {})[0]!;

let receivers: Receiver[] = [];
async function receiver() {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

describe('--notify targets', () => {
  it.each([
    ['https://hooks.example.com/x', { source: { url: 'https://hooks.example.com/x' } }],
    ['slack=https://hooks.slack.com/services/T/B/K', { format: 'slack', source: { url: 'https://hooks.slack.com/services/T/B/K' } }],
    ['json=env:ESCRED_HOOK', { format: 'json', source: { env: 'ESCRED_HOOK' } }],
    ['env:SLACK_URL', { source: { env: 'SLACK_URL' } }],
  ])('%s', (value, expected) => {
    expect(parseNotifySpec(value)).toEqual(expected);
  });

  it.each([
    ['ftp://example.com/x', '--notify must be an http:// or https:// URL, got a ftp: URL'],
    ['not a url with-key-abc123', '--notify must be an http:// or https:// URL (or env:NAME)'],
    ['env:1BAD', "--notify env:NAME needs an environment variable name, got 'env:1BAD'"],
    ['teams=https://x.example', '--notify must be an http:// or https:// URL (or env:NAME)'],
    ['https://user:pass-abc123@hooks.example.com/x', '--notify must not hold a user name or password (user:pass@hooks.example.com): escred does not send credentials that way'],
    ['json=https://only-user@hooks.example.com/x', '--notify must not hold a user name or password (user:pass@hooks.example.com)'],
  ])('refuses %s without echoing a URL', (value, message) => {
    expect(() => parseNotifySpec(value)).toThrow(message);
    expect(() => parseNotifySpec(value)).not.toThrow(/abc123|only-user/);
  });

  it('reads env: URLs when the daemon starts, naming the variable, never its value', () => {
    const specs = [parseNotifySpec('env:HOOK')];
    expect(() => resolveNotifyTargets(specs, 'slack', {})).toThrow('--notify env:HOOK: the environment variable is not set');
    expect(() => resolveNotifyTargets(specs, 'slack', { HOOK: 'key-abc123' })).toThrow(/^--notify env:HOOK must be an http/);
    expect(() => resolveNotifyTargets(specs, 'slack', { HOOK: 'key-abc123' })).not.toThrow(/key-abc123/);
    expect(() => resolveNotifyTargets(specs, 'slack', { HOOK: 'https://u:key-abc123@hooks.example.com/x' }))
      .toThrow(/^--notify env:HOOK must not hold a user name or password \(user:pass@hooks.example.com\)/);
    expect(() => resolveNotifyTargets(specs, 'slack', { HOOK: 'https://u:key-abc123@hooks.example.com/x' })).not.toThrow(/key-abc123/);
    expect(resolveNotifyTargets(specs, 'slack', { HOOK: 'https://hooks.slack.com:443/services/T/B/K?x=1' })[0])
      .toMatchObject({ format: 'slack', label: 'https://hooks.slack.com' });
    expect(() => parseNotifyFormat('xml')).toThrow("--notify-format must be slack or json, got 'xml'");
  });
});

describe('notification bodies', () => {
  const plan = (clusters: ClusterPlan[]): Plan => ({ formatVersion: 1, clusters, summary: summarize(clusters) });
  const prod: ClusterPlan = {
    cluster: 'prod', clusterUuid: 'u', version: '9.4.0', observedDigest: 'd', warnings: [],
    actions: [{ kind: 'create', principal: 'elastic/kibana', token: 'k1', reason: 'declared, not in the cluster' }],
    fileTokenDrift: [{ principal: 'elastic/kibana', token: 'boot', missingOn: ['node-1'], unexpectedOn: [], unknownOn: [] }],
  };

  it('JSON bodies match schemas/notification.schema.json, and lists stop at MAX_ITEMS with a count', async () => {
    const validate = await notificationSchema();
    const entries = Array.from({ length: MAX_ITEMS + 5 }, (_, i) => ({ cluster: 'prod', principal: 'elastic/kibana', token: `t${i}`, action: 'create' as const, outcome: 'created' as const }));
    const applied = appliedNotification(context, entries);
    expect(validate(applied), JSON.stringify(validate.errors)).toBe(true);
    expect(applied).toMatchObject({ event: 'applied', summary: `applied ${MAX_ITEMS + 5} changes on 1 cluster`, omitted: 5 });
    expect(applied.changes).toHaveLength(MAX_ITEMS);
    const drift = driftNotification({ ...context, mode: 'report-only' }, plan([prod]));
    expect(validate(drift), JSON.stringify(validate.errors)).toBe(true);
    expect(drift.drift).toEqual([
      { cluster: 'prod', account: 'elastic/kibana', token: 'k1', kind: 'create', reason: 'declared, not in the cluster' },
      { cluster: 'prod', account: 'elastic/kibana', token: 'boot', kind: 'file-token', reason: 'missing on node-1' },
    ]);
    expect(validate({ ...drift, event: 'failed' })).toBe(false); // a failed notification must carry errors
  });

  it('user-managed accounts: their drift and applied changes carry no token, and validate', async () => {
    const validate = await notificationSchema();
    const withAccount: ClusterPlan = { ...prod, actions: [], fileTokenDrift: [],
      accountActions: [{ kind: 'update-account', principal: 'team/ingest', roles: ['w'], isEnabled: true, rolesAdded: ['w'], rolesRemoved: [], enabledBefore: true, reason: 'roles differ' }] };
    const drift = driftNotification({ ...context, mode: 'report-only' }, plan([withAccount]));
    expect(drift.drift).toEqual([{ cluster: 'prod', account: 'team/ingest', token: '', kind: 'update-account', reason: 'roles: +w' }]);
    expect(validate(drift), JSON.stringify(validate.errors)).toBe(true);
    const applied = appliedNotification(context, [{ cluster: 'prod', principal: 'team/ingest', token: '', action: 'update-account', outcome: 'updated' }]);
    expect(validate(applied), JSON.stringify(validate.errors)).toBe(true);
    expect(slackBody(applied).text).toContain('• prod account team/ingest: update-account updated');
  });

  it('user-managed account drift names who last changed the account (issue 22), and validates', async () => {
    const validate = await notificationSchema();
    const changedBy = { principal: 'alice', realm: 'default_native', realmType: 'native', atMs: Date.UTC(2026, 11, 7, 10), isCreation: false, isEscred: false };
    const withAccount: ClusterPlan = { ...prod, actions: [], fileTokenDrift: [],
      accountActions: [{ kind: 'update-account', principal: 'team/ingest', roles: [], isEnabled: true, rolesAdded: [], rolesRemoved: ['superuser'], enabledBefore: true, changedBy, reason: 'differs' }] };
    const drift = driftNotification({ ...context, mode: 'report-only' }, plan([withAccount]));
    expect(drift.drift).toEqual([{ cluster: 'prod', account: 'team/ingest', token: '', kind: 'update-account',
      reason: 'roles: -superuser (changed by alice (native) at 2026-12-07T10:00:00.000Z)', changedBy }]);
    expect(validate(drift), JSON.stringify(validate.errors)).toBe(true);
  });

  it('Slack body: one text in mrkdwn, with &, < and > escaped as Slack asks', () => {
    const applied = appliedNotification(context, [{ cluster: 'prod', principal: 'elastic/kibana', token: 'k1', action: 'create', outcome: 'failed', detail: 'sink said <no> & stopped' }]);
    expect(slackBody(applied)).toEqual({
      text: ':white_check_mark: *escred* on `escred-0`: applied 0 changes, 1 failed on 1 cluster\n• prod elastic/kibana `k1`: create failed (sink said &lt;no&gt; &amp; stopped)',
    });
  });
});

describe('sending', () => {
  it('posts JSON with its content type; a 503 then a 429 with Retry-After are retried until it is taken', async () => {
    const r = await receiver();
    r.script(503, { status: 429, headers: { 'retry-after': '0' } });
    const { log, events } = logged();
    const sender = new NotifySender(target(r.url), { log, ...FAST });
    sender.send('applied', { hello: 'world' });
    await sender.settled();
    expect(r.received.map((x) => [x.headers['content-type'], x.json])).toEqual(Array(3).fill(['application/json', { hello: 'world' }]));
    expect(events().map((e) => e.event)).toEqual(['notify-retry', 'notify-retry', 'notify-sent']);
  });

  it('a 400 is final: no retry, one error line naming the receiver by origin only', async () => {
    const r = await receiver();
    r.script(400);
    const { log, lines, events } = logged();
    const sender = new NotifySender(target(r.url), { log, ...FAST });
    sender.send('drift', {});
    await sender.settled();
    expect(r.received).toHaveLength(1);
    expect(events()).toMatchObject([{ level: 'error', event: 'notify-failed', detail: `drift notification to ${new URL(r.url).origin} failed after 1 attempt(s): HTTP 400` }]);
    expect(lines.join('')).not.toContain('secret-webhook-key');
  });

  it('a receiver that is down: bounded attempts, then given up; the send call itself returns at once', async () => {
    const url = await deadUrl();
    const { log, events } = logged();
    const sender = new NotifySender(target(url), { log, ...FAST });
    sender.send('failed', {});
    expect(events()).toEqual([]); // nothing happened yet: send() only queued
    await sender.settled();
    expect(events().map((e) => e.event)).toEqual(['notify-retry', 'notify-retry', 'notify-failed']);
    expect(events().at(-1)?.detail).toMatch(/failed after 3 attempt\(s\): ECONNREFUSED$/);
  });

  it('a receiver that never answers: each attempt times out, and close() does not hang on it', async () => {
    const r = await receiver();
    r.script('hang', 'hang', 'hang', 'hang');
    const { log, events } = logged();
    const sender = new NotifySender(target(r.url), { log, ...FAST, attempts: 2 });
    sender.send('applied', {});
    await sender.settled();
    expect(events().map((e) => [e.event, e.detail?.replace(/retrying in \d+ ms$/, 'retrying in N ms')])).toEqual([
      ['notify-retry', `applied notification to ${new URL(r.url).origin}: no answer within 300 ms; retrying in N ms`],
      ['notify-failed', `applied notification to ${new URL(r.url).origin} failed after 2 attempt(s): no answer within 300 ms`],
    ]);
    const slow = new NotifySender(target(r.url), { log, ...FAST, timeoutMs: 60_000 });
    slow.send('applied', {});
    await r.waitFor(3);
    await slow.close(10); // a stopping daemon gives the queue a grace period, then abandons it
    expect(events().at(-1)).toMatchObject({ event: 'notify-abandoned' });
  });

  it('a queue that grows past maxQueue drops the newest with a warning instead of growing without bound', async () => {
    const r = await receiver();
    r.script('hang');
    const { log, events } = logged();
    const sender = new NotifySender(target(r.url), { log, ...FAST, attempts: 1, maxQueue: 2 });
    for (let i = 0; i < 4; i += 1) sender.send('drift', { i });
    expect(events().filter((e) => e.event === 'notify-dropped')).toHaveLength(2);
    await sender.settled();
    expect(r.received.map((x) => x.json)).toEqual([{ i: 0 }, { i: 1 }]);
  });
});

describe('Notifier: what is sent when', () => {
  const failedPass = (message: string) => ({ result: 'error' as const, error: { message } });
  const okPass = { result: 'success' as const, plan: { formatVersion: 1 as const, clusters: [], summary: summarize([]) } };

  it('the same failure twice is sent once; the first good pass after it sends recovered; both formats per receiver', async () => {
    const json = await receiver();
    const slack = await receiver();
    const { log } = logged();
    const notifier = new Notifier({ targets: [target(json.url), target(slack.url, 'slack')], isApplying: true, host: 'escred-0', log, ...FAST });
    notifier.passFinished(failedPass('cluster prod: connection refused'));
    notifier.passFinished(failedPass('cluster prod: connection refused'));
    notifier.passFinished(failedPass('cluster prod: 401'));
    notifier.passFinished(okPass);
    notifier.passFinished(okPass);
    notifier.leaseTakenOver({ cluster: 'prod', holder: 'escred-1', previousHolder: 'escred-0' });
    await notifier.settled();
    expect(json.received.map((x) => [x.json.event, x.json.summary])).toEqual([
      ['failed', 'reconcile pass failed: cluster prod: connection refused'],
      ['failed', 'reconcile pass failed: cluster prod: 401'],
      ['recovered', 'reconcile passes succeed again'],
      ['lease-taken-over', 'escred-1 took over the lease of cluster prod from escred-0'],
    ]);
    expect(slack.received.map((x) => Object.keys(x.json))).toEqual(Array(4).fill(['text']));
    const validate = await notificationSchema();
    for (const { json: body } of json.received) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  });
});

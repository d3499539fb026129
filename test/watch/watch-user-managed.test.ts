/**
 * Issue 14: the daemon repairs user-managed account drift made by hand (a role added in Kibana, the
 * account disabled) at the next resync, like token drift, and escred_drift counts it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

// enabled declared: the daemon puts back a flag the manifest declares (left out, a hand-set flag is kept: test/e2e/user-managed-accounts.test.ts)
const manifest = { 'team/ingest': { roles: ['logs-writer'], enabled: true, tokens: [{ name: 't1' }] } };

describe('escred watch and user-managed accounts', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  it('puts back roles and enabled changed out of band at the next resync; report mode shows the drift in metrics', async () => {
    e2e = await startWatchE2e({ esVersion: '9.6.0', nodeCount: 1 });
    e2e.writeManifest(manifest);
    const watch = await e2e.watch({ isApplying: true, resyncMs: 400, jitter: 0 });
    const first = await watch.waitForPass(() => true);
    expect({ result: first.result, error: first.error }).toEqual({ result: 'success', error: undefined });
    const account = async () => (await e2e!.es('GET', '/_security/service/team/ingest')).json['team/ingest'];
    expect(await account()).toMatchObject({ type: 'user_managed', roles: ['logs-writer'], enabled: true });

    await e2e.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer', 'superuser'], enabled: false });
    const repaired = await watch.waitForPass((p) => p.trigger === 'resync' && (p.changeSet?.entries.length ?? 0) > 0);
    expect(repaired.changeSet?.entries.map((c) => `${c.principal} ${c.action} ${c.outcome}`)).toEqual(['team/ingest update-account updated']);
    expect(await account()).toMatchObject({ type: 'user_managed', roles: ['logs-writer'], enabled: true });
    expect(e2e.events().filter((e) => e.event === 'change' && e.action === 'update-account').map((e) => [e.account, e.detail]))
      .toEqual([['team/ingest', 'update-account: updated']]);
    const applied = await (await request(`${watch.url}/metrics`)).body.text();
    expect(applied).toMatch(/escred_changes_applied_total\{action="update-account",outcome="updated"\} 1/);
    await watch.stop();

    // the drift exists before the report-only daemon starts, so its first pass must find it
    await e2e.es('PUT', '/_security/service/team/ingest', { roles: [], enabled: true });
    const reportOnly = await e2e.watch({ resyncMs: 0 });
    const pass = await reportOnly.waitForPass(() => true);
    expect(pass.result).toBe('drift');
    // the change was made with escred's own credentials (the superuser): the drift line says so (issue 22)
    expect(e2e.events().filter((e) => e.event === 'drift' && e.account === 'team/ingest').map((e) => e.detail))
      .toContainEqual(expect.stringMatching(/^update-account: roles: \+logs-writer \(changed by escred at \d{4}-[\d-]+T[\d:.]+Z\)$/));
    const metrics = await (await request(`${reportOnly.url}/metrics`)).body.text();
    expect(metrics).toMatch(/escred_drift\{cluster="e2e",account="team\/ingest"\} 1/);
  });
});

/** The everyday loop against the emulator: first apply, no-op plan, add, remove, prune, protect, max-deletions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';

describe('plan and apply, end to end', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const fleet = (tokens: unknown[], extra: Record<string, unknown> = {}) =>
    ({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens, ...extra } });

  it('first apply creates every declared token and puts each value in the sink', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-b' }]));
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ create  gitops-a');
    expect(plan.stdout).toContain('Plan: 2 to create, 0 to replace, 0 to delete');

    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('Apply complete! Resources: 2 created, 0 replaced, 0 deleted.');
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'gitops-b']);
    for (const name of ['gitops-a', 'gitops-b']) {
      const value = e2e.sinkValue(FLEET, name)!;
      const who = await e2e.whoIs(value);
      expect(who).toMatchObject({ status: 200, username: FLEET, token: { name, type: '_service_account_index' } });
    }
  });

  it('a second plan has no changes and exits 0 even with --detailed-exitcode', async () => {
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('No changes.');
  });

  it('adding a token creates only it; the JSON plan says so', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-b' }, { name: 'gitops-c' }]));
    const plan = await e2e.cli(['plan', '--output', 'json']);
    const json = JSON.parse(plan.stdout);
    expect(json.formatVersion).toBe(1);
    expect(json.clusters[0].actions).toEqual([expect.objectContaining({ kind: 'create', principal: FLEET, token: 'gitops-c' })]);
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'gitops-b', 'gitops-c']);
  });

  it('removing a token deletes it and its sink value; unowned tokens stay, with a warning', async () => {
    await e2e.es('POST', `/_security/service/${FLEET}/credential/token/made-by-hand`);
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-b' }]));
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('- delete  gitops-c');
    expect(apply.stdout).toMatch(/made-by-hand is not declared and no owns pattern matches it/);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'gitops-b', 'made-by-hand']);
    expect(e2e.sinkValue(FLEET, 'gitops-c')).toBeUndefined();
  });

  it('prune none keeps owned tokens that left the manifest', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }], { prune: 'none' }));
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/gitops-b matches owns 'gitops-\*' but is not declared; prune is off/);
  });

  it('protect patterns keep tokens that left the manifest (issue 12, item 9)', async () => {
    await e2e.es('POST', `/_security/service/${FLEET}/credential/token/gitops-keep-1`);
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-b' }], { protect: ['gitops-keep-*', 'gitops-b'] }));
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    e2e.writeManifest(fleet([{ name: 'gitops-a' }], { protect: ['gitops-keep-*', 'gitops-b'] }));
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'gitops-b', 'gitops-keep-1', 'made-by-hand']);
  });

  it('protect: true on a token is a manifest error naming what to write instead, and nothing is written', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-new', protect: true }]));
    const before = await e2e.indexTokens(FLEET);
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/escred\.yaml:\d+:\d+: .*protect on a token is no longer supported.*protect: \["gitops-new"\]/);
    expect(await e2e.indexTokens(FLEET)).toEqual(before);
  });

  it('max-deletions fails the plan instead of deleting many tokens, and apply changes nothing', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-b' }, { name: 'gitops-x1' }, { name: 'gitops-x2' }, { name: 'gitops-x3' }], { protect: ['gitops-keep-*'] }));
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    e2e.writeManifest(fleet([{ name: 'gitops-a' }], { protect: ['gitops-keep-*'] }), { maxDeletions: 2 });
    const before = await e2e.indexTokens(FLEET);
    const plan = await e2e.cli(['plan']);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('the plan deletes 4 tokens on cluster e2e, more than the limit of 2');
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(await e2e.indexTokens(FLEET)).toEqual(before);
    const override = await e2e.cli(['apply', '--auto-approve', '--max-deletions', '4']);
    expect(override.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'gitops-keep-1', 'made-by-hand']);
  });

  it('apply refuses to run unattended without --auto-approve and changes nothing', async () => {
    e2e.writeManifest(fleet([{ name: 'gitops-a' }, { name: 'gitops-new' }]));
    const apply = await e2e.cli(['apply']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('apply needs --auto-approve');
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-new');
  });

  it('an account the cluster does not have is a warning in plan, not a failed create in apply', async () => {
    e2e.writeManifest({ ...fleet([{ name: 'gitops-a' }], { protect: ['gitops-keep-*'] }), 'elastic/robot': { tokens: [{ name: 'x' }] } });
    const plan = await e2e.cli(['plan', '--output', 'json']);
    expect(plan.code).toBe(0);
    const cluster = JSON.parse(plan.stdout).clusters[0];
    expect(cluster.actions).toEqual([]);
    expect(cluster.warnings).toContainEqual(expect.objectContaining({ code: 'ESCRED_UNKNOWN_ACCOUNT', principal: 'elastic/robot' }));
  });

  it('an invalid manifest stops apply before any call, with file:line:col', async () => {
    (await import('node:fs')).writeFileSync(e2e.manifestPath, 'apiVersion: escred/v1\nclusters: [ {name: e2e\n');
    const before = e2e.emulator.counters().total ?? 0;
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/escred\.yaml:\d+:\d+: error: /);
    expect(e2e.emulator.counters().total ?? 0).toBe(before);
  });

  it('every mutating call is in the audit log, without a value', async () => {
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(`${e2e.work}/.escred/audit.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThanOrEqual(9);
    expect(lines).toContainEqual({ time: expect.any(String), cluster: 'e2e', account: FLEET, token: 'gitops-a', action: 'create', outcome: 'ok' });
    expect(lines.some((l) => l.action === 'delete' && l.token === 'gitops-c' && l.outcome === 'ok')).toBe(true);
  });
});

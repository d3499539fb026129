/** Saved plans and cluster identity: a plan applies only to the state and the cluster it was made for. */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const fleet = (...names: string[]) => ({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });

describe('saved plans and cluster identity', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('plan --out then apply plan.json applies exactly that plan, without asking', async () => {
    e2e.writeManifest(fleet('gitops-a'));
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    const apply = await e2e.cli(['apply', 'plan.json']);
    expect(apply.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a']);
  });

  it('refuses a plan whose cluster changed since, and writes nothing', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b'));
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    await e2e.es('POST', `/_security/service/${FLEET}/credential/token/someone-else`);
    const apply = await e2e.cli(['apply', 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`cluster e2e changed since the plan was made (the tokens of ${FLEET}); run escred plan again`);
    expect(apply.stderr).toContain('[ESCRED_PLAN_STALE]');
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'someone-else']);
  });

  it('refuses a plan when the manifest changed since', async () => {
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    e2e.writeManifest(fleet('gitops-a', 'gitops-c'));
    const apply = await e2e.cli(['apply', 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('the manifest changed since the plan was made');
    expect(await e2e.indexTokens(FLEET)).toEqual(['gitops-a', 'someone-else']);
  });

  it('refuses a plan made for another cluster (different UUID at the same URL)', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b'));
    expect((await e2e.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    const saved = JSON.parse((await import('node:fs')).readFileSync(`${e2e.work}/plan.json`, 'utf8'));
    saved.plan.clusters[0].clusterUuid = 'AnotherClusterUuid0000';
    writeFileSync(`${e2e.work}/plan.json`, JSON.stringify(saved));
    const apply = await e2e.cli(['apply', 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('[ESCRED_PLAN_WRONG_CLUSTER]');
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-b');
  });

  it('refuses a cluster whose UUID differs from the manifest pin, before any change', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b'), { clusterUuid: 'AnotherClusterUuid0000' });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toContain(e2e.emulator.clusterUuid);
    expect(apply.stdout + apply.stderr).toContain('AnotherClusterUuid0000');
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-b');
  });

  it('accepts the right pinned UUID and a matching CA fingerprint', async () => {
    e2e.writeManifest(fleet('gitops-a'), { clusterUuid: e2e.emulator.clusterUuid, tls: { caFingerprint: e2e.emulator.caFingerprint } });
    const plan = await e2e.cli(['plan']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
  });

  it('refuses a wrong CA fingerprint with a clear error, before any change', async () => {
    e2e.writeManifest(fleet('gitops-a', 'gitops-b'), { tls: { caFingerprint: 'AB'.repeat(32) } });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(/fingerprint/i);
    expect(await e2e.indexTokens(FLEET)).not.toContain('gitops-b');
  });
});

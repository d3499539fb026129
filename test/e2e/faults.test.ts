/** What goes wrong in real life: flaky nodes, overload, lost responses, a broken sink, a killed process. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const CREDENTIALS_ROUTE = 'GET /_security/service/{namespace}/{service}/credential';
const fleet = (names: string[], fileTokens: unknown[] = []) =>
  ({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })), fileTokens } });
const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);

describe('faults during plan and apply', () => {
  let e2e: E2e;
  beforeAll(async () => {
    e2e = await startE2e();
  });
  afterAll(async () => {
    await e2e?.close();
  });
  beforeEach(() => {
    e2e.emulator.clearFaults();
  });

  it('a node that fails to answer leaves its file tokens unknown, never absent', async () => {
    e2e.writeManifest(fleet(['gitops-a'], [{ name: 'bootstrap', nodes: ['node-0', 'node-1'] }]));
    e2e.emulator.setFaults({ failingNodes: ['node-1'] });
    const plan = await e2e.cli(['plan', '--output', 'json']);
    const cluster = JSON.parse(plan.stdout).clusters[0];
    expect(cluster.fileTokenDrift).toEqual([{ principal: FLEET, token: 'bootstrap', missingOn: ['node-0'], unexpectedOn: [], unknownOn: ['node-1'] }]);
    expect(cluster.actions).toEqual([expect.objectContaining({ kind: 'create', token: 'gitops-a' })]);
  });

  it.each([429, 503])('%i answers are retried (Retry-After honoured) and the plan succeeds', async (status) => {
    e2e.writeManifest(fleet(['gitops-a']));
    e2e.emulator.resetCounters();
    e2e.emulator.setFaults({ rules: [{ method: 'GET', path: '/credential', action: 'status', status, retryAfterSeconds: 0, times: 2 }] });
    const plan = await e2e.cli(['plan', '--detailed-exitcode']);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(e2e.emulator.counters()[CREDENTIALS_ROUTE]).toBe(3);
  });

  it('a create whose response was lost is replaced, so its value is known, and apply says so', async () => {
    e2e.writeManifest(fleet(['gitops-lost']));
    e2e.emulator.setFaults({ rules: [{ method: 'POST', path: '/credential/token/gitops-lost', action: 'lose-response', times: 1 }] });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/gitops-lost: replaced: the create response was lost after Elasticsearch made the token/);
    expect(await e2e.indexTokens(FLEET)).toContain('gitops-lost');
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, 'gitops-lost'))).token?.name).toBe('gitops-lost');
  });

  it('a connection reset before the create was handled just creates it again', async () => {
    e2e.writeManifest(fleet(['gitops-lost', 'gitops-reset']));
    e2e.emulator.setFaults({ rules: [{ method: 'POST', path: '/credential/token/gitops-reset', action: 'reset', times: 1 }] });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/gitops-reset: created: the first response was lost before anything was created/);
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, 'gitops-reset'))).token?.name).toBe('gitops-reset');
  });

  it('a create answer naming another token fails that create, stores no value under either name, and the next apply replaces it', async () => {
    e2e.writeManifest(fleet(['gitops-lost', 'gitops-reset', 'gitops-misnamed']));
    e2e.emulator.setFaults({ rules: [{ method: 'POST', path: '/credential/token/gitops-misnamed', action: 'misname-token', tokenName: 'gitops-other', times: 1 }] });
    const apply = await e2e.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain(`gitops-misnamed: failed: cluster e2e: POST /_security/service/${FLEET}/credential/token/gitops-misnamed`);
    expect(apply.stdout).toContain('unexpected answer: the answer names token "gitops-other", not gitops-misnamed; its value was dropped');
    expect(apply.stdout).not.toMatch(/gitops-misnamed: created/);
    expect(e2e.sinkValue(FLEET, 'gitops-misnamed')).toBeUndefined();
    expect(e2e.sinkValue(FLEET, 'gitops-other')).toBeUndefined();
    // the token was made, with a value nobody has: the apply journal makes the next apply replace it
    expect(await e2e.indexTokens(FLEET)).toContain('gitops-misnamed');
    const again = await e2e.cli(['apply', '--auto-approve']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/gitops-misnamed: replaced/);
    expect((await e2e.whoIs(e2e.sinkValue(FLEET, 'gitops-misnamed'))).token?.name).toBe('gitops-misnamed');
  });

  it('a sink that cannot store deletes the token it just made and fails loudly; a rerun converges', async () => {
    const kibana = { 'elastic/kibana': { tokens: [{ name: 'gitops-sink' }] } };
    e2e.writeManifest(kibana);
    const blocker = join(e2e.sinkDir, 'e2e', 'elastic', 'kibana');
    mkdirSync(join(e2e.sinkDir, 'e2e', 'elastic'), { recursive: true });
    writeFileSync(blocker, 'a file where the sink needs a folder');
    try {
      const apply = await e2e.cli(['apply', '--auto-approve']);
      expect(apply.code).toBe(1);
      expect(apply.stdout).toMatch(/gitops-sink: failed: secret sink directory .* failed: .*; the new token was deleted again/);
      expect(await e2e.indexTokens('elastic/kibana')).toEqual([]);
    } finally {
      rmSync(blocker);
    }
    expect((await e2e.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await e2e.whoIs(e2e.sinkValue('elastic/kibana', 'gitops-sink'))).token?.name).toBe('gitops-sink');
  });

  it('kill -9 in the middle of an apply, then a rerun: converged, every owned secret in the sink and valid', async () => {
    const names = range('gitops-k', 24);
    // a short lease: the killed apply never released it, so the rerun waits until it has seen it
    // unrenewed for 1.5 s, takes it over and reads the killed run's intents from it (issue 15)
    e2e.writeManifest(fleet(names), { lease: { duration: '1500ms' } });
    e2e.emulator.setFaults({ latencyMs: 40 });
    const killed = await e2e.cli(['apply', '--auto-approve', '--concurrency', '4'], { killWhen: /gitops-k\d\d: created/ });
    expect(killed.signal).toBe('SIGKILL');
    e2e.emulator.clearFaults();
    const rerun = await e2e.cli(['apply', '--auto-approve', '--lease-wait', '20s']);
    expect(rerun.code).toBe(0);
    expect(await e2e.indexTokens(FLEET)).toEqual(expect.arrayContaining(names));
    for (const name of names) expect((await e2e.whoIs(e2e.sinkValue(FLEET, name))).token?.name).toBe(name);
    expect((await e2e.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });
});

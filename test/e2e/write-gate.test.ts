/**
 * Issue 20: every write passes one gate. Each road that once bypassed the planner's rules, driven
 * through the CLI against the emulator as a hostile user would: an edited saved plan, a 409 on a
 * protected token, `rotate` of a protected token, removing an account that holds tokens escred did
 * not make, and rotation with a sink that cannot list. The emulator's request log is the witness
 * that nothing refused was sent.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';

const deletesOf = (env: E2e, token: string) =>
  env.emulator.requests().filter((r) => r.method === 'DELETE' && r.path.split('?')[0]!.endsWith(`/credential/token/${token}`));

describe('the write gate, end to end', () => {
  let env: E2e | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  async function handMade(e: E2e, principal: string, token: string, refresh = 'true'): Promise<string> {
    const made = await e.es('POST', `/_security/service/${principal}/credential/token/${token}?refresh=${refresh}`);
    expect(made.status).toBe(200);
    return made.json.token.value as string;
  }

  it.each([
    ['a token no account owns', { [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-a' }] } }, 'ESCRED_PLAN_NOT_REPLANNED'],
    ['a token of an account without prune', { [FLEET]: { owns: 'hand-*', tokens: [{ name: 'gitops-a' }] } }, 'ESCRED_PLAN_NOT_REPLANNED'],
  ])('an edited saved plan cannot delete %s: apply refuses it whole and sends nothing', async (_, accounts, code) => {
    env = await startE2e({ nodeCount: 1 });
    const value = await handMade(env, FLEET, 'hand-1');
    env.writeManifest(accounts);
    expect((await env.cli(['plan', '--out', 'p.json'])).code).toBe(0);
    const path = `${env.work}/p.json`;
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    saved.plan.clusters[0].actions.push({ kind: 'delete', principal: FLEET, token: 'hand-1', reason: 'edited' });
    writeFileSync(path, JSON.stringify(saved));
    env.emulator.clearRequests();
    const apply = await env.cli(['apply', 'p.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`[${code}]`);
    expect(apply.stderr).toContain(`delete ${FLEET} hand-1 on cluster e2e`);
    expect(deletesOf(env, 'hand-1')).toEqual([]);
    expect(env.emulator.requests().filter((r) => r.method !== 'GET' && r.path.includes('/credential/'))).toEqual([]);
    expect((await env.whoIs(value)).status).toBe(200);
  });

  it('an edited saved plan cannot add a create the manifest does not declare, nor widen an account update', async () => {
    env = await startE2e({ nodeCount: 1 });
    env.writeManifest({ [FLEET]: { tokens: [{ name: 'gitops-a' }] } });
    expect((await env.cli(['plan', '--out', 'p.json'])).code).toBe(0);
    const path = `${env.work}/p.json`;
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    saved.plan.clusters[0].actions.push({ kind: 'create', principal: KIBANA, token: 'sneaky', reason: 'edited' });
    writeFileSync(path, JSON.stringify(saved));
    const apply = await env.cli(['apply', 'p.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(`create ${KIBANA} sneaky on cluster e2e`);
    expect(await env.indexTokens(FLEET)).toEqual([]);
    expect(await env.indexTokens(KIBANA)).toEqual([]);
  });

  it('a create answered 409 never deletes a protected token made by hand moments ago (not listed yet)', async () => {
    // a 60 s refresh: the hand-made token is in the index but not in the credentials listing the plan reads
    env = await startE2e({ nodeCount: 1, refreshIntervalMs: 60_000 });
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: 'gitops-*', protect: ['gitops-fleet-b'], tokens: [{ name: 'gitops-fleet-b' }] } },
      { lease: 'off' });
    const value = await handMade(env, FLEET, 'gitops-fleet-b', 'false');
    expect(await env.indexTokens(FLEET)).toEqual([]);
    env.emulator.clearRequests();
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain("escred does not replace it because gitops-fleet-b is protected: protect 'gitops-fleet-b' matches it");
    expect(deletesOf(env, 'gitops-fleet-b')).toEqual([]);
    expect((await env.whoIs(value)).status).toBe(200);
    expect(env.sinkValue(FLEET, 'gitops-fleet-b')).toBeUndefined();
  });

  it('a 409 on a token whose value the sink already holds adopts it: nothing is deleted, apply succeeds', async () => {
    env = await startE2e({ nodeCount: 1, refreshIntervalMs: 60_000 });
    env.writeManifest({ [FLEET]: { protect: ['gitops-fleet-b'], tokens: [{ name: 'gitops-fleet-b' }] } }, { lease: 'off' });
    const value = await handMade(env, FLEET, 'gitops-fleet-b', 'false');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${env.sinkDir}/e2e/${FLEET}`, { recursive: true, mode: 0o700 });
    writeFileSync(`${env.sinkDir}/e2e/${FLEET}/gitops-fleet-b`, value, { mode: 0o600 });
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.stdout).toContain('gitops-fleet-b: adopted');
    expect(apply.code).toBe(0);
    expect(deletesOf(env, 'gitops-fleet-b')).toEqual([]);
    expect((await env.whoIs(value)).status).toBe(200);
  });

  it('a 409 on an owned, pruned, unprotected token replaces it, and the new value authenticates', async () => {
    env = await startE2e({ nodeCount: 1, refreshIntervalMs: 60_000 });
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: 'gitops-*', tokens: [{ name: 'gitops-fleet-a' }] } }, { lease: 'off' });
    const old = await handMade(env, FLEET, 'gitops-fleet-a', 'false');
    let isDone = false;
    const running = env.cli(['apply', '--auto-approve']).finally(() => (isDone = true));
    // escred's second POST (after the 409 and the delete) waits for a refresh (wait_for): force refreshes until it is answered
    const tokenPosts = () => env!.emulator.requests().filter((r) => r.method === 'POST' && r.path.includes('/credential/token/gitops-fleet-a'));
    await vi.waitFor(() => expect(tokenPosts()).toHaveLength(2), { timeout: 10_000, interval: 20 });
    for (let i = 0; i < 100 && !isDone; i += 1) {
      await env.es('POST', `/_security/service/${KIBANA}/credential/token/force-refresh-${i}?refresh=true`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const apply = await running;
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('gitops-fleet-a: replaced');
    expect((await env.whoIs(old)).status).toBe(401);
    expect((await env.whoIs(env.sinkValue(FLEET, 'gitops-fleet-a'))).token?.name).toBe('gitops-fleet-a');
  });

  it('escred rotate refuses a protected token, naming the pattern, and its value keeps working', async () => {
    env = await startE2e({ nodeCount: 1 });
    const value = await handMade(env, KIBANA, 'keep-me');
    env.writeManifest({ [KIBANA]: { prune: 'none', protect: ['*'], tokens: [{ name: 'keep-me' }] } });
    env.emulator.clearRequests();
    const rotate = await env.cli(['rotate', 'e2e', KIBANA, 'keep-me', '--auto-approve']);
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toContain('[ESCRED_ROTATE_PROTECTED]');
    expect(rotate.stderr).toContain("protect '*' matches it");
    expect(deletesOf(env, 'keep-me')).toEqual([]);
    expect((await env.whoIs(value)).status).toBe(200);
  });

  it('removing a user-managed account keeps it, and every token, while it holds tokens escred did not make', async () => {
    env = await startE2e({ esVersion: '9.6.0', nodeCount: 1 });
    const ownership = { userManagedAccounts: { prune: 'owned', owns: ['team/*'] } };
    env.writeManifest({ 'team/a': { roles: [], owns: ['gitops-*'], prune: 'owned', protect: ['precious'], tokens: [{ name: 'gitops-1' }] } }, ownership);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    const precious = await handMade(env, 'team/a', 'precious');
    const other = await handMade(env, 'team/a', 'other-hand');
    env.writeManifest({}, ownership);
    env.emulator.clearRequests();
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('keeps tokens escred did not make (no value in its secret sink): other-hand, precious');
    expect(env.emulator.requests().filter((r) => r.method === 'DELETE' && r.path.startsWith('/_security'))).toEqual([]);
    expect(await env.indexTokens('team/a')).toEqual(['gitops-1', 'other-hand', 'precious']);
    expect((await env.whoIs(precious)).status).toBe(200);
    expect((await env.whoIs(other)).status).toBe(200);
  });

  it('rotation with a sink that cannot list is refused before any cluster call, so a hand-made generation never wins', async () => {
    env = await startE2e({ nodeCount: 1 });
    const sink = `${env.work}/minimal-sink.mjs`;
    writeFileSync(sink, `import { readFileSync } from 'node:fs';
const m = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify({ protocolVersion: 1, status: ['list', 'read'].includes(m.action) ? 'unsupported' : 'ok' }));
`);
    env.writeManifest({ [FLEET]: { prune: 'owned', owns: ['rt-*'], tokens: [{ name: 'rt', rotate: { every: '30d', overlap: '1s' } }] } });
    writeFileSync(env.manifestPath, readFileSync(env.manifestPath, 'utf8')
      .replace(/secrets:\n\s+directory: .*\n/, `secrets:\n  exec: ${JSON.stringify([process.execPath, sink])}\n`));
    await handMade(env, FLEET, 'rt-20991231T000000Z');
    env.emulator.clearRequests();
    for (const args of [['plan'], ['apply', '--auto-approve']]) {
      const run = await env.cli(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[ESCRED_SINK_CANNOT_LIST]');
      expect(run.stderr).toContain('rt of elastic/fleet-server on e2e');
    }
    expect(env.emulator.requests().filter((r) => r.path.includes('/credential'))).toEqual([]);
    expect(await env.indexTokens(FLEET)).toEqual(['rt-20991231T000000Z']);
  });
});

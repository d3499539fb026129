/**
 * Issue 22 end to end against the 9.6 emulator: a declared account the cluster lacks but whose tokens are still
 * there (deleted by hand with force) cannot be created until they are gone. escred deletes them first where the
 * account's own rules let it, else the cluster's plan is an error naming them and nothing is written.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

describe('leftover tokens of a declared account, end to end', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  /** escred made the account and t1; a person added `hand-1`, then deleted the account with force (its tokens stay) */
  async function leftovers(): Promise<E2e> {
    const env = e2e = await startE2e({ esVersion: '9.6.0', nodeCount: 1 });
    env.writeManifest({ 'team/ingest': { roles: [], tokens: [{ name: 't1' }] } });
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    await env.es('POST', '/_security/service/team/ingest/credential/token/hand-1');
    expect((await env.es('DELETE', '/_security/service/team/ingest?force=true')).status).toBe(200);
    expect(await env.indexTokens('team/ingest')).toEqual(['hand-1', 't1']);
    return env;
  }

  it('owned and pruned: the create deletes the leftovers first, then the declared token is made anew and authenticates', async () => {
    const env = await leftovers();
    env.writeManifest({ 'team/ingest': { roles: [], prune: 'owned', owns: ['*'], tokens: [{ name: 't1' }] } });
    const plan = await env.cli(['plan']);
    expect(plan.stdout).toMatch(/\+ create account team\/ingest\s+roles: \[\]; first deletes its leftover tokens hand-1, t1/);
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(await env.indexTokens('team/ingest')).toEqual(['t1']);
    expect((await env.whoIs(env.sinkValue('team/ingest', 't1'))).username).toBe('team/ingest');
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('not owned: a plan error naming the account and each token that stays; apply writes nothing', async () => {
    const env = await leftovers();
    env.writeManifest({ 'team/ingest': { roles: [], prune: 'owned', owns: ['t*'], tokens: [{ name: 't1' }] } });
    const plan = await env.cli(['plan', '--output', 'json']);
    expect(plan.code).toBe(1);
    expect(JSON.parse(plan.stdout).clusters[0].error).toEqual({ code: 'ESCRED_LEFTOVER_TOKENS',
      message: 'Elasticsearch refuses to create a service account that still has tokens, and on cluster e2e team/ingest has leftover tokens escred ' +
        'may not delete: hand-1 (no owns pattern matches it); own them with prune: owned and owns (not protect) on the account, or delete them by hand' });
    env.emulator.resetCounters();
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(1);
    const writes = Object.keys(env.emulator.counters()).filter((route) => /^(PUT|POST|DELETE) \/_security\/service/.test(route));
    expect(writes).toEqual([]);
    expect(await env.indexTokens('team/ingest')).toEqual(['hand-1', 't1']);
  });
});

/**
 * Issue 14 end to end against the 9.6 emulator: user-managed service accounts declared in the
 * manifest, planned, applied, changed (roles, disabled, re-enabled), removed (owned and not),
 * renamed; a 9.5 cluster and credentials without manage_security write nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const OWNERSHIP = { userManagedAccounts: { prune: 'owned', owns: ['team/*'] } };
const twoAccounts = (ingestRoles: string[], extra: Record<string, unknown> = {}) => ({
  'team/ingest': { roles: ingestRoles, tokens: [{ name: 't1' }, { name: 't2' }], ...extra },
  'team/search': { roles: [], tokens: [{ name: 's1' }] },
});

describe('user-managed service accounts, end to end', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  async function start(esVersion = '9.6.0'): Promise<E2e> {
    e2e = await startE2e({ esVersion, nodeCount: 1 });
    await e2e.es('PUT', '/_security/role/logs-writer', { cluster: ['monitor'] });
    return e2e;
  }

  /** _authenticate with a sink value: who it is and with which roles, or the refusal status */
  async function authenticate(env: E2e, principal: string, token: string): Promise<{ status: number; username?: string; roles?: string[] }> {
    const dispatcher = new Agent({ connect: { ca: readFileSync(env.emulator.caFile!) } });
    try {
      const response = await request(`${env.emulator.url}/_security/_authenticate`,
        { dispatcher, headers: { authorization: `Bearer ${env.sinkValue(principal, token)}` } });
      const body = (await response.body.json()) as { username?: string; roles?: string[] };
      return response.statusCode === 200 ? { status: 200, username: body.username, roles: body.roles } : { status: response.statusCode };
    } finally {
      await dispatcher.close();
    }
  }

  const accountsOf = async (env: E2e) => (await env.es('GET', '/_security/service?type=user_managed')).json;

  it('declares two accounts with tokens: apply makes them, a second plan has no changes, each value authenticates with its roles', async () => {
    const env = await start();
    env.writeManifest(twoAccounts(['logs-writer']), OWNERSHIP);
    const plan = await env.cli(['plan']);
    expect(plan.stdout).toMatch(/\+ create account team\/ingest\s+roles: \[logs-writer\]/);
    expect(plan.stdout).toContain('Plan: 2 accounts (2 to create); tokens: 3 to create');
    const json = JSON.parse((await env.cli(['plan', '--output', 'json'])).stdout);
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/plan-output.schema.json'), 'utf8'));
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(json) ? [] : validate.errors).toEqual([]);
    expect(json.summary).toMatchObject({ accountCreate: 2, accountUpdate: 0, accountDelete: 0, create: 3 });
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.stderr).toBe('');
    expect(apply.code).toBe(0);
    env.emulator.resetCounters();
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    // six calls for the accounts up to 1,000 of them (as the README says), plus GET / and one credentials GET per account:
    // two capabilities (accounts, query API), one query page, the roles, _has_privileges, _authenticate (who escred is);
    // and the read of the intents kept in the cluster's lease (issue 21)
    expect(env.emulator.counters()).toEqual({ total: 10, 'GET /': 1, 'GET /{index}/_doc/{id}': 1, 'GET /_security/service/{namespace}/{service}/credential': 2,
      'GET /_capabilities': 2, 'GET /_security/_query/service': 1, 'GET /_security/role/{name}': 1, 'POST /_security/user/_has_privileges': 1,
      'GET /_security/_authenticate': 1 });
    expect(Object.keys(await accountsOf(env))).toEqual(['team/ingest', 'team/search']);
    expect(await accountsOf(env)).toMatchObject({
      'team/ingest': { type: 'user_managed', roles: ['logs-writer'], enabled: true },
      'team/search': { type: 'user_managed', roles: [], enabled: true },
    });
    expect(await authenticate(env, 'team/ingest', 't1')).toEqual({ status: 200, username: 'team/ingest', roles: ['logs-writer'] });
    expect(await authenticate(env, 'team/search', 's1')).toEqual({ status: 200, username: 'team/search', roles: [] });
  });

  it('roles change as a set, disable stops its tokens, re-enable restores them', async () => {
    const env = await start();
    env.writeManifest(twoAccounts(['logs-writer']), OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    env.writeManifest(twoAccounts(['audit', 'logs-writer']), OWNERSHIP);
    const update = await env.cli(['plan']);
    expect(update.stdout).toMatch(/~ update account team\/ingest\s+roles: \+audit/);
    expect(update.stdout).toContain('role audit (of team/ingest) does not exist in the cluster');
    env.writeManifest(twoAccounts(['logs-writer'], { enabled: false }), OWNERSHIP);
    const disable = await env.cli(['apply', '--auto-approve']);
    expect(disable.stdout).toMatch(/enabled: true -> false/);
    expect(disable.code).toBe(0);
    expect((await authenticate(env, 'team/ingest', 't1')).status).toBe(401);
    env.writeManifest(twoAccounts(['logs-writer'], { enabled: true }), OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await authenticate(env, 'team/ingest', 't1')).status).toBe(200);
  });

  it('issue 22: enabled left out of the manifest keeps the flag the cluster has: an account disabled by hand stays disabled', async () => {
    const env = await start();
    env.writeManifest(twoAccounts(['logs-writer']), OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect((await accountsOf(env))['team/ingest'].enabled).toBe(true);
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer'], enabled: false });
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
    // and a new token on it: made, and its check skipped with a note (a disabled account authenticates nothing), not failed
    env.writeManifest(twoAccounts(['audit', 'logs-writer'], { tokens: [{ name: 't1' }, { name: 't2' }, { name: 't3' }] }), OWNERSHIP);
    const update = await env.cli(['apply', '--auto-approve']);
    expect(update.stderr).toBe('');
    expect(update.code).toBe(0);
    expect(update.stdout).not.toContain('enabled: false -> true');
    expect(await env.indexTokens('team/ingest')).toEqual(['t1', 't2', 't3']);
    expect((await accountsOf(env))['team/ingest']).toMatchObject({ roles: ['audit', 'logs-writer'], enabled: false });
    expect((await authenticate(env, 'team/ingest', 't1')).status).toBe(401);
  });

  it('a saved plan is refused when an account\'s roles changed since, saying so (not "its tokens differ")', async () => {
    const env = await start();
    env.writeManifest(twoAccounts(['logs-writer']), OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    env.writeManifest({ ...twoAccounts(['logs-writer']), 'team/later': { roles: [], tokens: [{ name: 'l1' }] } }, OWNERSHIP);
    expect((await env.cli(['plan', '--out', 'plan.json'])).code).toBe(0);
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer', 'audit'] });
    const apply = await env.cli(['apply', 'plan.json']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('cluster e2e changed since the plan was made (the roles of user-managed account team/ingest); run escred plan again');
    expect(Object.keys(await accountsOf(env))).not.toContain('team/later');
  });

  it('a new account declared disabled still gets its tokens; they authenticate once it is enabled', async () => {
    const env = await start();
    env.writeManifest({ 'team/later': { roles: ['logs-writer'], enabled: false, tokens: [{ name: 'l1' }] } }, OWNERSHIP);
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    // verified rotation: a disabled account cannot authenticate, so the check is skipped and said, not failed
    expect(apply.stdout).toContain('l1: created: not verified: account team/later is disabled in the manifest, and a disabled account cannot authenticate');
    expect(await env.indexTokens('team/later')).toEqual(['l1']);
    expect((await authenticate(env, 'team/later', 'l1')).status).toBe(401);
    env.writeManifest({ 'team/later': { roles: ['logs-writer'], enabled: true, tokens: [{ name: 'l1' }] } }, OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    expect(await authenticate(env, 'team/later', 'l1')).toEqual({ status: 200, username: 'team/later', roles: ['logs-writer'] });
  });

  it('removing an owned account deletes its tokens, then the account; an unowned account stays; renaming moves the tokens', async () => {
    const env = await start();
    await env.es('PUT', '/_security/service/other/app', { roles: [] });
    env.writeManifest(twoAccounts(['logs-writer']), OWNERSHIP);
    expect((await env.cli(['apply', '--auto-approve'])).code).toBe(0);
    env.writeManifest({ 'team/ingest-v2': { roles: ['logs-writer'], tokens: [{ name: 't1' }] }, 'team/search': { roles: [], tokens: [{ name: 's1' }] } }, OWNERSHIP);
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('other/app is not declared and no userManagedAccounts.owns pattern matches it');
    expect(Object.keys(await accountsOf(env)).sort()).toEqual(['other/app', 'team/ingest-v2', 'team/search']);
    expect(await env.indexTokens('team/ingest')).toEqual([]);
    expect((await authenticate(env, 'team/ingest-v2', 't1')).username).toBe('team/ingest-v2');
    expect((await env.cli(['plan', '--detailed-exitcode'])).code).toBe(0);
  });

  it('escred accounts lists user-managed accounts with type, roles and enabled; import adopts them and plans no change', async () => {
    const env = await start();
    await env.es('PUT', '/_security/service/team/ingest', { roles: ['logs-writer', 'audit'], enabled: false });
    await env.es('POST', '/_security/service/team/ingest/credential/token/made-in-kibana');
    env.writeManifest({});
    const human = await env.cli(['accounts']);
    expect(human.stdout).toMatch(/  team\/ingest  \(user-managed, disabled\)\n    roles: audit, logs-writer/);
    const json = JSON.parse((await env.cli(['accounts', '--output', 'json'])).stdout);
    expect(json.clusters[0].accounts).toContainEqual(expect.objectContaining({ principal: 'team/ingest', type: 'user_managed', roles: ['audit', 'logs-writer'], isEnabled: false }));
    expect(json.clusters[0].accounts).toContainEqual(expect.objectContaining({ principal: 'elastic/kibana', type: 'built_in' }));
    const imported = await env.cli(['import', 'e2e', '--out', 'imported.yaml']);
    expect(imported.code).toBe(0);
    const text = readFileSync(`${env.work}/imported.yaml`, 'utf8');
    expect(text).toMatch(/team\/ingest:\n\s+roles:\n\s+- audit\n\s+- logs-writer\n\s+enabled: false\n\s+prune: none\n\s+tokens:\n\s+- name: made-in-kibana/);
    const plan = await env.cli(['plan', '--detailed-exitcode', 'imported.yaml']);
    expect(plan.code).toBe(0);
  });

  it('a 9.5 cluster: a plan error naming the cluster, its version and the capability; nothing is written', async () => {
    const env = await start('9.5.0');
    // lease: off: the lease's own document writes are not what this test counts (test/e2e/lease.test.ts)
    env.writeManifest(twoAccounts(['logs-writer']), { ...OWNERSHIP, lease: 'off' });
    const apply = await env.cli(['apply', '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toMatch(/cluster e2e \(Elasticsearch 9\.5\.0\) does not support user-managed service accounts: it lacks the capability user_managed_service_accounts/);
    const writes = Object.entries(env.emulator.counters()).filter(([route, n]) => /^(PUT|POST|DELETE) /.test(route) && n > 0);
    expect(writes.map(([route]) => route)).toEqual(['PUT /_security/role/{name}']); // the test's own setup, nothing of escred's
  });

  it('credentials with manage_service_account but not manage_security: an error naming the privilege, nothing written', async () => {
    const env = await start();
    await env.es('PUT', '/_security/role/sa_admin', { cluster: ['monitor', 'manage_service_account'] });
    await env.es('PUT', '/_security/user/sa_admin', { password: 'sa-admin-password', roles: ['sa_admin'] });
    // lease: off: without index privileges the lease index would refuse first (test/e2e/lease.test.ts)
    env.writeManifest(twoAccounts(['logs-writer']), { ...OWNERSHIP, lease: 'off', auth: { basic: { username: 'sa_admin', password: { env: 'SA_PW' } } } });
    const apply = await env.cli(['apply', '--auto-approve'], { env: { SA_PW: 'sa-admin-password' } });
    expect(apply.code).toBe(1);
    expect(apply.stdout + apply.stderr).toContain('needs the manage_security cluster privilege, which these credentials lack');
    expect(await accountsOf(env)).toEqual({});
  });
});

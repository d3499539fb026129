/**
 * Conformance, 9.6 profile (optional checklist point 19): GET|POST /_security/_query/service.
 * Facts from 22_user_managed_query.yml@187391d1 [test] and QueryServiceAccountRequest.java@9fd86fc1 [code]
 * via user-managed-service-accounts.md 1.4. [unsure] whether the query API is in 9.6 or came later.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_9_6, SA_PATH, esError, startHarness, userAuth, type Harness } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('query user-managed service accounts, ES 9.6.0', () => {
  let h: Harness;
  const query = (body?: unknown, auth?: string) => h.call('POST', '/_security/_query/service', { ...(body === undefined ? {} : json(body)), ...(auth ? { auth } : {}) });
  const names = (reply: { json: { service_accounts: Array<{ username: string }> } }) => reply.json.service_accounts.map((a) => a.username);
  beforeAll(async () => {
    h = await startHarness(PROFILE_9_6);
    await h.call('PUT', `${SA_PATH}/apps/worker_1`, json({ roles: ['query_sa_monitor'], enabled: true }));
    await h.call('PUT', `${SA_PATH}/apps/worker_2`, json({ roles: ['query_sa_monitor', 'query_sa_api_key'], enabled: false }));
    await h.call('PUT', `${SA_PATH}/batch/nightly_job`, json({ roles: ['query_sa_api_key'], enabled: true }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('no body: every user-managed account, never a built-in one', async () => {
    const all = await query();
    expect([all.json.total, all.json.count]).toEqual([3, 3]);
    expect(all.json.service_accounts.every((a: { type: string }) => a.type === 'user_managed')).toBe(true);
    expect((await query({ query: { prefix: { username: 'elastic/' } } })).json).toEqual({ total: 0, count: 0, service_accounts: [] });
  });

  it('term on username: the hit has username, type, sorted roles, enabled (no _sort without sort)', async () => {
    const reply = await query({ query: { term: { username: 'apps/worker_2' } } });
    expect(reply.json).toEqual({ total: 1, count: 1, service_accounts: [{ username: 'apps/worker_2', type: 'user_managed', roles: ['query_sa_api_key', 'query_sa_monitor'], enabled: false,
      // 23_user_managed_attribution.yml@31080cc5: every hit carries its attribution (the superuser wrote these)
      creator: { principal: 'elastic', realm: 'reserved', realm_type: 'reserved' }, created_at: expect.any(Number) }] });
  });

  it('prefix with sort: _sort carries the sort values', async () => {
    const reply = await query({ query: { prefix: { username: 'apps/' } }, sort: ['username'] });
    expect(reply.json.service_accounts.map((a: { username: string; _sort: string[] }) => [a.username, a._sort])).toEqual([['apps/worker_1', ['apps/worker_1']], ['apps/worker_2', ['apps/worker_2']]]);
  });

  it('terms on roles, bool filter, term on enabled', async () => {
    expect(names(await query({ query: { terms: { roles: ['query_sa_api_key'] } }, sort: ['username'] }))).toEqual(['apps/worker_2', 'batch/nightly_job']);
    expect(names(await query({ query: { bool: { filter: [{ term: { roles: 'query_sa_monitor' } }, { term: { enabled: true } }] } } }))).toEqual(['apps/worker_1']);
    expect(names(await query({ query: { term: { enabled: false } } }))).toEqual(['apps/worker_2']);
  });

  it('from/size, descending sort, search_after', async () => {
    const page = await query({ sort: [{ username: { order: 'desc' } }], from: 1, size: 1 });
    expect([page.json.total, page.json.count, names(page)]).toEqual([3, 1, ['apps/worker_2']]);
    const first = await query({ sort: ['username'], size: 2 });
    const last = first.json.service_accounts[1]._sort[0];
    const next = await query({ sort: ['username'], size: 2, search_after: [last] });
    expect([next.json.total, next.json.count, names(next)]).toEqual([3, 1, ['batch/nightly_job']]);
  });

  it.each([
    [{ query: { term: { doc_type: 'service_account' } } }, 'illegal_argument_exception', 'Field [doc_type] is not allowed for querying or aggregation'],
    [{ query: { regexp: { username: 'apps/.*' } } }, 'illegal_argument_exception', 'Query type [regexp] is not currently supported in this context'],
    [{ sort: ['version'] }, 'illegal_argument_exception', 'Field [version] is not allowed for querying or aggregation'],
    [{ from: -1 }, 'action_request_validation_exception', 'Validation Failed: 1: [from] parameter cannot be negative but was [-1];'],
  ])('%j -> 400 %s', async (body, type, reason) => {
    const reply = await query(body);
    expect([reply.status, reply.json]).toEqual([400, esError(400, type, reason)]);
  });

  it('read_security and manage_service_account may query; monitor may not', async () => {
    for (const user of ['reader', 'sam'] as const) expect(names(await query({ query: { term: { username: 'apps/worker_1' } } }, userAuth(user)))).toEqual(['apps/worker_1']);
    expect((await query({}, userAuth('mon'))).status).toBe(403);
  });

  it('the capability is declared on the query path', async () => {
    const reply = await h.call('GET', `/_capabilities?method=POST&path=${encodeURIComponent('/_security/_query/service')}&capabilities=user_managed_service_accounts`);
    expect(reply.json.supported).toBe(true);
  });
});

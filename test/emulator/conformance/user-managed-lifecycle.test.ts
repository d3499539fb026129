/**
 * Conformance, 9.6 profile: user-managed service accounts, lifecycle and validation
 * (user-managed-service-accounts.md sections 1.1-1.3, 2; checklist points 1-10, 18, 20).
 * Sources named per test: 20_user_managed.yml@03f56605 [test], ValidationTests / PutUserManagedServiceAccountRequestTests /
 * ServiceAccountTypeTests [test], ServiceAccountService@43e6cc70 and RestGetServiceAccountAction [code], via the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_9_6, SA_PATH, bearer, esError, startHarness, tokenPath, type Harness } from './harness.js';

const BUILT_INS_9_6 = ['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana'];
const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('user-managed service accounts: lifecycle, ES 9.6.0', () => {
  let h: Harness;
  const put = (principal: string, body: unknown, query = '') => h.call('PUT', `${SA_PATH}/${principal}${query}`, json(body));
  beforeAll(async () => {
    h = await startHarness(PROFILE_9_6);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('PUT -> {created:true}; the default GET hides it; `type` selects built_in and user_managed (20_user_managed.yml)', async () => {
    expect(await put('apps/worker_1', { roles: ['user_managed_monitor'], enabled: true })).toMatchObject({ status: 200, json: { created: true } });
    const byDefault = await h.call('GET', SA_PATH);
    expect(Object.keys(byDefault.json)).toEqual(BUILT_INS_9_6);
    expect(byDefault.json['elastic/kibana'].type).toBe('built_in');
    const both = await h.call('GET', `${SA_PATH}?type=built_in,user_managed`);
    expect(Object.keys(both.json).sort()).toEqual(['apps/worker_1', ...BUILT_INS_9_6].sort());
    expect(Object.keys((await h.call('GET', `${SA_PATH}?type=user_managed`)).json)).toEqual(['apps/worker_1']);
    const scoped = await h.call('GET', `${SA_PATH}/apps/worker_1`);
    // 23_user_managed_attribution.yml@31080cc5: the creator and created_at ride along (the superuser is in the reserved realm)
    expect(scoped.json).toEqual({ 'apps/worker_1': { type: 'user_managed', roles: ['user_managed_monitor'], enabled: true,
      creator: { principal: 'elastic', realm: 'reserved', realm_type: 'reserved' }, created_at: expect.any(Number) } });
    expect(Object.keys((await h.call('GET', `${SA_PATH}/apps`)).json)).toEqual(['apps/worker_1']);
    expect((await h.call('GET', `${SA_PATH}/apps/worker_1?type=built_in`)).json).toEqual({});
  });

  it('a built-in entry keeps its role_descriptor after `type`', async () => {
    const reply = await h.call('GET', `${SA_PATH}/elastic/fleet-server`);
    expect(Object.keys(reply.json['elastic/fleet-server'])).toEqual(['type', 'role_descriptor']);
  });

  it('PUT replaces wholesale: created:false, roles sorted and de-duplicated, omitted enabled means true', async () => {
    await put('apps/replace', { roles: ['a'], enabled: false });
    expect((await put('apps/replace', { roles: ['b', 'a', 'b'] })).json).toEqual({ created: false });
    expect((await h.call('GET', `${SA_PATH}/apps/replace`)).json['apps/replace']).toMatchObject({ type: 'user_managed', roles: ['a', 'b'], enabled: true });
    expect((await put('apps/empty_roles', { roles: [] })).json).toEqual({ created: true });
  });

  it.each([
    ['elastic/custom', ['the [elastic] namespace is reserved for built-in service accounts']],
    ['ELASTIC/custom', ['the [elastic] namespace is reserved for built-in service accounts']],
    ['my*team/svc', ['service account namespace [my*team] must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)']],
    ['_team/-svc', [
      'service account namespace [_team] must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)',
      'service account service name [-svc] must begin with a letter or digit and may contain only letters, digits, hyphens (-) and underscores (_)',
    ]],
  ])('PUT %s -> 400 action_request_validation_exception, every error at once', async (principal, errors) => {
    const reply = await put(principal, { roles: ['r'] });
    const reason = `Validation Failed: ${errors.map((e, i) => `${i + 1}: ${e};`).join('')}`;
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'action_request_validation_exception', reason)]);
  });

  it('elastic-team and a service named elastic are fine', async () => {
    expect((await put('elastic-team/elastic', { roles: [] })).status).toBe(200);
  });

  it('roles: more than 1000 (counted before de-duplication) and a bad role name -> 400', async () => {
    const tooMany = await put('apps/many', { roles: Array.from({ length: 1001 }, () => 'same') });
    expect(tooMany.json.error.reason).toBe('Validation Failed: 1: a service account may not have more than 1000 roles, but [1001] were given;');
    const badName = await put('apps/bad_role', { roles: [' padded'] });
    expect([badName.status, badName.json.error.reason]).toEqual([400, expect.stringMatching(/^Validation Failed: 1: Role names must be at least 1 and no more than 507 characters/)]);
    expect((await put('apps/reserved_role', { roles: ['superuser'] })).status).toBe(200);
  });

  it('body: roles required, unknown fields refused, a body is required', async () => {
    const missing = await put('apps/no_roles', { enabled: true });
    expect([missing.status, missing.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'Required [roles]')]);
    const unknown = await put('apps/unknown', { roles: [], namespace: 'apps' });
    expect([unknown.status, unknown.json.error.type]).toEqual([400, 'x_content_parse_exception']);
    expect(unknown.json.error.reason).toContain('unknown field [namespace]');
    const noBody = await h.call('PUT', `${SA_PATH}/apps/no_body`);
    expect([noBody.status, noBody.json.error.type]).toEqual([400, 'parse_exception']);
  });

  it('refresh and force are checked: bad values -> 400', async () => {
    const badRefresh = await put('apps/r', { roles: [] }, '?refresh=soon');
    expect([badRefresh.status, badRefresh.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'Unknown value for refresh: [soon].')]);
    const badForce = await h.call('DELETE', `${SA_PATH}/apps/r?force=yes`);
    expect([badForce.status, badForce.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'Failed to parse value [yes] as only [true] or [false] are allowed.')]);
  });

  it('DELETE a never-created account -> 404 {found:false}; reserved namespace -> 400 validation', async () => {
    const reply = await h.call('DELETE', `${SA_PATH}/apps/never_created`);
    expect([reply.status, reply.json]).toEqual([404, { found: false }]);
    const reserved = await h.call('DELETE', `${SA_PATH}/ELASTIC/kibana`);
    expect([reserved.status, reserved.json.error.type]).toEqual([400, 'action_request_validation_exception']);
  });

  it('tokens block DELETE without force; force leaves them (401) and they block re-creation until deleted (20_user_managed.yml)', async () => {
    await put('apps/cycle', { roles: ['user_managed_monitor'] });
    const token = (await h.call('POST', tokenPath('apps/cycle', 'token-1'))).json.token.value;
    const blocked = await h.call('DELETE', `${SA_PATH}/apps/cycle`);
    expect([blocked.status, blocked.json]).toEqual([400, esError(400, 'illegal_argument_exception',
      'cannot delete service account [apps/cycle] because it has service tokens; delete the tokens first, or set force=true to delete the account and leave its tokens in place')]);
    expect((await h.call('DELETE', `${SA_PATH}/apps/cycle?force=true`)).json).toEqual({ found: true });
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(token) })).status).toBe(401);
    // the token check runs before the account lookup: the account is gone, the orphan token still blocks
    expect((await h.call('DELETE', `${SA_PATH}/apps/cycle`)).status).toBe(400);
    const recreate = await put('apps/cycle', { roles: ['user_managed_monitor'] });
    expect([recreate.status, recreate.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'cannot create service account [apps/cycle] because it has leftover service tokens; delete the tokens first')]);
    expect((await h.call('GET', `${SA_PATH}/apps/cycle/credential`)).json.tokens).toEqual({ 'token-1': {} });
    expect((await h.call('DELETE', tokenPath('apps/cycle', 'token-1'))).json).toEqual({ found: true });
    expect((await put('apps/cycle', { roles: ['user_managed_monitor'] })).json).toEqual({ created: true });
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(token) })).status).toBe(401);
    const fresh = (await h.call('POST', tokenPath('apps/cycle', 'token-after-recreate'))).json.token.value;
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(fresh) })).json.username).toBe('apps/cycle');
    // replacing an existing account that has tokens is fine (21_user_managed_authorization.yml@b94f54cb)
    expect((await put('apps/cycle', { roles: [] })).json).toEqual({ created: false });
  });

  it('GET `type`: a bad value -> 400; an empty list -> 400; names failing validation match nothing', async () => {
    const bad = await h.call('GET', `${SA_PATH}?type=user`);
    expect([bad.status, bad.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'invalid type value [user]; must be one of [built_in, user_managed]')]);
    const empty = await h.call('GET', `${SA_PATH}?type=`);
    expect([empty.status, empty.json.error.type]).toEqual([400, 'action_request_validation_exception']);
    expect((await h.call('GET', `${SA_PATH}/ELASTIC`)).json).toEqual({});
  });

  it('refresh=false: authentication and token creation see the account at once, the listing only after a refresh (checklist 20)', async () => {
    await put('apps/unrefreshed', { roles: [] }, '?refresh=false');
    // The listing's staleness is checked in refresh.test.ts, with the refresh clock held still.
    const created = await h.call('POST', tokenPath('apps/unrefreshed', 't'));
    expect(created.status).toBe(200);
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(created.json.token.value) })).status).toBe(200);
  });
});

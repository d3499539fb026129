/**
 * Conformance: native users and roles, and what a role grants, in every era.
 * Sources: 10_basic.yml@6cbdfc64 (a service-account token calling DELETE /_security/user/foo -> 403,
 * 7.x wording `user [elastic/fleet-server]`); elasticsearch-service-accounts.md section 6 (8.0+
 * `service account [..]`, 8.5+ `effective roles`, read_security); RestPutUserAction, PutUserRequest,
 * RestPutRoleAction, RoleDescriptor, TransportDeleteUserAction/TransportDeleteRoleAction [code];
 * 21_user_managed_authorization.yml@b94f54cb (put_role / put_user / delete_user / delete_role setups,
 * a role edit changing the holder's privileges on its next request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROFILES, FLEET, SA_PATH, basicAuth, bearer, denial, esError, isAtLeast, startHarness, tokenPath, type Harness } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(ALL_PROFILES)('native users and roles, ES $esVersion', (profile) => {
  let h: Harness;
  let fleetToken: string;
  const isSaSubject = isAtLeast(profile.esVersion, 8, 0);
  const hasReadSecurity = isAtLeast(profile.esVersion, 8, 5);
  beforeAll(async () => {
    h = await startHarness(profile);
    fleetToken = (await h.call('POST', tokenPath(FLEET, 'users-roles'))).json.token.value;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a service-account token deleting a user -> 403, worded for its era', async () => {
    const reply = await h.call('DELETE', '/_security/user/foo', { auth: bearer(fleetToken) });
    const subject = isSaSubject ? `service account [${FLEET}]` : `user [${FLEET}]`;
    const reason = denial('cluster:admin/xpack/security/user/delete', subject, ['manage_security', 'all']);
    expect([reply.status, reply.json]).toEqual([403, esError(403, 'security_exception', reason)]);
  });

  it.each([
    ['PUT', '/_security/user/foo', ['manage_security', 'all']],
    ['GET', '/_security/user/foo', hasReadSecurity ? ['read_security', 'manage_security', 'all'] : ['manage_security', 'all']],
    ['PUT', '/_security/role/foo', ['manage_security', 'all']],
    ['GET', '/_security/role', hasReadSecurity ? ['read_security', 'manage_security', 'all'] : ['manage_security', 'all']],
    ['DELETE', '/_security/role/foo', ['manage_security', 'all']],
  ] as const)('a service-account token: %s %s -> 403 granted by %j', async (method, path, privileges) => {
    const body = method === 'PUT' ? json(path.includes('role') ? { cluster: [] } : { password: 'secret-password', roles: [] }) : {};
    const reply = await h.call(method, path, { auth: bearer(fleetToken), ...body });
    const action = `cluster:admin/xpack/security/${path.includes('role') ? 'role' : 'user'}/${method === 'PUT' ? 'put' : method === 'GET' ? 'get' : 'delete'}`;
    expect(reply.status).toBe(403);
    expect(reply.json.error.reason).toBe(denial(action, isSaSubject ? `service account [${FLEET}]` : `user [${FLEET}]`, [...privileges]));
  });

  it('PUT user -> {created:true}, again -> {created:false}; GET shows it; DELETE -> found, then 404', async () => {
    const user = { password: 'x-pack-test-password', roles: ['monitor_role'], full_name: 'Jack N', email: 'j@example.com', metadata: { team: 'a' } };
    expect((await h.call('PUT', '/_security/user/jack', json(user))).json).toEqual({ created: true });
    const again = await h.call('POST', '/_security/user/jack', json({ ...user, enabled: true }));
    expect([again.status, again.json]).toEqual([200, { created: false }]);
    const got = await h.call('GET', '/_security/user/jack');
    expect(got.json).toEqual({ jack: { username: 'jack', roles: ['monitor_role'], full_name: 'Jack N', email: 'j@example.com', metadata: { team: 'a' }, enabled: true } });
    expect(Object.keys(got.json.jack)).toEqual(['username', 'roles', 'full_name', 'email', 'metadata', 'enabled']);
    expect((await h.call('DELETE', '/_security/user/jack')).json).toEqual({ found: true });
    const gone = await h.call('DELETE', '/_security/user/jack');
    expect([gone.status, gone.json]).toEqual([404, { found: false }]);
    const missing = await h.call('GET', '/_security/user/jack');
    expect([missing.status, missing.json]).toEqual([404, {}]);
  });

  it('a native user authenticates with Basic auth; _authenticate shows its fields and the native realm; disabled -> 401', async () => {
    await h.call('PUT', '/_security/user/nat', json({ password: 'nat-password', roles: ['r1'], full_name: 'Nat', email: null, metadata: { k: 1 } }));
    const me = await h.call('GET', '/_security/_authenticate', { auth: basicAuth('nat', 'nat-password') });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ username: 'nat', roles: ['r1'], full_name: 'Nat', email: null, metadata: { k: 1 }, enabled: true, authentication_realm: { name: 'default_native', type: 'native' }, authentication_type: 'realm' });
    expect((await h.call('GET', '/_security/_authenticate', { auth: basicAuth('nat', 'wrong-password') })).status).toBe(401);
    await h.call('PUT', '/_security/user/nat', json({ roles: ['r1'], enabled: false }));
    const disabled = await h.call('GET', '/_security/_authenticate', { auth: basicAuth('nat', 'nat-password') });
    expect([disabled.status, disabled.json.error.reason]).toEqual([401, 'unable to authenticate user [nat] for REST request [/_security/_authenticate]']);
    // an update without a password keeps the old one
    await h.call('PUT', '/_security/user/nat', json({ roles: ['r1'] }));
    expect((await h.call('GET', '/_security/_authenticate', { auth: basicAuth('nat', 'nat-password') })).status).toBe(200);
  });

  it('_disable stops Basic auth, _enable restores it (elasticsearch-clients-tests security/140_user.yml@9f63754e)', async () => {
    await h.call('PUT', '/_security/user/juan', json({ password: 's3krit-password', roles: ['superuser'] }));
    const auth = basicAuth('juan', 's3krit-password');
    expect((await h.call('GET', '/_cluster/health', { auth })).json.timed_out).toBe(false);
    expect(await h.call('PUT', '/_security/user/juan/_disable')).toMatchObject({ status: 200, json: {} });
    expect((await h.call('GET', '/_cluster/health', { auth })).status).toBe(401);
    expect(await h.call('POST', '/_security/user/juan/_enable')).toMatchObject({ status: 200, json: {} });
    expect((await h.call('GET', '/_cluster/health', { auth })).status).toBe(200);
  });

  it.each([
    ['elastic', { password: 'long-enough', roles: [] }, 'Validation Failed: 1: Username [elastic] is reserved and may not be used.;'],
    ['nobody', { password: 'long-enough' }, 'Validation Failed: 1: roles are missing;'],
    ['nobody', { password: 'short', roles: [], metadata: { _x: 1 } }, 'Validation Failed: 1: metadata keys may not start with [_];2: passwords must be at least [6] characters long;'],
  ])('PUT user %s %j -> 400 %s', async (name, body, reason) => {
    const reply = await h.call('PUT', `/_security/user/${name}`, json(body));
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'action_request_validation_exception', reason)]);
  });

  it('PUT user with an unknown field -> 400 parse_exception; without a body -> 400; new user without password -> 400', async () => {
    const unknown = await h.call('PUT', '/_security/user/u1', json({ password: 'long-enough', roles: [], colour: 'red' }));
    expect([unknown.status, unknown.json.error.type, unknown.json.error.reason]).toEqual([400, 'parse_exception', 'failed to parse add user request. unexpected field [colour]']);
    expect((await h.call('PUT', '/_security/user/u1')).status).toBe(400);
    const noPassword = await h.call('PUT', '/_security/user/u1', json({ roles: [] }));
    expect([noPassword.status, noPassword.json.error.type]).toEqual([400, 'illegal_argument_exception']);
  });

  it('DELETE a reserved user -> 400; GET /_security/user lists the reserved users and the native ones', async () => {
    const reply = await h.call('DELETE', '/_security/user/elastic');
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'user [elastic] is reserved and cannot be deleted')]);
    const all = await h.call('GET', '/_security/user');
    expect(all.json.elastic).toEqual({ username: 'elastic', roles: ['superuser'], full_name: null, email: null, metadata: { _reserved: true }, enabled: true });
    expect(Object.keys(all.json)).toEqual(expect.arrayContaining(['kibana_system', 'sam', 'secman']));
  });

  it('PUT role -> {role:{created:true}}, again -> created:false; GET shows the descriptor; DELETE -> found, then 404', async () => {
    const role = { cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }], applications: [{ application: 'app', privileges: ['read'], resources: ['*'] }] };
    expect((await h.call('PUT', '/_security/role/r_logs', json(role))).json).toEqual({ role: { created: true } });
    expect((await h.call('POST', '/_security/role/r_logs', json(role))).json).toEqual({ role: { created: false } });
    const got = await h.call('GET', '/_security/role/r_logs');
    expect(got.json).toEqual({
      r_logs: {
        cluster: ['monitor'],
        indices: [{ names: ['logs-*'], privileges: ['read'], allow_restricted_indices: false }],
        applications: [{ application: 'app', privileges: ['read'], resources: ['*'] }],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      },
    });
    expect((await h.call('DELETE', '/_security/role/r_logs')).json).toEqual({ found: true });
    const gone = await h.call('DELETE', '/_security/role/r_logs');
    expect([gone.status, gone.json]).toEqual([404, { found: false }]);
    expect(await h.call('GET', '/_security/role/r_logs')).toMatchObject({ status: 404, json: {} });
  });

  it.each([
    ['superuser', { cluster: [] }, 'action_request_validation_exception', 'Validation Failed: 1: Role [superuser] is reserved and may not be used.;'],
    ['r_bad', { cluster: ['fly'] }, 'action_request_validation_exception', /^Validation Failed: 1: unknown cluster privilege \[fly\]\. a privilege must be either one of the predefined cluster privilege names \[.*monitor.*\] or a pattern over one of the available cluster actions;$/],
    ['r_bad', { cluster: [], colour: 'red' }, 'parse_exception', 'failed to parse role [r_bad]. unexpected field [colour]'],
  ])('PUT role %s %j -> 400 %s', async (name, body, type, reason) => {
    const reply = await h.call('PUT', `/_security/role/${name}`, json(body));
    expect([reply.status, reply.json.error.type]).toEqual([400, type]);
    expect(reply.json.error.reason).toMatch(reason instanceof RegExp ? reason : new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  });

  it('DELETE a reserved role -> 400; GET /_security/role lists superuser as reserved', async () => {
    const reply = await h.call('DELETE', '/_security/role/superuser');
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'role [superuser] is reserved and cannot be deleted')]);
    const all = await h.call('GET', '/_security/role');
    expect(all.json.superuser).toMatchObject({ cluster: ['all'], metadata: { _reserved: true } });
  });

  it('a user holding a native role gets exactly its cluster privileges; an edit applies on the next request; a deleted role grants nothing', async () => {
    await h.call('PUT', '/_security/role/r_mon', json({ cluster: ['monitor'] }));
    await h.call('PUT', '/_security/user/holder', json({ password: 'holder-password', roles: ['r_mon', 'r_missing'] }));
    const auth = basicAuth('holder', 'holder-password');
    expect((await h.call('GET', '/_cluster/health', { auth })).status).toBe(200);
    const denied = await h.call('GET', SA_PATH, { auth });
    const subject = isAtLeast(profile.esVersion, 8, 5)
      ? 'user [holder] with effective roles [r_mon] (assigned roles [r_missing] were not found)'
      : 'user [holder] with roles [r_mon,r_missing]';
    expect(denied.status).toBe(403);
    expect(denied.json.error.reason).toBe(denial('cluster:admin/xpack/security/service_account/get', subject, hasReadSecurity ? ['manage_service_account', 'read_security', 'manage_security', 'all'] : ['manage_service_account', 'manage_security', 'all']));
    await h.call('PUT', '/_security/role/r_mon', json({ cluster: ['manage_service_account'] }));
    expect((await h.call('GET', SA_PATH, { auth })).status).toBe(200);
    expect((await h.call('GET', '/_cluster/health', { auth })).status).toBe(403);
    await h.call('DELETE', '/_security/role/r_mon');
    expect((await h.call('GET', SA_PATH, { auth })).status).toBe(403);
  });

  it('has_privileges reports cluster, index and application privileges of the caller', async () => {
    await h.call('PUT', '/_security/role/r_hp', json({ cluster: ['monitor'], indices: [{ names: ['logs-*'], privileges: ['read'] }] }));
    await h.call('PUT', '/_security/user/hp', json({ password: 'hp-password', roles: ['r_hp'] }));
    const body = { cluster: ['monitor', 'manage_own_api_key'], index: [{ names: ['logs-a'], privileges: ['read', 'write'] }] };
    const reply = await h.call('POST', '/_security/user/_has_privileges', { auth: basicAuth('hp', 'hp-password'), ...json(body) });
    expect([reply.status, reply.json]).toEqual([
      200,
      { username: 'hp', has_all_requested: false, cluster: { monitor: true, manage_own_api_key: false }, index: { 'logs-a': { read: true, write: false } }, application: {} },
    ]);
    const superuser = await h.call('POST', '/_security/user/_has_privileges', json(body));
    expect(superuser.json.has_all_requested).toBe(true);
  });
});

/**
 * Conformance, 9.6 profile: tokens, authentication and privileges of user-managed service accounts
 * (user-managed-service-accounts.md sections 1.5, 3, 4; checklist points 11-17), and the 9.4 profile
 * that has none of it. Sources: 20_user_managed.yml@03f56605, 21_user_managed_authorization.yml@b94f54cb [test];
 * ServiceAccountService@43e6cc70, RestCreateServiceAccountTokenAction, FileTokensTool.java@67b71f50 [code], via the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET, PROFILE_9_6, SA_PATH, bearer, credentialPath, denial, esError, saAuthFailed, startHarness, tokenPath, userAuth,
  writeServiceTokensEverywhere, type Harness,
} from './harness.js';
import { encodeServiceToken, pbkdf2StretchHash } from './token-crypto.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const MANAGE_SECURITY = ['manage_security', 'all'];
const SAM = 'user [sam] with effective roles [service_account_manager]';

describe('user-managed service accounts: tokens, authentication, privileges, ES 9.6.0', () => {
  let h: Harness;
  const put = (principal: string, body: unknown) => h.call('PUT', `${SA_PATH}/${principal}`, json(body));
  const token = async (principal: string, name: string): Promise<string> => (await h.call('POST', tokenPath(principal, name))).json.token.value;
  const whoIs = (value: string) => h.call('GET', '/_security/_authenticate', { auth: bearer(value) });
  const clusterCheck = (value: string, cluster: string[]) => h.call('POST', '/_security/user/_has_privileges', { auth: bearer(value), ...json({ cluster }) });
  beforeAll(async () => {
    h = await startHarness(PROFILE_9_6);
    await h.call('PUT', '/_security/role/user_managed_monitor', json({ cluster: ['monitor'] }));
    await h.call('PUT', '/_security/role/user_managed_api_key', json({ cluster: ['manage_own_api_key'] }));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('_authenticate of a user-managed token: its roles, full_name, metadata, index token', async () => {
    await put('apps/worker_1', { roles: ['user_managed_monitor'] });
    const reply = await whoIs(await token('apps/worker_1', 'token-1'));
    expect([reply.status, reply.json]).toEqual([200, {
      username: 'apps/worker_1',
      roles: ['user_managed_monitor'],
      full_name: 'User-managed service account - apps/worker_1',
      email: null,
      token: { name: 'token-1', type: '_service_account_index' },
      metadata: { _user_managed_service_account: true },
      enabled: true,
      authentication_realm: { name: '_service_account', type: '_service_account' },
      lookup_realm: { name: '_service_account', type: '_service_account' },
      authentication_type: 'token',
    }]);
  });

  it('a token for a missing account -> 400 does not exist; ELASTIC/foo goes to the built-in action (sam may call it)', async () => {
    const missing = await h.call('POST', tokenPath('apps/nobody', 't'));
    expect([missing.status, missing.json]).toEqual([400, esError(400, 'illegal_argument_exception', 'service account [apps/nobody] does not exist')]);
    const upper = await h.call('POST', tokenPath('ELASTIC/foo', 'case-dispatch-token'), { auth: userAuth('sam') });
    expect([upper.status, upper.json.error.reason]).toEqual([400, 'service account [ELASTIC/foo] does not exist']);
  });

  it('manage_service_account may not administer user-managed accounts or their tokens (exact 403s), but still makes built-in tokens', async () => {
    const sam = { auth: userAuth('sam') };
    const denied = async (method: string, path: string, action: string, body?: unknown) => {
      const reply = await h.call(method, path, { ...sam, ...(body ? json(body) : {}) });
      expect([reply.status, reply.json]).toEqual([403, esError(403, 'security_exception', denial(action, SAM, MANAGE_SECURITY))]);
    };
    await denied('PUT', `${SA_PATH}/apps/boundary_worker`, 'cluster:admin/xpack/security/user_managed_service_account/put', { roles: [] });
    await put('apps/boundary_worker', { roles: [] });
    await denied('POST', tokenPath('apps/boundary_worker', 'b'), 'cluster:admin/xpack/security/user_managed_service_account/token/create');
    await denied('DELETE', tokenPath('apps/boundary_worker', 'b'), 'cluster:admin/xpack/security/user_managed_service_account/token/delete');
    await denied('DELETE', `${SA_PATH}/apps/boundary_worker`, 'cluster:admin/xpack/security/user_managed_service_account/delete');
    expect((await h.call('POST', tokenPath(FLEET, 'boundary-elastic-token'), sam)).json.created).toBe(true);
    // GET (both kinds) is allowed to manage_service_account and read_security
    for (const user of ['sam', 'reader'] as const) {
      const reply = await h.call('GET', `${SA_PATH}/apps/boundary_worker`, { auth: userAuth(user) });
      expect(Object.keys(reply.json)).toEqual(['apps/boundary_worker']);
    }
    const secman = await h.call('PUT', `${SA_PATH}/apps/by_secman`, { auth: userAuth('secman'), ...json({ roles: [] }) });
    expect(secman.json).toEqual({ created: true });
  });

  it('disabled: old and new tokens -> 401; tokens can still be created; re-enabling restores both', async () => {
    await put('apps/disabled_worker', { roles: ['user_managed_monitor'] });
    const before = await token('apps/disabled_worker', 'disabled-token');
    expect((await put('apps/disabled_worker', { roles: ['user_managed_monitor'], enabled: false })).json).toEqual({ created: false });
    const reply = await whoIs(before);
    expect([reply.status, reply.json]).toEqual([401, saAuthFailed('apps/disabled_worker', 'disabled-token')]);
    const whileOff = await h.call('POST', tokenPath('apps/disabled_worker', 'disabled-token-while-off'));
    expect(whileOff.json.created).toBe(true);
    expect((await whoIs(whileOff.json.token.value)).status).toBe(401);
    await put('apps/disabled_worker', { roles: ['user_managed_monitor'], enabled: true });
    expect((await whoIs(before)).json.username).toBe('apps/disabled_worker');
    expect((await whoIs(whileOff.json.token.value)).json.username).toBe('apps/disabled_worker');
  });

  it('roles resolve at each request: swap, union, a role created later, a role edited', async () => {
    await put('apps/union_worker', { roles: ['user_managed_monitor', 'user_managed_api_key'] });
    const union = await token('apps/union_worker', 'union-token');
    expect((await clusterCheck(union, ['monitor', 'manage_own_api_key'])).json).toMatchObject({ has_all_requested: true, cluster: { monitor: true, manage_own_api_key: true } });
    await put('apps/union_worker', { roles: ['user_managed_api_key'] });
    expect((await clusterCheck(union, ['monitor', 'manage_own_api_key'])).json.cluster).toEqual({ monitor: false, manage_own_api_key: true });

    await put('apps/missing_role_worker', { roles: ['user_managed_missing_role'] });
    const missing = await token('apps/missing_role_worker', 'missing-role-token');
    expect((await whoIs(missing)).json.roles).toEqual(['user_managed_missing_role']);
    expect((await clusterCheck(missing, ['monitor'])).json).toMatchObject({ has_all_requested: false, cluster: { monitor: false } });
    expect((await h.call('GET', '/_cluster/health', { auth: bearer(missing) })).status).toBe(403);
    await h.call('PUT', '/_security/role/user_managed_missing_role', json({ cluster: ['monitor'] }));
    expect((await clusterCheck(missing, ['monitor'])).json).toMatchObject({ has_all_requested: true });
    expect((await h.call('GET', '/_cluster/health', { auth: bearer(missing) })).status).toBe(200);
    await h.call('PUT', '/_security/role/user_managed_missing_role', json({ cluster: ['manage_own_api_key'] }));
    expect((await clusterCheck(missing, ['monitor'])).json.cluster.monitor).toBe(false);
  });

  it('a user-managed account lacking a privilege -> 403 ([unsure] subject wording, here as for built-ins)', async () => {
    await put('apps/monitor_only', { roles: ['user_managed_monitor'] });
    const reply = await h.call('GET', SA_PATH, { auth: bearer(await token('apps/monitor_only', 't')) });
    expect(reply.status).toBe(403);
    expect(reply.json.error.reason).toMatch(/^action \[cluster:admin\/xpack\/security\/service_account\/get\] is unauthorized for service account \[apps\/monitor_only\]/);
  });

  it('file tokens never authenticate a user-managed account, though the same file authenticates a built-in one', async () => {
    await put('apps/file_worker', { roles: [] });
    const secret = 'file-token-secret-value';
    await writeServiceTokensEverywhere(h.emu, `apps/file_worker/ftok:${pbkdf2StretchHash(secret)}\n${FLEET}/ftok:${pbkdf2StretchHash(secret)}\n`);
    const encode = (principal: string) => encodeServiceToken(`${principal}/ftok`, secret);
    const umsa = await whoIs(encode('apps/file_worker'));
    expect([umsa.status, umsa.json]).toEqual([401, saAuthFailed('apps/file_worker', 'ftok')]);
    expect((await whoIs(encode(FLEET))).status).toBe(200);
  });

  it('credentials list the index tokens; an orphan token of a deleted account is still deletable', async () => {
    await put('apps/orphan', { roles: [] });
    await token('apps/orphan', 'o1');
    expect(Object.keys((await h.call('GET', credentialPath('apps/orphan'))).json.tokens)).toEqual(['o1']);
    await h.call('DELETE', `${SA_PATH}/apps/orphan?force=true`);
    expect((await h.call('DELETE', tokenPath('apps/orphan', 'o1'))).json).toEqual({ found: true });
  });
});

describe('before 9.6 (ES 9.4.0): no user-managed accounts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion: '9.4.0', isTls: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(['PUT', 'DELETE'])('%s /_security/service/{ns}/{svc} -> 405, only GET is routed', async (method) => {
    const reply = await h.call(method, `${SA_PATH}/apps/worker`, method === 'PUT' ? json({ roles: [] }) : {});
    expect([reply.status, reply.json]).toEqual([405, { error: `Incorrect HTTP method for uri [${SA_PATH}/apps/worker] and method [${method}], allowed: [GET]`, status: 405 }]);
  });

  it('`type` is an unrecognized parameter, entries have no `type`, and apps/x tokens are built-in requests', async () => {
    expect((await h.call('GET', `${SA_PATH}?type=user_managed`)).status).toBe(400);
    expect(Object.keys((await h.call('GET', `${SA_PATH}/elastic/fleet-server`)).json[FLEET])).toEqual(['role_descriptor']);
    const reply = await h.call('POST', tokenPath('apps/x', 't'), { auth: userAuth('sam') });
    expect([reply.status, reply.json.error.reason]).toEqual([400, 'service account [apps/x] does not exist']);
  });
});

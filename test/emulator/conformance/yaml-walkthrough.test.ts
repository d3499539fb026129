/**
 * Elasticsearch's own YAML REST suites, followed step by step against the emulator, in order, with
 * the test cluster's node names. Our own code: each step restates the fact the suite checks.
 * - x-pack service_accounts/10_basic.yml@6cbdfc64: a 7.x development state (nodes_credentials of 7.15,
 *   but only elastic/fleet-server listed, i.e. before elastic/kibana landed on 2021-08-13); followed on 7.15.0
 *   with that one count taken from the release (2 accounts).
 * - elasticsearch-clients-tests security/90_service_accounts.yml@6dbd4b7a (8.16-8.19) and @9f63754e (9.0-9.5, main).
 * - x-pack service_accounts/20_user_managed.yml@03f56605 and 21_user_managed_authorization.yml@b94f54cb on 9.6.0
 *   (its lifecycle steps are covered in user-managed-lifecycle/auth.test.ts; here the setup and first scenario in order).
 * - 22_user_managed_query.yml@187391d1 in user-managed-query.test.ts; 22_user_managed_oauth2_token.yml@c0b6bd5f in
 *   user-managed-oauth2-token.test.ts; 23_user_managed_attribution.yml@31080cc5 in user-managed-attribution.test.ts (issue 22).
 *   20_user_managed.yml@b94f54cb asks for `managed_by` where @03f56605 asks for `type`: docs/user-managed-accounts-es-main.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET, SA_PATH, YAML_NODE_NAMES, basicAuth, bearer, clearCachePath, credentialPath, startHarness, tokenPath, writeFileTokens, type Harness } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('10_basic.yml@6cbdfc64 on ES 7.15.0 (yamlRestTest nodes, token1 in the first node\'s file)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion: '7.15.0', isTls: true, nodeNames: YAML_NODE_NAMES });
    await writeFileTokens(h.emu, 'yamlRestTest-0', [{ key: `${FLEET}/token1`, secret: 'yaml-file-token-secret' }]);
  });
  afterAll(async () => {
    // teardown: delete api-token-1, 404 ignored
    expect([200, 404]).toContain((await h.call('DELETE', tokenPath(FLEET, 'api-token-1'))).status);
    await h?.close();
  });

  it('setup: cluster health, wait_for_status yellow', async () => {
    expect((await h.call('GET', '/_cluster/health?wait_for_status=yellow')).status).toBe(200);
  });

  it('"Test get service accounts": all, by namespace, by principal', async () => {
    expect(Object.keys((await h.call('GET', SA_PATH)).json)).toEqual([FLEET, 'elastic/kibana']);
    expect((await h.call('GET', `${SA_PATH}/elastic`)).json[FLEET]).toBeTruthy();
    expect(Object.keys((await h.call('GET', `${SA_PATH}/${FLEET}`)).json)).toEqual([FLEET]);
  });

  it('"Test service account tokens": create, authenticate, 403 on delete_user, credentials, clear cache', async () => {
    const created = await h.call('POST', tokenPath(FLEET, 'api-token-1'));
    expect([created.json.created, created.json.token.name]).toEqual([true, 'api-token-1']);
    const me = await h.call('GET', '/_security/_authenticate', { auth: bearer(created.json.token.value) });
    expect(me.json).toMatchObject({ username: FLEET, roles: [], full_name: `Service account - ${FLEET}`, token: { name: 'api-token-1' } });
    const denied = await h.call('DELETE', '/_security/user/foo', { auth: bearer(created.json.token.value) });
    expect([denied.status, denied.json.error.type, denied.json.error.reason]).toEqual([403, 'security_exception',
      'action [cluster:admin/xpack/security/user/delete] is unauthorized for user [elastic/fleet-server], this action is granted by the cluster privileges [manage_security,all]']);
    const credentials = await h.call('GET', credentialPath(FLEET));
    expect(credentials.json).toMatchObject({ service_account: FLEET, count: 2, tokens: { 'api-token-1': {} }, nodes_credentials: { _nodes: { failed: 0 } } });
    expect(credentials.json.nodes_credentials.file_tokens.token1.nodes[0]).toMatch(/^(yamlRestTest-0|yamlRestCompatTest-0)$/);
    expect((await h.call('POST', clearCachePath(FLEET, 'api-token-1'))).json._nodes.failed).toBe(0);
    expect((await h.call('POST', clearCachePath(FLEET, 'api-token-1,does-not-exist'))).json._nodes.failed).toBe(0);
  });
});

describe.each([
  { esVersion: '8.19.0', source: '90_service_accounts.yml@6dbd4b7a', accounts: ['elastic/auto-ops', 'elastic/enterprise-search-server', FLEET, 'elastic/fleet-server-remote', 'elastic/kibana'] },
  { esVersion: '9.4.0', source: '90_service_accounts.yml@9f63754e', accounts: ['elastic/auto-ops', FLEET, 'elastic/fleet-server-remote', 'elastic/kibana'] },
  { esVersion: '9.6.0', source: '90_service_accounts.yml@9f63754e', accounts: ['elastic/auto-ops', FLEET, 'elastic/fleet-server-remote', 'elastic/kibana'] },
])('clients-tests $source on ES $esVersion', ({ esVersion, accounts }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion, isTls: true, nodeNames: YAML_NODE_NAMES });
  });
  afterAll(async () => {
    expect([200, 404]).toContain((await h.call('DELETE', tokenPath(FLEET, 'api-token-fleet'))).status);
    await h?.close();
  });

  it('"Service accounts": namespace listing, create token, credentials, clear cache', async () => {
    const listed = await h.call('GET', `${SA_PATH}/elastic`);
    for (const principal of accounts) expect(listed.json[principal]).toBeTruthy();
    const created = await h.call('POST', tokenPath(FLEET, 'api-token-fleet'));
    expect([created.json.created, created.json.token.name]).toEqual([true, 'api-token-fleet']);
    expect((await h.call('GET', credentialPath(FLEET))).json.service_account).toBe(FLEET);
    expect((await h.call('POST', clearCachePath(FLEET, 'api-token-fleet'))).json._nodes.failed).toBe(0);
  });
});

describe('20_user_managed.yml@03f56605 / 21_user_managed_authorization.yml@b94f54cb setups on ES 9.6.0', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion: '9.6.0', isTls: true, nodeNames: YAML_NODE_NAMES });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('requires: the capability; setup: health, put_role x3, put_user sa_admin; teardown deletes with ignore 404', async () => {
    const capability = await h.call('GET', `/_capabilities?method=PUT&path=${encodeURIComponent('/_security/service/{namespace}/{service}')}&capabilities=user_managed_service_accounts`);
    expect(capability.json.supported).toBe(true);
    expect((await h.call('GET', '/_cluster/health?wait_for_status=yellow')).status).toBe(200);
    for (const [name, cluster] of [['user_managed_monitor', 'monitor'], ['user_managed_api_key', 'manage_own_api_key'], ['service_account_admin', 'manage_service_account']]) {
      expect((await h.call('PUT', `/_security/role/${name}`, json({ cluster: [cluster] }))).status).toBe(200);
    }
    expect((await h.call('PUT', '/_security/user/sa_admin', json({ password: 'x-pack-test-password', roles: ['service_account_admin'] }))).status).toBe(200);
    const saAdmin = basicAuth('sa_admin', 'x-pack-test-password');
    expect((await h.call('PUT', `${SA_PATH}/apps/boundary_worker`, { auth: saAdmin, ...json({ roles: ['user_managed_monitor'], enabled: true }) })).status).toBe(403);
    // teardown steps: each answers 200 or 404 (ignored)
    const teardown = [
      ['DELETE', tokenPath('apps/worker_1', 'token-1')], ['DELETE', `${SA_PATH}/apps/worker_1?force=true`], ['DELETE', '/_security/user/sa_admin'],
      ['DELETE', '/_security/role/service_account_admin'], ['DELETE', '/_security/role/user_managed_missing_role'],
    ] as const;
    for (const [method, path] of teardown) expect([200, 404]).toContain((await h.call(method, path)).status);
  });
});

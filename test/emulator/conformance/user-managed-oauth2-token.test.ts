/**
 * x-pack service_accounts/22_user_managed_oauth2_token.yml@c0b6bd5f on ES 9.6.0 (PR #159157), followed step by
 * step: setup, each scenario in order, teardown. The earlier @7a918732 has the same steps minus the self-minting
 * scenario. Our own code: each step restates the fact the suite checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROFILE_9_6, SA_PATH, basicAuth, bearer, startHarness, tokenPath, type Harness } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const BROKER = basicAuth('umsa_oauth2_broker', 'x-pack-test-password');
const GRANT = '_user_managed_service_account';

describe('22_user_managed_oauth2_token.yml@c0b6bd5f on ES 9.6.0', () => {
  let h: Harness;
  const getToken = (body: unknown, auth?: string) => h.call('POST', '/_security/oauth2/token', { ...json(body), ...(auth ? { auth } : {}) });
  const hasPrivileges = (auth: string, cluster: string[]) => h.call('POST', '/_security/user/_has_privileges', { auth, ...json({ cluster }) });
  const putAccount = (service: string, roles: string[], enabled: boolean) => h.call('PUT', `${SA_PATH}/apps/${service}`, json({ roles, enabled }));

  beforeEach(async () => {
    h = await startHarness(PROFILE_9_6);
    expect((await h.call('GET', '/_cluster/health?wait_for_status=yellow')).status).toBe(200);
    expect((await h.call('PUT', '/_security/role/umsa_oauth2_monitor', json({ cluster: ['monitor'] }))).status).toBe(200);
  });
  afterEach(async () => {
    const teardown = [tokenPath('apps/oauth2_worker', 'exchange-token'), tokenPath('elastic/fleet-server', 'builtin-exchange-token'),
      `${SA_PATH}/apps/oauth2_worker?force=true`, tokenPath('apps/oauth2_self_minter', 'self-mint-token'), `${SA_PATH}/apps/oauth2_self_minter?force=true`,
      '/_security/role/umsa_oauth2_monitor', '/_security/role/umsa_oauth2_manage_token', '/_security/user/umsa_oauth2_broker', '/_security/role/umsa_oauth2_broker'];
    for (const path of teardown) expect([200, 404]).toContain((await h.call('DELETE', path)).status);
    await h?.close();
  });

  it('"Test a manage_token broker can exchange a user-managed service account token but the account cannot"', async () => {
    expect((await h.call('PUT', '/_security/role/umsa_oauth2_broker', json({ cluster: ['manage_token'] }))).status).toBe(200);
    expect((await h.call('PUT', '/_security/user/umsa_oauth2_broker', json({ password: 'x-pack-test-password', roles: ['umsa_oauth2_broker'] }))).status).toBe(200);
    expect((await putAccount('oauth2_worker', ['umsa_oauth2_monitor'], true)).json).toEqual({ created: true });
    const created = await h.call('POST', tokenPath('apps/oauth2_worker', 'exchange-token'));
    expect(created.json.created).toBe(true);
    const serviceToken: string = created.json.token.value;

    const asAccount = await h.call('GET', '/_security/_authenticate', { auth: bearer(serviceToken) });
    expect([asAccount.json.username, asAccount.json.roles]).toEqual(['apps/oauth2_worker', ['umsa_oauth2_monitor']]);
    expect((await hasPrivileges(bearer(serviceToken), ['manage_token'])).json.cluster.manage_token).toBe(false);
    const selfExchange = await getToken({ grant_type: GRANT, service_account_token: serviceToken }, bearer(serviceToken));
    expect([selfExchange.status, selfExchange.json.error.type]).toEqual([403, 'security_exception']);

    const exchanged = await getToken({ grant_type: GRANT, service_account_token: serviceToken }, BROKER);
    expect(exchanged.json.type).toBe('Bearer');
    expect(exchanged.json.access_token).toBeTruthy();
    expect(exchanged.json.refresh_token).toBeUndefined();
    expect(exchanged.json.authentication.username).toBe('apps/oauth2_worker');
    const accessToken: string = exchanged.json.access_token;

    const viaAccess = await h.call('GET', '/_security/_authenticate', { auth: bearer(accessToken) });
    expect(viaAccess.json).toMatchObject({ username: 'apps/oauth2_worker', roles: ['umsa_oauth2_monitor'], metadata: { _user_managed_service_account: true }, authentication_type: 'token' });
    const held = (await hasPrivileges(bearer(accessToken), ['monitor', 'manage_own_api_key', 'manage_token'])).json.cluster;
    expect(held).toEqual({ monitor: true, manage_own_api_key: false, manage_token: false });

    expect((await putAccount('oauth2_worker', ['umsa_oauth2_monitor'], false)).json).toEqual({ created: false });
    expect((await getToken({ grant_type: GRANT, service_account_token: serviceToken }, BROKER)).status).toBe(401);
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(accessToken) })).json.username).toBe('apps/oauth2_worker');
    const invalidated = await h.call('DELETE', '/_security/oauth2/token', json({ token: accessToken }));
    expect(invalidated.json).toMatchObject({ invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    expect((await h.call('GET', '/_security/_authenticate', { auth: bearer(accessToken) })).status).toBe(401);
  });

  it('"Test a user-managed service account with manage_token cannot mint its own token with client_credentials"', async () => {
    expect((await h.call('PUT', '/_security/role/umsa_oauth2_manage_token', json({ cluster: ['manage_token'] }))).status).toBe(200);
    expect((await putAccount('oauth2_self_minter', ['umsa_oauth2_manage_token'], true)).json).toEqual({ created: true });
    const created = await h.call('POST', tokenPath('apps/oauth2_self_minter', 'self-mint-token'));
    expect(created.json.created).toBe(true);
    const minter = bearer(created.json.token.value);
    expect((await hasPrivileges(minter, ['manage_token'])).json.cluster.manage_token).toBe(true);
    const refused = await getToken({ grant_type: 'client_credentials' }, minter);
    expect([refused.status, refused.json.status, refused.json.error.type, refused.json.error.reason])
      .toEqual([500, 500, 'exception', 'OAuth2 token creation is not supported for service accounts']);
  });

  it('"Test the user-managed service account grant rejects built-in service account tokens"', async () => {
    const created = await h.call('POST', tokenPath('elastic/fleet-server', 'builtin-exchange-token'));
    expect(created.json.created).toBe(true);
    const refused = await getToken({ grant_type: GRANT, service_account_token: created.json.token.value });
    expect([refused.status, refused.json]).toEqual([400, { error: 'invalid_grant', error_description: 'service_account_token must belong to a user-managed service account' }]);
  });

  it('"Test the user-managed service account grant rejects malformed tokens"', async () => {
    const refused = await getToken({ grant_type: GRANT, service_account_token: 'obviously-not-a-service-account-token' });
    expect([refused.status, refused.json]).toEqual([400, { error: 'invalid_grant', error_description: 'service_account_token is not a valid service account token' }]);
  });

  it('"Test the user-managed service account grant requires a service_account_token"', async () => {
    const refused = await getToken({ grant_type: GRANT });
    expect([refused.status, refused.json.error]).toEqual([400, 'invalid_request']);
  });
});

describe('the user-managed grant beyond the YAML suite, ES 9.6.0', () => {
  it('CreateTokenRequest (spec 1.6): the fields of other grants are refused with this one', async () => {
    const h = await startHarness(PROFILE_9_6);
    try {
      const refused = await h.call('POST', '/_security/oauth2/token', json({ grant_type: GRANT, service_account_token: 'x', username: 'u' }));
      expect([refused.status, refused.json]).toEqual([400, { error: 'invalid_request', error_description: 'username is not supported with the _user_managed_service_account grant_type' }]);
    } finally {
      await h.close();
    }
  });
});

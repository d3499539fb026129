/**
 * x-pack service_accounts/23_user_managed_attribution.yml@31080cc5 on ES 9.6.0, followed step by step (setup, each
 * scenario, teardown), with the facts of PutUserManagedServiceAccountRequestTests and ServiceAccountAuthor.java@c2d47c6b
 * (docs/user-managed-accounts-es-main.md). Our own code: each step restates the fact the suite checks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROFILE_9_6, SA_PATH, basicAuth, bearer, esError, startHarness, tokenPath, type Harness } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const CREATOR = basicAuth('sa_creator', 'x-pack-test-password');
const EDITOR = basicAuth('sa_editor', 'x-pack-test-password');

describe('23_user_managed_attribution.yml@31080cc5 on ES 9.6.0', () => {
  let h: Harness;
  const put = (service: string, body: unknown, auth?: string) => h.call('PUT', `${SA_PATH}/attributed/${service}`, { ...json(body), ...(auth ? { auth } : {}) });
  const get = async (service: string) => (await h.call('GET', `${SA_PATH}/attributed/${service}`)).json[`attributed/${service}`];
  const query = (body: unknown) => h.call('POST', '/_security/_query/service', json(body));

  beforeEach(async () => {
    h = await startHarness(PROFILE_9_6);
    // setup: capability, health, two roles, sa_creator (full name, email) and sa_editor (neither)
    const capability = await h.call('GET', `/_capabilities?method=PUT&path=${encodeURIComponent('/_security/service/{namespace}/{service}')}&capabilities=user_managed_service_accounts`);
    expect(capability.json.supported).toBe(true);
    expect((await h.call('GET', '/_cluster/health?wait_for_status=yellow')).status).toBe(200);
    expect((await h.call('PUT', '/_security/role/attribution_monitor', json({ cluster: ['monitor'] }))).status).toBe(200);
    expect((await h.call('PUT', '/_security/role/attribution_manager', json({ cluster: ['manage_security'] }))).status).toBe(200);
    const creator = { password: 'x-pack-test-password', roles: ['attribution_manager'], full_name: 'Sa Creator', email: 'sa_creator@example.com' };
    expect((await h.call('PUT', '/_security/user/sa_creator', json(creator))).status).toBe(200);
    expect((await h.call('PUT', '/_security/user/sa_editor', json({ password: 'x-pack-test-password', roles: ['attribution_manager'] }))).status).toBe(200);
  });
  afterEach(async () => {
    const teardown = [`${SA_PATH}/attributed/worker_1?force=true`, `${SA_PATH}/attributed/worker_2?force=true`, '/_security/user/sa_creator',
      '/_security/user/sa_editor', '/_security/role/attribution_monitor', '/_security/role/attribution_manager'];
    for (const path of teardown) expect([200, 404]).toContain((await h.call('DELETE', path)).status);
    await h?.close();
  });

  it('"Test the creator is recorded on creation and the editor on replacement"', async () => {
    expect((await put('worker_1', { roles: ['attribution_monitor'], description: 'Created by sa_creator' }, CREATOR)).json).toEqual({ created: true });
    const created = await get('worker_1');
    expect(created.creator).toEqual({ principal: 'sa_creator', full_name: 'Sa Creator', email: 'sa_creator@example.com', realm: 'default_native', realm_type: 'native' });
    expect(created.created_at).toBeTruthy();
    expect([created.editor, created.edited_at]).toEqual([undefined, undefined]);

    expect((await put('worker_1', { roles: ['attribution_monitor'], enabled: false }, EDITOR)).json).toEqual({ created: false });
    const replaced = await get('worker_1');
    expect(replaced.enabled).toBe(false);
    expect(replaced.description).toBeUndefined(); // wholesale: the creator's description is gone
    expect([replaced.creator.principal, replaced.created_at]).toEqual(['sa_creator', created.created_at]);
    expect(replaced.editor).toEqual({ principal: 'sa_editor', realm: 'default_native', realm_type: 'native' }); // no full_name, no email
    expect(replaced.edited_at).toBeTruthy();

    const token = await h.call('POST', tokenPath('attributed/worker_1', 'token-1'));
    expect((await put('worker_1', { roles: ['attribution_monitor'] }, CREATOR)).json).toEqual({ created: false });
    const me = await h.call('GET', '/_security/_authenticate', { auth: bearer(token.json.token.value) });
    expect(me.json.username).toBe('attributed/worker_1');
    expect([me.json.metadata.creator, me.json.metadata.editor]).toEqual([undefined, undefined]);
  });

  it('"Test query by creator and editor and sort by created_at"', async () => {
    expect((await put('worker_1', { roles: ['attribution_monitor'] }, CREATOR)).json).toEqual({ created: true });
    expect((await put('worker_2', { roles: ['attribution_monitor'] }, EDITOR)).json).toEqual({ created: true });
    expect((await put('worker_1', { roles: ['attribution_monitor'], enabled: false }, EDITOR)).json).toEqual({ created: false });

    const byCreator = await query({ query: { term: { 'creator.principal': 'sa_creator' } } });
    expect(byCreator.json.total).toBe(1);
    expect(byCreator.json.service_accounts[0]).toMatchObject({ username: 'attributed/worker_1', creator: { principal: 'sa_creator' }, editor: { principal: 'sa_editor' } });
    expect([byCreator.json.service_accounts[0].created_at > 0, byCreator.json.service_accounts[0].edited_at > 0]).toEqual([true, true]);

    const createdByEditor = await query({ query: { term: { 'creator.principal': 'sa_editor' } } });
    expect([createdByEditor.json.total, createdByEditor.json.service_accounts[0].username]).toEqual([1, 'attributed/worker_2']);
    expect([createdByEditor.json.service_accounts[0].editor, createdByEditor.json.service_accounts[0].edited_at]).toEqual([undefined, undefined]);

    const editedByEditor = await query({ query: { term: { 'editor.principal': 'sa_editor' } } });
    expect([editedByEditor.json.total, editedByEditor.json.service_accounts[0].username]).toEqual([1, 'attributed/worker_1']);
    const edited = await query({ query: { exists: { field: 'edited_at' } } });
    expect([edited.json.total, edited.json.service_accounts[0].username]).toEqual([1, 'attributed/worker_1']);

    const newestFirst = await query({ query: { term: { 'creator.realm': 'default_native' } }, sort: [{ created_at: { order: 'desc' } }] });
    expect([newestFirst.json.total, ...newestFirst.json.service_accounts.map((a: { username: string }) => a.username)]).toEqual([2, 'attributed/worker_2', 'attributed/worker_1']);
    expect(newestFirst.json.service_accounts[0]._sort[0]).toBeTruthy();

    expect((await query({ query: { term: { 'creator.realm_domain': 'corp' } } })).json.total).toBe(0);
    for (const field of ['creator.realm_domain.name', 'creator.metadata.foo']) {
      const refused = await query({ query: { term: { [field]: 'x' } } });
      expect([refused.status, refused.json]).toEqual([400, esError(400, 'illegal_argument_exception', `Field [${field}] is not allowed for querying or aggregation`)]);
    }
  });
});

describe('description and attribution facts beyond the YAML suite, ES 9.6.0', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness(PROFILE_9_6);
  });
  afterEach(async () => h?.close());

  it('PutUserManagedServiceAccountRequestTests: null is none, "" is kept, a non-string is a parse error, over 1000 characters a validation error', async () => {
    const put = (body: unknown) => h.call('PUT', `${SA_PATH}/apps/d`, json(body));
    const description = async () => (await h.call('GET', `${SA_PATH}/apps/d`)).json['apps/d'].description;
    await put({ roles: [], description: null });
    expect(await description()).toBeUndefined();
    await put({ roles: [], description: '' });
    expect(await description()).toBe('');
    const array = await put({ roles: [], description: ['one', 'two'] });
    expect([array.status, array.json.error.type, array.json.error.reason]).toEqual([400, 'x_content_parse_exception',
      '[put_user_managed_service_account_request] description doesn\'t support values of type: START_ARRAY']);
    const long = await put({ roles: [], description: 'd'.repeat(1001) });
    expect([long.status, long.json.error.reason]).toEqual([400,
      'Validation Failed: 1: a service account description may not be more than 1000 characters long, but [1001] were given;']);
  });

  it('ServiceAccountAuthor: a write through an API key names its owner from the owner\'s realm, and the key', async () => {
    const key = await h.emu.createApiKey('automation');
    await h.call('PUT', `${SA_PATH}/apps/by_key`, { auth: `ApiKey ${key.encoded}`, ...json({ roles: [] }) });
    const account = (await h.call('GET', `${SA_PATH}/apps/by_key`)).json['apps/by_key'];
    expect(account.creator).toEqual({ principal: 'elastic', realm: 'reserved', realm_type: 'reserved', api_key: { id: key.id, name: 'automation' } });
  });

  it('[inferred] a write by a service account is attributed to it, named as _authenticate names it', async () => {
    await h.call('PUT', '/_security/role/sa_writer', json({ cluster: ['manage_security'] }));
    await h.call('PUT', `${SA_PATH}/ops/admin`, json({ roles: ['sa_writer'] }));
    const token = (await h.call('POST', tokenPath('ops/admin', 'writer'))).json.token.value;
    expect((await h.call('PUT', `${SA_PATH}/apps/by_account`, { auth: bearer(token), ...json({ roles: [] }) })).status).toBe(200);
    const account = (await h.call('GET', `${SA_PATH}/apps/by_account`)).json['apps/by_account'];
    expect(account.creator).toEqual({ principal: 'ops/admin', full_name: 'User-managed service account - ops/admin', realm: '_service_account', realm_type: '_service_account' });
  });

  it('the query API sorts on created_at and pages with search_after over it; a field name pattern is refused', async () => {
    for (const name of ['c', 'a', 'b']) await h.call('PUT', `${SA_PATH}/apps/${name}`, json({ roles: [] }));
    const first = await h.call('POST', '/_security/_query/service', json({ sort: ['created_at'], size: 2 }));
    expect(first.json.service_accounts.map((a: { username: string }) => a.username)).toEqual(['apps/c', 'apps/a']);
    const next = await h.call('POST', '/_security/_query/service', json({ sort: ['created_at'], size: 2, search_after: first.json.service_accounts[1]._sort }));
    expect(next.json.service_accounts.map((a: { username: string }) => a.username)).toEqual(['apps/b']);
    const pattern = await h.call('POST', '/_security/_query/service', json({ query: { term: { 'user*': 'x' } } }));
    expect(pattern.json.error.reason).toBe('Field name pattern [user*] is not allowed for querying or aggregation');
  });
});

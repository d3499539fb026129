/**
 * The generic REST layer around the service-account APIs: unknown parameters, bodies, 405/400
 * routing answers, versioned media types, product header, GET /, _cat/nodes and API keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, removeDir, startKit, type Kit } from './emulator-test-kit.js';

const CREDENTIALS = '/_security/service/elastic/fleet-server/credential';

describe('emulator REST layer (ES 9.4)', () => {
  let kit: Kit;
  beforeAll(async () => {
    kit = await startKit({ users: [{ username: 'sam', password: 'sam-password', roles: ['service_account_manager'] }] });
  });
  afterAll(async () => {
    await kit?.close();
    removeDir(kit.dataDir);
  });

  it('unknown query parameters -> 400 listing them; response-format parameters are fine', async () => {
    const reply = await kit.call('GET', `${CREDENTIALS}?nope=1&pretty&human=true`);
    expect([reply.status, reply.json.error.reason]).toEqual([400, `request [${CREDENTIALS}] contains unrecognized parameter: [nope]`]);
    expect((await kit.call('GET', `${CREDENTIALS}?pretty`)).status).toBe(200);
  });

  it('a body on an API that reads none -> 400 "does not support having a body"', async () => {
    const reply = await kit.call('POST', `${CREDENTIALS}/token/with-body`, { body: '{}' });
    expect([reply.status, reply.json.error.type, reply.json.error.reason]).toEqual([
      400,
      'illegal_argument_exception',
      `request [POST ${CREDENTIALS}/token/with-body] does not support having a body`,
    ]);
  });

  it('a known path with another method -> 405 with Allow; an unknown path -> 400 no handler', async () => {
    const wrong = await kit.call('DELETE', '/_security/service');
    expect([wrong.status, wrong.json, wrong.headers.allow]).toEqual([
      405,
      { error: 'Incorrect HTTP method for uri [/_security/service] and method [DELETE], allowed: [GET]', status: 405 },
      'GET',
    ]);
    const unknown = await kit.call('GET', '/_nope');
    expect([unknown.status, unknown.json]).toEqual([400, { error: 'no handler found for uri [/_nope] and method [GET]', status: 400 }]);
  });

  it('every answer carries X-elastic-product; versioned media types are echoed, unsupported ones refused', async () => {
    for (const path of ['/', '/_nope', CREDENTIALS]) {
      expect((await kit.call('GET', path)).headers['x-elastic-product']).toBe('Elasticsearch');
    }
    const { request } = await import('undici');
    const vendor = (n: number) => `application/vnd.elasticsearch+json; compatible-with=${n}`;
    const ok = await request(`${kit.emu.url}/`, { headers: { authorization: kit.superAuth, accept: vendor(9), 'content-type': vendor(9) } });
    await ok.body.dump();
    expect([ok.statusCode, ok.headers['content-type']]).toEqual([200, 'application/vnd.elasticsearch+json;compatible-with=9']);
    const bad = await request(`${kit.emu.url}/`, { headers: { authorization: kit.superAuth, accept: vendor(7), 'content-type': vendor(7) } });
    const body = (await bad.body.json()) as { error: { type: string } };
    expect([bad.statusCode, body.error.type]).toEqual([400, 'media_type_header_exception']);
  });

  it('GET / and _cat/nodes need monitor: the superuser gets them, a service-account manager a 403', async () => {
    const root = await kit.call('GET', '/');
    expect(root.json).toMatchObject({ name: 'node-0', cluster_name: 'escred-emulator', cluster_uuid: kit.emu.clusterUuid, version: { number: '9.4.0', build_flavor: 'default' } });
    const nodes = await kit.call('GET', '/_cat/nodes?format=json&h=id,name&full_id=true');
    expect(nodes.json).toEqual(kit.emu.nodes.map((node) => ({ id: node.id, name: node.name })));
    const denied = await kit.call('GET', '/', { auth: basic('sam', 'sam-password') });
    expect([denied.status, denied.json.error.reason]).toEqual([
      403,
      'action [cluster:monitor/main] is unauthorized for user [sam] with effective roles [service_account_manager], this action is granted by the cluster privileges [monitor,manage,all]',
    ]);
  });

  it('POST /_security/api_key creates a key that authenticates; without a name -> 400', async () => {
    const created = await kit.call('POST', '/_security/api_key', { body: JSON.stringify({ name: 'ci' }) });
    expect(created.json).toEqual({ id: expect.any(String), name: 'ci', api_key: expect.any(String), encoded: expect.any(String) });
    expect(Buffer.from(created.json.encoded, 'base64').toString()).toBe(`${created.json.id}:${created.json.api_key}`);
    const me = await kit.call('GET', '/_security/_authenticate', { auth: `ApiKey ${created.json.encoded}` });
    expect(me.json).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id: created.json.id, name: 'ci' } });
    const wrong = await kit.call('GET', '/_security/_authenticate', { auth: `ApiKey ${Buffer.from(`${created.json.id}:nope`).toString('base64')}` });
    expect(wrong.status).toBe(401);
    const nameless = await kit.call('POST', '/_security/api_key', { body: '{}' });
    expect([nameless.status, nameless.json.error.type]).toEqual([400, 'action_request_validation_exception']);
  });

  it('an API key of a user without the privilege is denied with the API key subject', async () => {
    const key = await kit.emu.createApiKey('sam-key', 'sam');
    const reply = await kit.call('POST', `${CREDENTIALS}/token/x/_clear_cache`, { auth: `ApiKey ${key.encoded}` });
    expect([reply.status, reply.json.error.reason]).toEqual([
      403,
      `action [cluster:admin/xpack/security/cache/clear] is unauthorized for API key id [${key.id}] of user [sam], this action is granted by the cluster privileges [manage_security,all]`,
    ]);
  });
});

/**
 * Conformance: wire details the official clients rely on (spec §13): the X-elastic-product header on
 * every response, success or error, and the content type chosen from the request's media type.
 * Which `compatible-with` majors each version accepts is not in the spec; only the server's own major
 * (8.19 -> 8, 9.4 -> 9) and an obviously unsupported one (5) are tested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  PROFILES,
  SA_PATH,
  bearer,
  clearCachePath,
  credentialPath,
  isAtLeast,
  majorMinor,
  startHarness,
  tokenPath,
  userAuth,
  type Harness,
} from './harness.js';

const VND = 'application/vnd.elasticsearch+json';

/** Callers other than the superuser; the bearer is the spec's vector, which no node's file holds here. */
const CALLERS = {
  mon: userAuth('mon'),
  'bad-password': `Basic ${Buffer.from('sam:wrong-password').toString('base64')}`,
  'bad-token': bearer('AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuMTphSV8wUUxSZlJ5R0JQMVU2MFNieTJ3'),
} as const;

describe.each(PROFILES)('wire details, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
    expect((await h.call('POST', tokenPath(FLEET, 'dup'))).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['GET /', 'GET', '/', undefined, 200],
    ['GET accounts', 'GET', SA_PATH, undefined, 200],
    ['GET credentials', 'GET', credentialPath(FLEET), undefined, 200],
    ['clear cache', 'POST', clearCachePath(FLEET, '*'), undefined, 200],
    ['delete, absent', 'DELETE', tokenPath(FLEET, 'absent'), undefined, 404],
    ['create, invalid name', 'POST', tokenPath(FLEET, '_bad'), undefined, 400],
    ['create, duplicate', 'POST', tokenPath(FLEET, 'dup'), undefined, 409],
    ['create, no privilege', 'POST', tokenPath(FLEET, 'x'), 'mon', 403],
    ['wrong password', 'GET', SA_PATH, 'bad-password', 401],
    ['bad service token', 'GET', '/_security/_authenticate', 'bad-token', 401],
    ['PUT without a name', 'PUT', tokenPath(FLEET), undefined, 405],
  ] as const)('%s -> %s… with X-elastic-product and a JSON content type', async (_label, method, path, who, status) => {
    const auth = who === undefined ? undefined : CALLERS[who];
    const reply = await h.call(method, path, { auth });
    expect(reply.status).toBe(status);
    expect(reply.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
    expect(reply.json).toBeDefined();
  });

  it('GET / names the cluster and the version of this profile', async () => {
    const reply = await h.call('GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      cluster_name: h.emu.clusterName,
      cluster_uuid: h.emu.clusterUuid,
      version: { number: profile.esVersion, build_flavor: 'default' },
    });
  });

  const [major] = majorMinor(profile.esVersion);
  describe.runIf(isAtLeast(profile.esVersion, 8, 0))('versioned media types (client 8.x / 9.x)', () => {
    const compatible = (n: number) => ({ accept: `${VND}; compatible-with=${n},text/plain`, 'content-type': `${VND}; compatible-with=${n}` });

    it(`compatible-with=${major} is answered in the same versioned media type`, async () => {
      const reply = await h.call('GET', credentialPath(FLEET), { headers: compatible(major) });
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe(`${VND};compatible-with=${major}`);
      expect(reply.headers['x-elastic-product']).toBe('Elasticsearch');
      expect(reply.json.service_account).toBe(FLEET);
    });

    it('an unsupported compatible-with major -> 400 media_type_header_exception', async () => {
      const reply = await h.call('GET', SA_PATH, { headers: compatible(5) });
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ error: { type: 'media_type_header_exception' }, status: 400 });
      expect(reply.headers['x-elastic-product']).toBe('Elasticsearch');
    });
  });
});

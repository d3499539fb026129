/**
 * Conformance: POST/PUT /_security/service/{ns}/{svc}/credential/token[/{name}] (spec §1.3, §2, §3, §7).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  PROFILES,
  authenticateBody,
  badRefresh,
  esError,
  isAtLeast,
  startHarness,
  tokenPath,
  validationFailed,
  writeFileTokens,
  type Harness,
} from './harness.js';
import { decodeServiceToken, newSecret } from './token-crypto.js';

describe.each(PROFILES)('create service token, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['POST', 'post-named'],
    ['PUT', 'put-named'],
    ['POST', '-leading-hyphen'],
    ['POST', 'x'.repeat(256)],
  ])('%s with name %s -> 200 {created:true, token:{name, value}} and a well-formed bearer', async (method, name) => {
    const reply = await h.call(method, tokenPath(FLEET, name));
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ created: true, token: { name, value: expect.any(String) } });
    expect(Object.keys(reply.json)).toEqual(['created', 'token']);
    const value: string = reply.json.token.value;
    expect(value).toMatch(/^AAEAAWVsYXN0aWMv[A-Za-z0-9+/]+$/); // standard base64, no padding (§7)
    const decoded = decodeServiceToken(value);
    expect([...decoded.prefix]).toEqual([0, 1, 0, 1]);
    expect(decoded.qualifiedName).toBe(`${FLEET}/${name}`);
    expect(decoded.secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('POST without a name -> auto-generated token_<20 url-safe chars>, distinct each time', async () => {
    const first = await h.call('POST', tokenPath(FLEET));
    const second = await h.call('POST', tokenPath(FLEET));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.json.token.name).toMatch(/^token_[A-Za-z0-9_-]{20}$/);
    expect(second.json.token.name).toMatch(/^token_[A-Za-z0-9_-]{20}$/);
    expect(first.json.token.name).not.toBe(second.json.token.name);
    expect(decodeServiceToken(first.json.token.value).qualifiedName).toBe(`${FLEET}/${first.json.token.name}`);
  });

  it('PUT without a name is not routed -> 405', async () => {
    // spec: [inferred] generic ES 405 "Incorrect HTTP method for uri [...] and method [PUT], allowed: [POST]"
    const reply = await h.call('PUT', tokenPath(FLEET));
    expect(reply.status).toBe(405);
    expect(reply.json).toEqual({
      error: `Incorrect HTTP method for uri [${tokenPath(FLEET)}] and method [PUT], allowed: [POST]`,
      status: 405,
    });
  });

  it.each(['true', 'false', 'wait_for', ''])('refresh=%j is accepted', async (refresh) => {
    const name = `refresh-${refresh || 'empty'}`;
    const reply = await h.call('POST', `${tokenPath(FLEET, name)}?refresh=${refresh}`);
    expect([reply.status, reply.json?.token?.name]).toEqual([200, name]);
  });

  it.each(['TRUE', 'yes', 'wait-for', 'False'])('refresh=%s -> 400 illegal_argument_exception (case-sensitive)', async (refresh) => {
    const reply = await h.call('POST', `${tokenPath(FLEET, 'bad-refresh')}?refresh=${refresh}`);
    expect([reply.status, reply.json]).toEqual([400, badRefresh(refresh)]);
  });

  it('a second create with the same name -> 409 version_conflict_engine_exception with index metadata', async () => {
    expect((await h.call('POST', tokenPath(FLEET, 'dup'))).status).toBe(200);
    const conflicts = [await h.call('POST', tokenPath(FLEET, 'dup')), await h.call('PUT', tokenPath(FLEET, 'dup'))];
    const reason = `[service_account_token-${FLEET}/dup]: version conflict, document already exists (current version [1])`;
    for (const reply of conflicts) {
      expect([reply.status, reply.json]).toEqual([
        409,
        esError(409, 'version_conflict_engine_exception', reason, { index_uuid: expect.any(String), shard: '0', index: '.security-7' }),
      ]);
      expect(reply.json.error.index_uuid.length).toBeGreaterThan(0);
      expect(reply.json.error.root_cause[0].index_uuid).toBe(reply.json.error.index_uuid);
    }
    // one .security index: the same uuid every time
    expect(conflicts[1]!.json.error.index_uuid).toBe(conflicts[0]!.json.error.index_uuid);
  });

  const unknownAccounts: string[] = ['elastic/nope', 'foo/bar', 'Elastic/fleet-server'];
  if (!isAtLeast(profile.esVersion, 7, 15)) unknownAccounts.push('elastic/kibana');
  if (isAtLeast(profile.esVersion, 9, 0)) unknownAccounts.push('elastic/enterprise-search-server');
  it.each(unknownAccounts)('unknown service account %s -> 400 illegal_argument_exception', async (principal) => {
    const reply = await h.call('POST', tokenPath(principal, 'some-token'));
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', `service account [${principal}] does not exist`)]);
  });

  it.each([
    ['has.dot', 'has.dot'],
    ['_leading-underscore', '_leading-underscore'],
    ['x'.repeat(257), 'x'.repeat(257)],
    ['a%20b', 'a b'],
    ['has%3Acolon', 'has:colon'],
    ['%C3%BCnicode', 'ünicode'],
  ])('invalid name %s -> 400 action_request_validation_exception', async (urlName, name) => {
    const reply = await h.call('POST', tokenPath(FLEET, urlName));
    expect([reply.status, reply.json]).toEqual([400, validationFailed(name)]);
  });

  it('name validation comes before the unknown-account check (validate() runs before business logic)', async () => {
    const reply = await h.call('POST', tokenPath('elastic/nope', 'has.dot'));
    expect([reply.status, reply.json]).toEqual([400, validationFailed('has.dot')]);
  });

  it('bad refresh value is a REST-layer error, so it comes before name validation', async () => {
    const reply = await h.call('POST', `${tokenPath(FLEET, 'has.dot')}?refresh=nope`);
    expect([reply.status, reply.json]).toEqual([400, badRefresh('nope')]);
  });

  it('a file token with the same name does not conflict (file tokens are not consulted on create)', async () => {
    await writeFileTokens(h.emu, h.emu.nodes[0]!.name, [{ key: `${FLEET}/from-file`, secret: newSecret() }]);
    const reply = await h.call('POST', tokenPath(FLEET, 'from-file'));
    expect([reply.status, reply.json?.created, reply.json?.token?.name]).toEqual([200, true, 'from-file']);
  });

  it('the new value authenticates: GET /_security/_authenticate returns the §7 body', async () => {
    const created = await h.call('POST', tokenPath(FLEET, 'auth-check'));
    const reply = await h.call('GET', '/_security/_authenticate', { auth: `Bearer ${created.json.token.value}` });
    const expected = authenticateBody(FLEET, 'auth-check', '_service_account_index');
    expect([reply.status, reply.json]).toEqual([200, expected]);
    expect(Object.keys(reply.json)).toEqual(Object.keys(expected));
  });

  it.runIf(isAtLeast(profile.esVersion, 7, 15))('kibana tokens work the same way', async () => {
    const created = await h.call('POST', tokenPath('elastic/kibana', 'kib'));
    expect(created.status).toBe(200);
    const reply = await h.call('GET', '/_security/_authenticate', { auth: `Bearer ${created.json.token.value}` });
    expect([reply.status, reply.json]).toEqual([200, authenticateBody('elastic/kibana', 'kib', '_service_account_index')]);
  });
});

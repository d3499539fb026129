/**
 * Conformance: the 7.13–7.15 HTTP-TLS runtime check (spec §9, §1 processing order, §3 catalogue).
 * A multi-node 7.14 cluster on plain HTTP refuses every service-account API with 500 after validation
 * and authorization, and refuses service-token authentication; `_clear_cache` is not checked.
 * 7.16+ (here 7.17) has no such check. 8.x/9.x on plain HTTP are covered by every other file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  SA_PATH,
  bearer,
  clearCachePath,
  credentialPath,
  esError,
  expectChallenges,
  startHarness,
  tokenPath,
  userAuth,
  validationFailed,
  writeServiceTokensEverywhere,
  type Harness,
} from './harness.js';
import { encodeServiceToken, newSecret, pbkdf2StretchHash } from './token-crypto.js';

function tlsRequired(feature: string): unknown {
  return esError(500, 'exception', `[${feature}] requires TLS for the HTTP interface`);
}

const FILE_SECRET = newSecret();
const FILE_BEARER = encodeServiceToken(`${FLEET}/file-tok`, FILE_SECRET);

async function seedFileToken(h: Harness): Promise<void> {
  await writeServiceTokensEverywhere(h.emu, `${FLEET}/file-tok:${pbkdf2StretchHash(FILE_SECRET)}\n`);
}

describe('ES 7.14, 3 nodes, plain HTTP: TLS required for service accounts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ esVersion: '7.14.0', isTls: false, nodeCount: 3 });
    await seedFileToken(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['GET all accounts', 'GET', SA_PATH, 'get service accounts'],
    ['GET one account', 'GET', `${SA_PATH}/${FLEET}`, 'get service accounts'],
    ['GET unknown account', 'GET', `${SA_PATH}/foo/bar`, 'get service accounts'],
    ['GET credentials', 'GET', credentialPath(FLEET), 'get service account tokens'],
    ['POST named token', 'POST', tokenPath(FLEET, 'named'), 'create service account token'],
    ['PUT named token', 'PUT', tokenPath(FLEET, 'named'), 'create service account token'],
    ['POST auto-named token', 'POST', tokenPath(FLEET), 'create service account token'],
    // the TLS check runs before business logic, so an unknown account does not get its 400
    ['POST token for unknown account', 'POST', tokenPath('elastic/nope', 'named'), 'create service account token'],
    ['DELETE token', 'DELETE', tokenPath(FLEET, 'named'), 'delete service account token'],
    ['DELETE token of unknown account', 'DELETE', tokenPath('foo/bar', 'named'), 'delete service account token'],
  ])('%s -> 500 exception "[%s] requires TLS…"', async (_label, method, path, feature) => {
    const reply = await h.call(method, path);
    expect([reply.status, reply.json]).toEqual([500, tlsRequired(feature)]);
  });

  it('_clear_cache is not checked -> 200', async () => {
    const reply = await h.call('POST', clearCachePath(FLEET, '*'));
    expect([reply.status, reply.json?._nodes]).toEqual([200, { total: 3, successful: 3, failed: 0 }]);
  });

  it('validation (400) comes before the TLS check', async () => {
    const reply = await h.call('POST', tokenPath(FLEET, '_bad'));
    expect([reply.status, reply.json]).toEqual([400, validationFailed('_bad')]);
  });

  it('authorization (403) comes before the TLS check', async () => {
    const reply = await h.call('GET', SA_PATH, { auth: userAuth('mon') });
    expect(reply.status).toBe(403);
  });

  it('users with basic auth still authenticate (only service accounts are checked)', async () => {
    const reply = await h.call('GET', '/_security/_authenticate');
    expect([reply.status, reply.json?.username]).toEqual([200, h.emu.superuser.username]);
  });

  it('a valid service token -> 401 "error attempting to authenticate request" caused by the TLS error', async () => {
    // spec §9: [inferred] — the authentication failure handler wraps the non-security exception; the
    // root_cause entry (likely the inner TLS exception) is not pinned
    const reply = await h.call('GET', '/_security/_authenticate', { auth: bearer(FILE_BEARER) });
    expect(reply.status).toBe(401);
    expect(reply.json).toMatchObject({
      error: {
        type: 'security_exception',
        reason: 'error attempting to authenticate request',
        caused_by: { type: 'exception', reason: '[service account authentication] requires TLS for the HTTP interface' },
      },
      status: 401,
    });
    expectChallenges(reply);
  });
});

describe.each([
  ['ES 7.17, 3 nodes, plain HTTP: no TLS check (removed in 7.16)', { esVersion: '7.17.0', isTls: false, nodeCount: 3 }],
  // the emulator models §9's "not discovery.type=single-node" condition as "more than one node"
  ['ES 7.14, 1 node, plain HTTP: single-node clusters are not checked', { esVersion: '7.14.0', isTls: false, nodeCount: 1 }],
])('%s', (_label, profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
    await seedFileToken(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every service-account API works and tokens authenticate', async () => {
    expect((await h.call('GET', SA_PATH)).status).toBe(200);
    const created = await h.call('POST', tokenPath(FLEET, 'plain-ok'));
    expect(created.status).toBe(200);
    expect((await h.call('GET', credentialPath(FLEET))).status).toBe(200);
    const index = await h.call('GET', '/_security/_authenticate', { auth: bearer(created.json.token.value) });
    expect([index.status, index.json?.token]).toEqual([200, { name: 'plain-ok', type: '_service_account_index' }]);
    const file = await h.call('GET', '/_security/_authenticate', { auth: bearer(FILE_BEARER) });
    expect([file.status, file.json?.token]).toEqual([200, { name: 'file-tok', type: '_service_account_file' }]);
    expect((await h.call('DELETE', tokenPath(FLEET, 'plain-ok'))).json).toEqual({ found: true });
  });
});

/**
 * Conformance: unknown query parameters on every API family (spec §3 catalogue, last row; §1 processing
 * order). ES's BaseRestHandler rejects parameters the handler did not consume, after the handler's own
 * parsing (so a bad `refresh` or clear-cache name wins) and before the transport action (so before
 * validation and authorization). The wording is [inferred] in the spec; a "did you mean" suffix only
 * appears for names close to a known one, which `foo` is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  PROFILES,
  SA_PATH,
  badRefresh,
  clearCachePath,
  credentialPath,
  esError,
  invalidNameMessage,
  startHarness,
  tokenPath,
  userAuth,
  type Harness,
} from './harness.js';

function unrecognized(path: string, param: string): unknown {
  return esError(400, 'illegal_argument_exception', `request [${path}] contains unrecognized parameter: [${param}]`);
}

const ROUTES: Array<[string, string, string]> = [
  ['GET accounts', 'GET', SA_PATH],
  ['GET one account', 'GET', `${SA_PATH}/${FLEET}`],
  ['GET credentials', 'GET', credentialPath(FLEET)],
  ['create named', 'POST', tokenPath(FLEET, 'qp-named')],
  ['create auto-named', 'POST', tokenPath(FLEET)],
  ['delete', 'DELETE', tokenPath(FLEET, 'qp-named')],
  ['clear cache', 'POST', clearCachePath(FLEET, '*')],
];

describe.each(PROFILES)('query parameters, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES)('%s with ?foo=bar -> 400 unrecognized parameter', async (_label, method, path) => {
    const reply = await h.call(method, `${path}?foo=bar`);
    expect([reply.status, reply.json]).toEqual([400, unrecognized(path, 'foo')]);
  });

  it.each([
    ['GET accounts', SA_PATH],
    ['GET credentials', credentialPath(FLEET)],
  ])('%s takes no refresh parameter -> 400 unrecognized [refresh]', async (_label, path) => {
    const reply = await h.call('GET', `${path}?refresh=true`);
    expect([reply.status, reply.json]).toEqual([400, unrecognized(path, 'refresh')]);
  });

  it('the check comes before authorization: mon gets the 400, not a 403', async () => {
    const reply = await h.call('GET', `${SA_PATH}?foo=bar`, { auth: userAuth('mon') });
    expect([reply.status, reply.json]).toEqual([400, unrecognized(SA_PATH, 'foo')]);
  });

  it('the check comes before request validation: an invalid name with ?foo -> the unrecognized error', async () => {
    const path = tokenPath(FLEET, '_bad');
    const reply = await h.call('POST', `${path}?foo=bar`);
    expect([reply.status, reply.json]).toEqual([400, unrecognized(path, 'foo')]);
  });

  it('the handler parses refresh first: a bad refresh wins over an unknown parameter', async () => {
    const reply = await h.call('POST', `${tokenPath(FLEET, 'qp-x')}?refresh=nope&foo=bar`);
    expect([reply.status, reply.json]).toEqual([400, badRefresh('nope')]);
  });

  it('the clear-cache handler validates names first: an invalid name wins over an unknown parameter', async () => {
    const reply = await h.call('POST', `${clearCachePath(FLEET, '_bad')}?foo=bar`);
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', invalidNameMessage('_bad'))]);
  });

  it('nothing was created by the refused create calls', async () => {
    const listing = await h.call('GET', credentialPath(FLEET));
    expect(listing.json.count).toBe(0);
  });
});

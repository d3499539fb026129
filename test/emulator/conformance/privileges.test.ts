/**
 * Conformance: who may call which service-account API, and the exact 403 wording per version (spec §6),
 * plus the precedence rule that request validation (400) comes before authorization (403) (spec §1).
 * 7.14 runs over TLS (harness PROFILES), so the 7.13–7.15 TLS check never interferes here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET,
  PROFILES,
  SA_PATH,
  USERS,
  badRefresh,
  bearer,
  clearCachePath,
  credentialPath,
  denial,
  esError,
  invalidNameMessage,
  isAtLeast,
  startHarness,
  tokenPath,
  userAuth,
  validationFailed,
  type Harness,
  type UserKey,
} from './harness.js';

type ApiKey = 'getAccounts' | 'getCredentials' | 'create' | 'delete' | 'clearCache';

const ACTIONS: Record<ApiKey, string> = {
  getAccounts: 'cluster:admin/xpack/security/service_account/get',
  getCredentials: 'cluster:admin/xpack/security/service_account/credential/get',
  create: 'cluster:admin/xpack/security/service_account/token/create',
  delete: 'cluster:admin/xpack/security/service_account/token/delete',
  clearCache: 'cluster:admin/xpack/security/cache/clear',
};

/** §6: every privilege that grants the action, least privileged first; read_security exists from 8.5. */
function grantingPrivileges(api: ApiKey, version: string): string[] {
  if (api === 'clearCache') return ['manage_security', 'all'];
  const isRead = api === 'getAccounts' || api === 'getCredentials';
  if (isRead && isAtLeast(version, 8, 5)) return ['manage_service_account', 'read_security', 'manage_security', 'all'];
  return ['manage_service_account', 'manage_security', 'all'];
}

/** Which APIs each harness user may call. read_security does not exist before 8.5, so there `reader` may
 * call nothing ([unsure]: a real 7.x cluster would refuse to define such a role at all). */
function isAllowed(user: UserKey, api: ApiKey, version: string): boolean {
  switch (user) {
    case 'secman':
      return true;
    case 'sam':
      return api !== 'clearCache';
    case 'reader':
      return isAtLeast(version, 8, 5) && (api === 'getAccounts' || api === 'getCredentials');
    default:
      return false; // monitor and manage grant none of these (manage excludes cluster:admin/xpack/security/*)
  }
}

function userSubject(user: UserKey, version: string): string {
  const { username, roles } = USERS[user];
  const rolesWord = isAtLeast(version, 8, 5) ? 'effective roles' : 'roles';
  return `user [${username}] with ${rolesWord} [${roles.join(',')}]`;
}

let counter = 0;
function request(api: ApiKey): [string, string] {
  switch (api) {
    case 'getAccounts':
      return ['GET', SA_PATH];
    case 'getCredentials':
      return ['GET', credentialPath(FLEET)];
    case 'create':
      counter += 1;
      return ['POST', tokenPath(FLEET, `priv-${counter}`)];
    case 'delete':
      return ['DELETE', tokenPath(FLEET, 'never-existed')];
    case 'clearCache':
      return ['POST', clearCachePath(FLEET, '*')];
  }
}

/** Status when the call is allowed (delete of an absent token is a 404 {found:false}). */
const ALLOWED_STATUS: Record<ApiKey, number> = { getAccounts: 200, getCredentials: 200, create: 200, delete: 404, clearCache: 200 };
const APIS = Object.keys(ACTIONS) as ApiKey[];
const USER_KEYS = Object.keys(USERS) as UserKey[];

describe.each(PROFILES)('privileges and 403s, ES $esVersion', (profile) => {
  const version = profile.esVersion;
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  const cases = USER_KEYS.flatMap((user) => APIS.map((api) => [user, api, isAllowed(user, api, version)] as const));
  it.each(cases)('%s calling %s: allowed=%s', async (user, api, isOk) => {
    const [method, path] = request(api);
    const reply = await h.call(method, path, { auth: userAuth(user) });
    if (isOk) {
      expect(reply.status).toBe(ALLOWED_STATUS[api]);
      return;
    }
    const reason = denial(ACTIONS[api], userSubject(user, version), grantingPrivileges(api, version));
    expect([reply.status, reply.json]).toEqual([403, esError(403, 'security_exception', reason)]);
  });

  it('a service account is named as such (8.0+) or as a user (7.x), with no roles part', async () => {
    const created = await h.call('POST', tokenPath(FLEET, 'priv-sa'));
    const reply = await h.call('GET', SA_PATH, { auth: bearer(created.json.token.value) });
    const subject = isAtLeast(version, 8, 0) ? `service account [${FLEET}]` : `user [${FLEET}]`;
    const reason = denial(ACTIONS.getAccounts, subject, grantingPrivileges('getAccounts', version));
    expect([reply.status, reply.json]).toEqual([403, esError(403, 'security_exception', reason)]);
  });

  it('an API key is named by id and owner, with no roles part', async () => {
    const key = await h.emu.createApiKey('priv-key', USERS.mon.username);
    const reply = await h.call('POST', tokenPath(FLEET, 'by-api-key'), { auth: `ApiKey ${key.encoded}` });
    const reason = denial(ACTIONS.create, `API key id [${key.id}] of user [${USERS.mon.username}]`, grantingPrivileges('create', version));
    expect([reply.status, reply.json]).toEqual([403, esError(403, 'security_exception', reason)]);
  });

  it('an API key of a privileged user may call the APIs', async () => {
    const key = await h.emu.createApiKey('priv-key-sam', USERS.sam.username);
    const reply = await h.call('POST', tokenPath(FLEET, 'by-sam-key'), { auth: `ApiKey ${key.encoded}` });
    expect([reply.status, reply.json?.token?.name]).toEqual([200, 'by-sam-key']);
  });

  describe('validation runs before authorization (a caller without privileges gets the 400)', () => {
    it.each([
      ['create, invalid name', 'POST', tokenPath(FLEET, '_bad'), validationFailed('_bad')],
      ['delete, invalid name', 'DELETE', tokenPath(FLEET, 'has.dot'), validationFailed('has.dot')],
      ['create, bad refresh', 'POST', `${tokenPath(FLEET, 'ok')}?refresh=nope`, badRefresh('nope')],
      ['delete, bad refresh', 'DELETE', `${tokenPath(FLEET, 'ok')}?refresh=nope`, badRefresh('nope')],
      [
        'clear cache, invalid name',
        'POST',
        clearCachePath(FLEET, '_bad'),
        esError(400, 'illegal_argument_exception', invalidNameMessage('_bad')),
      ],
    ])('%s -> 400 even for mon', async (_label, method, path, body) => {
      const reply = await h.call(method, path, { auth: userAuth('mon') });
      expect([reply.status, reply.json]).toEqual([400, body]);
    });

    it('create for an unknown account is business logic, so authorization comes first -> 403', async () => {
      const reply = await h.call('POST', tokenPath('elastic/nope', 'fine'), { auth: userAuth('mon') });
      expect(reply.status).toBe(403);
    });
  });
});

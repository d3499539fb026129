/**
 * Conformance: who may use the document APIs, persistence and X-Opaque-Id (issue 15), over HTTPS.
 * Sources: AuthorizationDenialMessages ("action [a] is unauthorized for <subject> on indices [i],
 * this action is granted by the index privileges [...]"), IndexPrivilege (which privilege grants
 * which action, findPrivilegesThatGrant least to most privileged), TransportBulkAction (a missing
 * index is created through indices:admin/auto_create, authorized on its own); the 403 for
 * auto_create worded [auto_configure,create_index,manage,all] as real clusters answer it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/start-emulator.js';
import { FLEET, basicAuth, bearer, esError, isAtLeast, startHarness, tokenPath, type Harness, type Profile } from './harness.js';

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const PROFILES: Profile[] = [
  { esVersion: '7.17.0', isTls: true },
  { esVersion: '9.4.0', isTls: true },
];

function denied(action: string, subject: string, index: string, privileges: string): unknown {
  return esError(403, 'security_exception', `action [${action}] is unauthorized for ${subject} on indices [${index}], this action is granted by the index privileges [${privileges}]`);
}

describe.each(PROFILES)('document APIs: index privileges, ES $esVersion', (profile) => {
  let h: Harness;
  const isEffective = isAtLeast(profile.esVersion, 8, 5);
  const userSubject = (user: string, role: string) => (isEffective ? `user [${user}] with effective roles [${role}]` : `user [${user}] with roles [${role}]`);
  const saSubject = isAtLeast(profile.esVersion, 8, 0) ? `service account [${FLEET}]` : `user [${FLEET}]`;

  async function userWithRole(name: string, indices: Array<{ names: string[]; privileges: string[] }>): Promise<string> {
    expect((await h.call('PUT', `/_security/role/${name}-role`, json({ indices }))).status).toBe(200);
    expect((await h.call('PUT', `/_security/user/${name}`, json({ password: `${name}-password`, roles: [`${name}-role`] }))).status).toBe(200);
    return basicAuth(name, `${name}-password`);
  }

  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a service-account token writing escred-leases -> 403 naming indices:data/write/index, the index and the granting privileges', async () => {
    const token = (await h.call('POST', tokenPath(FLEET, 'docs'))).json.token.value;
    const reply = await h.call('PUT', '/escred-leases/_doc/c1?op_type=create', { auth: bearer(token), ...json({ holder: 'x' }) });
    expect([reply.status, reply.json]).toEqual([403, denied('indices:data/write/index', saSubject, 'escred-leases', 'create_doc,create,index,write,all')]);
    const read = await h.call('GET', '/escred-leases/_doc/c1', { auth: bearer(token) });
    expect([read.status, read.json]).toEqual([403, denied('indices:data/read/get', saSubject, 'escred-leases', 'read,all')]);
  });

  it('write without create_index on a missing index -> 403 for indices:admin/auto_create, and no index appears', async () => {
    const auth = await userWithRole('writer', [{ names: ['escred-*'], privileges: ['write', 'read'] }]);
    const reply = await h.call('PUT', '/escred-w/_doc/c1?op_type=create', { auth, ...json({}) });
    expect([reply.status, reply.json]).toEqual([403, denied('indices:admin/auto_create', userSubject('writer', 'writer-role'), 'escred-w', 'auto_configure,create_index,manage,all')]);
    expect((await h.call('GET', '/escred-w/_doc/c1')).json.error.type).toBe('index_not_found_exception');
    // once the index exists, write is enough
    await h.call('PUT', '/escred-w/_doc/other', json({}));
    expect((await h.call('PUT', '/escred-w/_doc/c1?op_type=create', { auth, ...json({}) })).status).toBe(201);
  });

  it('read only: GET works, PUT and DELETE -> 403 with their granting privileges', async () => {
    await h.call('PUT', '/escred-r/_doc/c1', json({ a: 1 }));
    const auth = await userWithRole('reader2', [{ names: ['escred-r'], privileges: ['read'] }]);
    expect((await h.call('GET', '/escred-r/_doc/c1', { auth })).status).toBe(200);
    const put = await h.call('PUT', '/escred-r/_doc/c1', { auth, ...json({}) });
    expect([put.status, put.json]).toEqual([403, denied('indices:data/write/index', userSubject('reader2', 'reader2-role'), 'escred-r', 'create_doc,create,index,write,all')]);
    const del = await h.call('DELETE', '/escred-r/_doc/c1', { auth });
    expect([del.status, del.json]).toEqual([403, denied('indices:data/write/delete', userSubject('reader2', 'reader2-role'), 'escred-r', 'delete,write,all')]);
  });

  it('create_index, write and read on the lease index (what escred asks for) -> create, CAS write, read and delete all work', async () => {
    const auth = await userWithRole('leaser', [{ names: ['escred-leases-x'], privileges: ['create_index', 'write', 'read'] }]);
    const created = await h.call('PUT', '/escred-leases-x/_doc/c1?op_type=create', { auth, ...json({ h: 1 }) });
    expect(created.status).toBe(201);
    const renewed = await h.call('PUT', `/escred-leases-x/_doc/c1?if_seq_no=${created.json._seq_no}&if_primary_term=1`, { auth, ...json({ h: 2 }) });
    expect(renewed.status).toBe(200);
    expect((await h.call('GET', '/escred-leases-x/_doc/c1', { auth })).json._source).toEqual({ h: 2 });
    expect((await h.call('DELETE', `/escred-leases-x/_doc/c1?if_seq_no=${renewed.json._seq_no}&if_primary_term=1`, { auth })).status).toBe(200);
    // the role does not reach other indices
    expect((await h.call('PUT', '/elsewhere/_doc/1', { auth, ...json({}) })).status).toBe(403);
  });
});

describe('document APIs: persistence and X-Opaque-Id', () => {
  let dataDir: string;
  let emu: RunningEmulator;
  let agent: Agent;
  const call = async (method: string, urlPath: string, body?: unknown, opaqueId?: string) => {
    const auth = basicAuth(emu.superuser.username, emu.superuser.password);
    const headers: Record<string, string> = { authorization: auth, 'content-type': 'application/json', ...(opaqueId ? { 'x-opaque-id': opaqueId } : {}) };
    const res = await request(emu.url + urlPath, { method: method as 'GET', headers, body: body === undefined ? undefined : JSON.stringify(body), dispatcher: agent });
    return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as any };
  };
  const start = async () => {
    emu = await startEmulator({ dataDir, isTls: true, nodeCount: 1, serviceTokensReloadMs: 50, refreshIntervalMs: 10 });
    agent = new Agent({ connect: { ca: fs.readFileSync(emu.caFile as string) } });
  };
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-docs-'));
    await start();
  });
  afterAll(async () => {
    await emu?.stop();
    await agent?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('documents, seq_no and primary term survive a restart; the next write continues the sequence', async () => {
    const first = await call('PUT', '/escred-leases/_doc/c1?op_type=create', { holder: 'a' });
    expect([first.status, first.json._shards]).toEqual([201, { total: 2, successful: 1, failed: 0 }]);
    await call('PUT', '/escred-leases/_doc/c1?if_seq_no=0&if_primary_term=1', { holder: 'b' });
    await emu.stop();
    await agent.close();
    await start();
    const got = await call('GET', '/escred-leases/_doc/c1');
    expect([got.status, got.json._source, got.json._seq_no, got.json._primary_term, got.json._version]).toEqual([200, { holder: 'b' }, 1, 1, 2]);
    const next = await call('PUT', '/escred-leases/_doc/c2', {});
    expect(next.json._seq_no).toBe(2);
  });

  it('records the X-Opaque-Id of each request it handles, and none for a request without one; echoes it in the response', async () => {
    emu.clearRequests();
    // Tasks API docs ("Identifying running tasks"): the header is returned in the response too
    expect((await call('GET', '/escred-leases/_doc/c1', undefined, 'escred/holder-1')).headers['x-opaque-id']).toBe('escred/holder-1');
    expect((await call('GET', '/escred-leases/_doc/c1')).headers['x-opaque-id']).toBeUndefined();
    expect(emu.requests().map(({ method, path: p, opaqueId }) => ({ method, path: p, opaqueId }))).toEqual([
      { method: 'GET', path: '/escred-leases/_doc/c1', opaqueId: 'escred/holder-1' },
      { method: 'GET', path: '/escred-leases/_doc/c1', opaqueId: undefined },
    ]);
  });
});

/** The Vault KV v2 adapter against the stand-in `vault` (test/sinks/stand-ins.ts cites the Vault docs it follows). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSinkRequest } from '../../src/sinks/serve-sink-request.js';
import { vaultKv2Adapter } from '../../src/sinks/vault-kv2-adapter.js';
import { execSinkSchema } from './exec-sink-schemas.js';
import { installStandIns, type StandIns } from './stand-ins.js';

const A = { cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' };
const B = { cluster: 'prod', serviceAccount: 'elastic/kibana', token: 'gitops-b' };
const C = { cluster: 'staging', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' };
const VALUE = (n: number) => `AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL2dpdG9wcy1hOnNlY3JldC0${n}`;

describe('escred sink vault-kv2', () => {
  let dir: string;
  let standIns: StandIns;
  const saved = { ...process.env };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'escred-vault-'));
    standIns = installStandIns(dir);
    Object.assign(process.env, standIns.env);
  });
  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const adapter = vaultKv2Adapter({ mount: 'secret', prefix: 'escred' });
  const since = (from: number) => standIns.calls().slice(from).map((argv) => argv.join(' '));

  it('stores each token at its own path with the value on stdin only, and reads it back exactly', async () => {
    const from = standIns.calls().length;
    await adapter.store(A, 'index', VALUE(1));
    await adapter.store(B, 'file', VALUE(2));
    expect(since(from)).toEqual([
      'vault kv put -mount=secret escred/prod/elastic/fleet-server/gitops-a value=-',
      'vault kv put -mount=secret escred/prod/elastic/kibana/gitops-b value=-',
    ]);
    expect(standIns.calls().flat().some((arg) => arg.includes(VALUE(1)) || arg.includes(VALUE(2)))).toBe(false);
    expect(await adapter.read(A)).toBe(VALUE(1));
    expect(await adapter.read(B)).toBe(VALUE(2));
    expect(since(from).at(-1)).toBe('vault kv get -mount=secret -field=value escred/prod/elastic/kibana/gitops-b');
  });

  it('read of a path Vault has no value at is null (exit 2, "No value found")', async () => {
    expect(await adapter.read({ ...A, token: 'never-stored' })).toBeNull();
  });

  it('list walks the prefix folder by folder and returns every key; other paths under it are skipped', async () => {
    await adapter.store(C, 'index', VALUE(3));
    const from = standIns.calls().length;
    expect(sortKeys(await adapter.list())).toEqual(sortKeys([A, B, C]));
    expect(since(from)[0]).toBe('vault kv list -format=json -mount=secret escred/');
  });

  it('delete removes every version of its own path only (metadata delete), and list no longer shows it', async () => {
    const from = standIns.calls().length;
    await adapter.delete(A);
    expect(since(from)).toEqual(['vault kv metadata delete -mount=secret escred/prod/elastic/fleet-server/gitops-a']);
    expect(await adapter.read(A)).toBeNull();
    expect(await adapter.read(C)).toBe(VALUE(3));
    expect(sortKeys(await adapter.list())).toEqual(sortKeys([B, C]));
  });

  it('a store again replaces the value (a new version at the same path)', async () => {
    await adapter.store(B, 'file', VALUE(4));
    expect(await adapter.read(B)).toBe(VALUE(4));
  });

  it('list of an empty prefix is an empty list, and check passes', async () => {
    const empty = vaultKv2Adapter({ mount: 'secret', prefix: 'nobody/here' });
    expect(await empty.list()).toEqual([]);
    await expect(empty.check()).resolves.toBeUndefined();
  });

  it('answers protocol requests: ok with keys and values; a Vault failure is exit 1 with its stderr and never the value', async () => {
    const listed = await serveSinkRequest(adapter, JSON.stringify({ protocolVersion: 1, action: 'list' }));
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({ protocolVersion: 1, status: 'ok', keys: expect.arrayContaining([B, C]) });
    process.env['STANDIN_FAIL'] = 'kv put';
    try {
      const stored = await serveSinkRequest(adapter, JSON.stringify({ protocolVersion: 1, action: 'store', ...A, kind: 'index', value: VALUE(5) }));
      expect(stored).toEqual({ exitCode: 1, stdout: '', stderr: expect.stringContaining('store failed: vault kv put -mount=secret exited with 2: stand-in vault: refused') });
      expect(stored.stderr).not.toContain(VALUE(5));
    } finally {
      delete process.env['STANDIN_FAIL'];
    }
  });

  it('every answer is valid against schemas/exec-sink-response.schema.json', async () => {
    const validate = await execSinkSchema('response');
    for (const request of [{ action: 'check' }, { action: 'list' }, { action: 'read', ...B }, { action: 'read', ...A }, { action: 'delete', ...A },
      { action: 'store', ...A, kind: 'index', value: VALUE(7) }]) {
      const served = await serveSinkRequest(adapter, JSON.stringify({ protocolVersion: 1, ...request }));
      const answer = JSON.parse(served.stdout);
      expect({ request, ok: validate(answer), errors: validate.errors }).toMatchObject({ ok: true });
    }
    expect(validate({ protocolVersion: 1, status: 'ok', value: '' })).toBe(false);
  });

  it('a request that is not protocol 1 is exit 2 and touches nothing', async () => {
    const from = standIns.calls().length;
    const served = await serveSinkRequest(adapter, JSON.stringify({ action: 'store', ...A, kind: 'index', value: VALUE(6) }));
    expect(served.exitCode).toBe(2);
    expect(served.stderr).toContain('unsupported protocolVersion undefined; this sink speaks 1');
    expect(standIns.calls().length).toBe(from);
  });

  it.each([['..'], ['a/../b'], [''], ['x y']])('refuses the prefix %j', (prefix) => {
    expect(() => vaultKv2Adapter({ mount: 'secret', prefix })).toThrow(/--prefix must be a path/);
  });

  it('vault missing from PATH is a clear error', async () => {
    const missing = vaultKv2Adapter({ mount: 'secret', prefix: 'escred', binary: 'escred-no-such-vault' });
    await expect(missing.check()).rejects.toThrow('escred-no-such-vault is not on PATH');
  });
});

function sortKeys<T extends { cluster: string; serviceAccount: string; token: string }>(keys: T[]): string[] {
  return keys.map((k) => `${k.cluster}/${k.serviceAccount}/${k.token}`).sort();
}

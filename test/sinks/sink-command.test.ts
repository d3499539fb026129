/** `escred sink ...` as a process (the built CLI): what its help promises, its exit codes, and a round trip. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/e2e-harness.js';
import { installStandIns, type StandIns } from './stand-ins.js';

const KEY = { cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' };
const VALUE = 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL2dpdG9wcy1hOnNpbmstY29tbWFuZA';

describe('escred sink', () => {
  let dir: string;
  let standIns: StandIns;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'escred-sink-command-'));
    standIns = installStandIns(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[], stdin = '', env: NodeJS.ProcessEnv = {}) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'sink', ...args], { env: { ...process.env, ...standIns.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
  const request = (body: object) => JSON.stringify({ protocolVersion: 1, ...body });

  it('--help names both adapters and the protocol document', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toContain('vault-kv2');
    expect(help.stdout).toContain('kubernetes');
    expect(help.stdout).toContain('docs/exec-sink-protocol.md');
  });

  it.each([
    ['vault-kv2', ['vault-kv2', '--mount', 'secret', '--prefix', 'escred'], 'vault kv put -mount=secret escred/prod/elastic/fleet-server/gitops-a value=-'],
    ['kubernetes', ['kubernetes', '--namespace', 'search'], 'kubectl apply --namespace search --server-side --field-manager=escred -f - -o name'],
  ])('%s: store, read, list and delete round-trip through the process, exit 0 with a protocol answer', async (_name, args, storeCall) => {
    const stored = await run(args, request({ action: 'store', ...KEY, kind: 'index', value: VALUE }));
    expect(stored).toEqual({ code: 0, stdout: '{"protocolVersion":1,"status":"ok"}\n', stderr: '' });
    expect(standIns.calls().map((argv) => argv.join(' '))).toContain(storeCall);
    expect(JSON.parse((await run(args, request({ action: 'read', ...KEY }))).stdout)).toEqual({ protocolVersion: 1, status: 'ok', value: VALUE });
    expect(JSON.parse((await run(args, request({ action: 'list' }))).stdout)).toEqual({ protocolVersion: 1, status: 'ok', keys: [KEY] });
    expect((await run(args, request({ action: 'delete', ...KEY }))).code).toBe(0);
    expect(JSON.parse((await run(args, request({ action: 'read', ...KEY }))).stdout)).toEqual({ protocolVersion: 1, status: 'ok', value: null });
  });

  it('exit 2 for a request that is not protocol 1 and for bad options; exit 1 when the backing CLI fails', async () => {
    const args = ['vault-kv2', '--mount', 'secret', '--prefix', 'escred'];
    expect(await run(args, 'not json')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('request is not one JSON object') });
    expect(await run(['vault-kv2', '--mount', 'secret', '--prefix', '../up'], request({ action: 'list' })))
      .toMatchObject({ code: 2, stderr: expect.stringContaining('--prefix must be a path') });
    expect((await run(['vault-kv2', '--mount', 'secret'], request({ action: 'list' }))).code).not.toBe(0); // --prefix is required
    const failed = await run(['vault-kv2', '--mount', 'bad mount', '--prefix', 'escred'], request({ action: 'store', ...KEY, kind: 'index', value: VALUE }));
    expect(failed.code).toBe(2); // the mount is checked like the prefix
    const refused = await run(args, request({ action: 'store', ...KEY, kind: 'index', value: VALUE }), { STANDIN_FAIL: 'kv put' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('store failed: vault kv put -mount=secret exited with 2');
    expect(refused.stderr).not.toContain(VALUE);
  });

  it.each([
    ['vault-kv2', ['vault-kv2', '--mount', 'secret', '--prefix', 'escred'], 'vault'],
    ['kubernetes', ['kubernetes', '--namespace', 'search'], 'kubectl'],
  ])('%s: a backing CLI that prints pieces of the value, of its secret and of its base64 has each masked', async (_name, args, binary) => {
    const refused = await run(args, request({ action: 'store', ...KEY, kind: 'index', value: VALUE }), { STANDIN_ECHO_VALUE: '1' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`stand-in ${binary}: refused [redacted]... (secret [redacted], stored as [redacted])`);
    const secret = Buffer.from(VALUE, 'base64').toString('utf8').split(':')[1]!;
    for (const piece of [VALUE.slice(3, 19), secret.slice(2, 14), Buffer.from(VALUE).toString('base64').slice(6, 30)]) {
      expect(refused.stderr).not.toContain(piece);
    }
  });
});

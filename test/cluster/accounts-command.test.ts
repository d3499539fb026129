import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAccounts } from '../../src/cli/commands/accounts-command.js';
import { startFixture, type EmulatorFixture } from './emulator-fixture.js';

let fixture: EmulatorFixture;
let manifest: string;

beforeAll(async () => {
  fixture = await startFixture('8.19.0', 1);
  process.env.ESCRED_ACCOUNTS_TEST_PW = fixture.emu.superuser.password;
  manifest = path.join(fixture.dataDir, 'escred.yaml');
  fs.writeFileSync(manifest, [
    'apiVersion: escred/v1',
    'secrets:',
    `  directory: ${path.join(fixture.dataDir, 'secrets')}`,
    'clusters:',
    '  - name: emu',
    `    url: ${fixture.emu.url}`,
    '    auth:',
    '      basic: { username: elastic, password: { env: ESCRED_ACCOUNTS_TEST_PW } }',
    '    tls:',
    `      caFingerprint: "${fixture.emu.caFingerprint}"`,
    '    serviceAccounts:',
    '      elastic/fleet-server:',
    '        tokens: [{ name: gitops-a }]',
    '',
  ].join('\n'));
});
afterAll(async () => {
  delete process.env.ESCRED_ACCOUNTS_TEST_PW;
  await fixture?.stop();
});

async function run(cluster: string | undefined, output: 'human' | 'json'): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { stdout += String(chunk); return true; });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { stderr += String(chunk); return true; });
  try {
    const code = await runAccounts(cluster, [], { file: [manifest], output });
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('escred accounts', () => {
  it('lists the service accounts of the cluster with their privileges', async () => {
    const { code, stdout } = await run('emu', 'human');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^cluster emu \(.*, Elasticsearch 8\.19\.0\): \d+ service accounts/);
    expect(stdout).toContain('  elastic/fleet-server  (in the manifest)');
    expect(stdout).toMatch(/elastic\/fleet-server[^\n]*\n {4}cluster: monitor, manage_own_api_key/);
    expect(stdout).toContain('  elastic/kibana\n');
  });

  it('prints JSON with --output json', async () => {
    const { code, stdout } = await run(undefined, 'json');
    expect(code).toBe(0);
    const parsed = JSON.parse(stdout) as { clusters: { cluster: string; accounts: { principal: string; isDeclared: boolean }[] }[]; errors: unknown[] };
    expect(parsed.errors).toEqual([]);
    expect(parsed.clusters[0]?.accounts.find((a) => a.principal === 'elastic/fleet-server')?.isDeclared).toBe(true);
  });

  it('fails with the known names for an unknown cluster', async () => {
    const { code, stderr } = await run('nope', 'human');
    expect(code).toBe(1);
    expect(stderr).toMatch(/no cluster named 'nope'.*emu/);
  });
});

/** `escred emulator --help` documents the flags, the control endpoint and the fault rules. */
import { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { registerEmulatorCommand } from '../../src/cli/commands/emulator-command.js';

function helpText(): string {
  const program = new Command('escred').exitOverride();
  let text = '';
  program.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  registerEmulatorCommand(program);
  const command = program.commands.find((c) => c.name() === 'emulator');
  command?.exitOverride().configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  expect(() => program.parse(['emulator', '--help'], { from: 'user' })).toThrow();
  return text;
}

describe('escred emulator --help', () => {
  const text = helpText();
  it.each([
    '--data-dir', '--node-names', '--port', '--host', '--http', '--nodes', '--es-version', '--cluster-name', '--latency-ms', '--failing-node', '--superuser-password',
    'PUT    /_emulator/faults', 'DELETE /_emulator/faults', 'GET    /_emulator/counters', 'DELETE /_emulator/counters',
    'lose-response', 'reset', 'Retry-After', 'times',
    'GET /_cluster/health', 'GET /_capabilities', 'PUT|POST|GET|DELETE /_security/user', 'PUT|POST|GET|DELETE /_security/role',
    '/_security/user/_has_privileges', '9.6.0 and later add user-managed', 'PUT|DELETE /_security/service/{ns}/{svc}',
    '?type=built_in,user_managed', 'GET|POST /_security/_query/service', 'user_managed_service_accounts', 'native-users.json', 'yamlRestTest-0',
  ])('mentions %s', (needle) => {
    expect(text).toContain(needle);
  });

  it('does not load the emulator until the command runs (lazy import keeps --version fast)', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../src/cli/commands/emulator-command.ts', import.meta.url), 'utf8'));
    expect(source).not.toMatch(/^import .*emulator\/start-emulator/m);
    expect(source).toContain("await import('../../emulator/start-emulator.js')");
  });
});

describe('escred emulator --node-names', () => {
  it('names the nodes, prints them, serves the 9.6 profile, and stops on SIGINT', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-cmd-'));
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const program = new Command('escred').exitOverride();
      registerEmulatorCommand(program);
      const running = program.parseAsync(['emulator', '--http', '--data-dir', dataDir, '--es-version', '9.6.0', '--node-names', 'yamlRestTest-0,yamlRestTest-1'], { from: 'user' });
      await vi.waitFor(() => expect(printed).toContain('Press Ctrl+C to stop.'), { timeout: 10_000 });
      expect(printed).toMatch(/nodes: +yamlRestTest-0 \(.+\), yamlRestTest-1 \(.+\)/);
      const url = /listening on (\S+)/.exec(printed)?.[1] ?? '';
      const password = /superuser: +elastic \/ (\S+)/.exec(printed)?.[1] ?? '';
      const auth = `Basic ${Buffer.from(`elastic:${password}`).toString('base64')}`;
      const capability = await request(`${url}/_capabilities?method=PUT&path=/_security/service/{namespace}/{service}&capabilities=user_managed_service_accounts`, { headers: { authorization: auth } });
      expect(((await capability.body.json()) as { supported: boolean }).supported).toBe(true);
      process.emit('SIGINT');
      await running;
    } finally {
      write.mockRestore();
      quiet.mockRestore();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.each([['a,,b'], [' , ']])('--node-names %j is refused', (value) => {
    const program = new Command('escred').exitOverride();
    registerEmulatorCommand(program);
    const command = program.commands.find((c) => c.name() === 'emulator');
    command?.exitOverride().configureOutput({ writeErr: () => undefined });
    expect(() => program.parse(['emulator', '--node-names', value], { from: 'user' })).toThrow(/--node-names must be a comma-separated list/);
  });
});

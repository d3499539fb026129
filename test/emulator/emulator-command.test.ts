/** `escred emulator --help` documents the flags, the control endpoint and the fault rules. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
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
  ])('mentions %s', (needle) => {
    expect(text).toContain(needle);
  });

  it('does not load the emulator until the command runs (lazy import keeps --version fast)', async () => {
    const source = await import('node:fs').then((fs) => fs.readFileSync(new URL('../../src/cli/commands/emulator-command.ts', import.meta.url), 'utf8'));
    expect(source).not.toMatch(/^import .*emulator\/start-emulator/m);
    expect(source).toContain("await import('../../emulator/start-emulator.js')");
  });
});

/** `escred watch --notify` through the real CLI (dist/): the help states the real defaults, bad targets stop the start. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, startE2e } from '../support/e2e-harness.js';
import { NOTIFY_DEFAULTS } from '../../src/watch/notify-sender.js';
import { notificationSchema, startReceiver } from './notify-receiver.js';

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('escred watch --notify (CLI)', () => {
  it('--help lists the options and states the timeout, tries and backoff the sender really uses', () => {
    const help = run(['watch', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--notify <target>');
    expect(help).toContain('--notify-format <format>');
    const { timeoutMs, attempts, backoffMs } = NOTIFY_DEFAULTS;
    expect(help).toContain(`with a ${timeoutMs / 1000} s timeout and up to ${attempts} tries (backoff ${[1, 2, 4].map((f) => `${(backoffMs * f) / 1000} s`).join(', ')});`);
  });

  it.each([
    [['--notify', 'ftp://x.example/hook'], '--notify must be an http:// or https:// URL, got a ftp: URL'],
    [['--notify-format', 'xml'], "--notify-format must be slack or json, got 'xml'"],
    [['--notify', 'https://hook-user:hook-password@x.example/hook'], '--notify must not hold a user name or password (user:pass@x.example)'],
  ])('%j is refused by the option parser', (args, message) => {
    const result = run(['watch', '--once', ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout + result.stderr).not.toContain('hook-password');
  });

  it('an env: target with user:pass@ fails the start naming the flag and the variable, never the password', () => {
    const result = run(['watch', '--once', '--notify', 'env:ESCRED_TEST_HOOK', '/nonexistent/escred.yaml'], { ESCRED_TEST_HOOK: 'https://u:hook-password@x.example/h' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout.trim().split('\n')[0]!)).toMatchObject({ event: 'start-failed',
      detail: expect.stringContaining('--notify env:ESCRED_TEST_HOOK must not hold a user name or password (user:pass@x.example)') });
    expect(result.stdout + result.stderr).not.toContain('hook-password');
  });

  it('an env: target whose variable is unset fails the start naming the variable', () => {
    const result = run(['watch', '--listen', '127.0.0.1:0', '--notify', 'slack=env:ESCRED_TEST_UNSET_HOOK', '/nonexistent/escred.yaml'], { ESCRED_TEST_UNSET_HOOK: '' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout.trim().split('\n')[0]!)).toMatchObject({ event: 'start-failed', detail: '--notify env:ESCRED_TEST_UNSET_HOOK: the environment variable is not set' });
  });

  it('--once --notify (a CI drift job): the pass\'s drift is posted before the process exits 2', async () => {
    const e2e = await startE2e();
    const receiver = await startReceiver();
    try {
      e2e.writeManifest({ 'elastic/kibana': { tokens: [{ name: 'gitops-k' }] } });
      const result = await e2e.cli(['watch', '--once', '--notify', receiver.url]);
      expect(result.code).toBe(2);
      expect(receiver.received.map((r) => r.json)).toEqual([expect.objectContaining({
        event: 'drift', mode: 'report-only', drift: [{ cluster: 'e2e', account: 'elastic/kibana', token: 'gitops-k', kind: 'create', reason: 'declared, not in the cluster' }],
      })]);
      expect((await notificationSchema())(receiver.received[0]!.json)).toBe(true);
    } finally {
      await receiver.close();
      await e2e.close();
    }
  });
});

/**
 * Small guards of the CLI (issue 12 item 10), through the built CLI as a user runs it, stdin not a
 * terminal: --concurrency below 1 is refused, rotate's own --auto-approve message, and a secrets
 * path that is a file. Each fails before any cluster call (the cluster URL here answers nothing).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI } from '../support/e2e-harness.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'escred-cli-guards-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function escred(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', GUARD_KEY: 'a2V5OnNlY3JldA==' },
    timeout: 20_000, // an accepted `watch` would run for ever: killed, it fails the test instead of hanging it
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeManifest(secretsDirectory: string): void {
  writeFileSync(join(work, 'escred.yaml'), stringify({
    apiVersion: 'escred/v1',
    secrets: { directory: secretsDirectory },
    clusters: [{ name: 'prod', url: 'https://127.0.0.1:9', auth: { apiKey: { env: 'GUARD_KEY' } },
      serviceAccounts: { 'elastic/kibana': { tokens: [{ name: 'k' }] } } }],
  }));
}

describe('--concurrency must be a whole number of at least 1', () => {
  it.each([
    ['apply', '0', "--concurrency must be at least 1, got '0'"],
    ['apply', '-1', "--concurrency must be a whole number, got '-1'"],
    ['apply', '1.5', "--concurrency must be a whole number, got '1.5'"],
    ['apply', 'four', "--concurrency must be a whole number, got 'four'"],
    ['rotate', '0', "--concurrency must be at least 1, got '0'"],
    ['watch', '0', "--concurrency must be at least 1, got '0'"],
  ])('%s --concurrency %s: refused, exit 1', (command, value, message) => {
    const args = command === 'rotate' ? ['rotate', 'prod', 'elastic/kibana', 'k', '--auto-approve'] : [command, '--auto-approve'];
    if (command === 'watch') args.splice(1, 1);
    const result = escred([...args, '--concurrency', value]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`escred: ${message}\n`);
  });
});

describe('escred rotate without --auto-approve, not on a terminal', () => {
  it('names rotate and no saved plan (rotate has none), exit 1', () => {
    const result = escred(['rotate', 'prod', 'elastic/kibana', 'k']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('escred: rotate needs --auto-approve when it cannot ask on a terminal [ESCRED_CONFIG]\n');
  });
});

describe('a secrets path that is a file', () => {
  it.each([
    ['the secrets directory itself', 'secrets', './secrets', 'secrets'],
    ['a folder above it', 'holder', './holder/secrets', 'holder'],
  ])('%s: "<path> is a file, not a directory", exit 1, nothing written', (_what, file, directory, blocking) => {
    writeFileSync(join(work, file), 'not a folder\n');
    writeManifest(directory);
    const result = escred(['apply', '--auto-approve']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`: ${join(work, blocking)} is a file, not a directory [ESCRED_SINK_UNAVAILABLE]`);
    expect(result.stderr).not.toContain('EEXIST');
    expect(result.stdout).toBe('');
  });
});

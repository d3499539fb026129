import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerValidateCommand, type ValidateCommandIo } from '../../src/cli/commands/validate-command.js';

const examples = path.resolve(import.meta.dirname, '../../examples');
const VALID = 'apiVersion: escred/v1\nsecrets:\n  directory: ./s\n';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'escred-validate-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], io: Partial<ValidateCommandIo> = {}) {
  let stdout = '';
  let stderr = '';
  let exitCode: number | undefined;
  const program = new Command().exitOverride();
  registerValidateCommand(program, {
    write: (text) => { stdout += text; },
    writeError: (text) => { stderr += text; },
    isTty: false, env: {}, cwd: () => dir, setExitCode: (code) => { exitCode = code; }, ...io,
  });
  await program.parseAsync(['node', 'escred', 'validate', ...args]);
  return { stdout, stderr, exitCode };
}

describe('escred validate', () => {
  it('a cluster timeout of 0s is an error at its line (a call that may take no time could never be answered)', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), `${VALID}clusters:\n  - name: prod\n    url: https://es.example:9200\n    timeout: 0s\n` +
      '    auth:\n      apiKey: {env: K}\n');
    const result = await run(['--output', 'json']);
    expect(JSON.parse(result.stdout).diagnostics).toEqual([expect.objectContaining({
      severity: 'error', code: 'ESCRED_SCHEMA', message: 'timeout must be longer than 0s, e.g. 10s', line: 7, col: 14 })]);
    expect(result.exitCode).toBe(1);
  });

  it('exit 0 and a summary for valid manifests (files and folders)', async () => {
    const result = await run([path.join(examples, 'multi-cluster'), path.join(examples, 'multi-cluster', 'prod.yaml')]);
    expect(result).toEqual({ stdout: 'valid: 3 files\n', stderr: '', exitCode: 0 });
  });

  it('exit 1 with path:line:col, the source line and a caret under the column', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), `${VALID}clusters:\n  - name: Prod!\n    url: https://es:9200\n    auth: { apiKey: { env: K } }\n`);
    const result = await run(['escred.yaml']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe([
      "escred.yaml:5:11: error: clusters[0].name: must be 1-63 lower-case letters, digits, '_' or '-', starting with a letter or digit",
      '    - name: Prod!',
      '            ^',
      'invalid: 1 error in 1 file',
      '',
    ].join('\n'));
  });

  it('defaults to escred.yaml in the working folder', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), VALID);
    expect(await run([])).toEqual({ stdout: 'valid: 1 file\n', stderr: '', exitCode: 0 });
  });

  it('no paths and no escred.yaml: an error on stderr, exit 1', async () => {
    const result = await run([]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`escred: manifest path escred.yaml: no such file or directory (no paths given, so escred.yaml in ${dir} was tried)\n`);
  });

  it('warnings are printed and still exit 0', async () => {
    await writeFile(path.join(dir, 'a.yaml'), `${VALID}clusters:\n  - name: a\n    url: https://es\n    auth: { apiKey: { env: K } }\n    serviceAccounts:\n      elastic/fleet: {}\n`);
    const result = await run(['a.yaml', '--es-version', '8.0.0']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('a.yaml:9:7: warning: "elastic/fleet" is not a built-in service account of Elasticsearch 8.0.0; known: elastic/fleet-server, elastic/kibana\n');
    expect(result.stdout).toMatch(/valid: 1 file \(1 warning\)\n$/);
  });

  it('--es-version must be a version', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), VALID);
    expect(await run(['--es-version', 'latest'])).toEqual({ stdout: '', exitCode: 1,
      stderr: 'escred: --es-version: not an Elasticsearch version: latest (e.g. 8.17.0)\n' });
  });

  it('--output json: { valid, diagnostics }', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), 'apiVersion: escred/v1\n');
    const result = await run(['--output', 'json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({ formatVersion: 1, valid: false, diagnostics: [{
      severity: 'error', code: 'ESCRED_MISSING_SECRETS', file: path.join(dir, 'escred.yaml'), line: 1, col: 1,
      message: 'no secrets sink: one manifest file must define secrets (directory: path, or exec: [command, ...])' }] });
    const valid = await run(['--output', 'json', path.join(examples, 'file-tokens.yaml')]);
    expect(JSON.parse(valid.stdout)).toEqual({ formatVersion: 1, valid: true, diagnostics: [] });
    expect(valid.exitCode).toBe(0);
  });

  it('--output json for a missing path is still JSON', async () => {
    const result = await run(['--output', 'json', 'gone.yaml']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, diagnostics: [{ code: 'ESCRED_FILE_UNREADABLE', file: 'gone.yaml' }] });
  });

  it('never prints an inline secret, not even in the source excerpt', async () => {
    await writeFile(path.join(dir, 'escred.yaml'), `${VALID}clusters:\n  - name: a\n    url: https://es\n    auth:\n      basic: { username: elastic, password: hunter2 }\n`);
    for (const output of ['human', 'json']) {
      const result = await run(['--output', output]);
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toContain(output === 'json' ? '"code": "ESCRED_INLINE_SECRET"' : 'error: clusters[0].auth.basic.password:');
      expect(result.stdout).not.toContain('hunter2');
    }
    expect((await run([])).stdout).toContain('      basic: { username: elastic, password: <redacted>\n');
  });

  it('a named pipe gets a diagnostic and the excerpt reader does not block on it', async () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const result = await run(['pipe.yaml']);
    expect(result).toEqual({ stdout: 'pipe.yaml:1:1: error: not a regular file\ninvalid: 1 error in 1 file\n', stderr: '', exitCode: 1 });
  });

  it.each([
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [false, {}, false],
  ])('colour only on a TTY without NO_COLOR (tty %s, env %j)', async (isTty, env, isColor) => {
    await writeFile(path.join(dir, 'escred.yaml'), 'apiVersion: escred/v2\n');
    const result = await run([], { isTty, env });
    expect(result.stdout.includes('\u001b[')).toBe(isColor);
  });
});

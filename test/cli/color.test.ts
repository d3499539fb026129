/**
 * Colour as Node and chalk decide it (issue 12 item 10: FORCE_COLOR was ignored). Node's rule,
 * nodejs.org/api/cli.html#force_color1-2-3: FORCE_COLOR 1, true, '' , 2 or 3 forces colour (even
 * into a pipe) and then NO_COLOR is ignored; any other FORCE_COLOR value turns it off; unset,
 * NO_COLOR turns it off, else colour goes to a terminal only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isColorWantedFor } from '../../src/cli/terminal.js';
import { CLI } from '../support/e2e-harness.js';

describe('isColorWantedFor', () => {
  it.each([
    [false, {}, false],
    [true, {}, true],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true],
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: 'true' }, true],
    [false, { FORCE_COLOR: '' }, true],
    [false, { FORCE_COLOR: '2' }, true],
    [false, { FORCE_COLOR: '3' }, true],
    [false, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [true, { FORCE_COLOR: 'yes-please' }, false],
  ])('tty %s, env %j -> %s', (isTty, env, expected) => {
    expect(isColorWantedFor(isTty, env)).toBe(expected);
  });
});

describe('the CLI honours FORCE_COLOR and NO_COLOR', () => {
  const ESC = '\u001b[';
  function validateInvalid(env: NodeJS.ProcessEnv): string {
    const dir = mkdtempSync(join(tmpdir(), 'escred-color-'));
    try {
      writeFileSync(join(dir, 'escred.yaml'), 'apiVersion: escred/v2\nsecrets:\n  directory: ./s\n');
      const { FORCE_COLOR: _f, NO_COLOR: _n, ...rest } = process.env;
      return spawnSync(process.execPath, [CLI, 'validate'], { cwd: dir, encoding: 'utf8', env: { ...rest, ...env } }).stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    [{ FORCE_COLOR: '1' }, true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    [{ FORCE_COLOR: '0' }, false],
    [{ NO_COLOR: '1' }, false],
    [{}, false], // a pipe is not a terminal
  ])('validate into a pipe with %j: colour %s', (env, isColored) => {
    const stdout = validateInvalid(env);
    expect(stdout).toContain('error');
    expect(stdout.includes(ESC)).toBe(isColored);
  });
});

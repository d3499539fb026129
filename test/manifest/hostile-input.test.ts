import { execFileSync } from 'node:child_process';
import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../src/manifest/load-manifest.js';
import { loadText, tempDir, yamlLines } from './manifest-fixture.js';

const VALID = yamlLines('apiVersion: escred/v1', 'secrets:', '  directory: ./s');

function only(result: Awaited<ReturnType<typeof loadText>>) {
  expect(result.desired).toBeNull();
  expect(result.diagnostics.length).toBeGreaterThan(0);
  const [first] = result.diagnostics;
  return { code: first?.code, message: first?.message, line: first?.line, col: first?.col };
}

describe('hostile input: each gets a clear diagnostic, never a throw', () => {
  it('accepts the minimal valid file (the baseline for the cases below)', async () => {
    const result = await loadText(VALID);
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.secrets).toEqual({ kind: 'directory', directory: path.join(result.dir, 's') });
  });

  it('empty file', async () => {
    expect(only(await loadText(''))).toEqual({ code: 'ESCRED_EMPTY_FILE', line: 1, col: 1,
      message: 'file is empty; a manifest needs at least `apiVersion: escred/v1`' });
  });

  it('file with only comments', async () => {
    expect(only(await loadText('# nothing here\n\n# yet\n'))).toEqual({ code: 'ESCRED_EMPTY_FILE', line: 1, col: 1,
      message: 'file has no YAML content; a manifest needs at least `apiVersion: escred/v1`' });
  });

  it('non-UTF-8 bytes: position of the first bad byte', async () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: escred/v1\nsecrets:\n  directory: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(only(await loadText(bytes))).toEqual({ code: 'ESCRED_NOT_UTF8', line: 3, col: 17,
      message: 'not UTF-8: invalid byte 0xe9 at byte offset 47, in "...ory: caf\\xe9\\x0a"; save the file as UTF-8' });
  });

  it('UTF-16 (a BOM UTF-8 cannot start with)', async () => {
    const result = only(await loadText(Buffer.from('\ufeffapiVersion: escred/v1\n', 'utf16le')));
    expect(result).toMatchObject({ code: 'ESCRED_NOT_UTF8', line: 1, col: 1 });
  });

  it('a UTF-8 byte-order mark is fine', async () => {
    expect((await loadText(`\ufeff${VALID}`)).diagnostics).toEqual([]);
  });

  it('alias bomb: rejected quickly', async () => {
    const bomb = yamlLines('a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]');
    const started = performance.now();
    expect(only(await loadText(bomb))).toEqual({ code: 'ESCRED_ALIAS_LIMIT', line: 1, col: 1,
      message: 'aliases expand to too many nodes (limit 50); an alias bomb? not loaded' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('a few aliases are fine (a shared auth block)', async () => {
    const text = yamlLines('apiVersion: escred/v1', 'secrets: { directory: ./s }', 'clusters:',
      '  - name: a', '    url: https://a:9200', '    auth: &auth { apiKey: { env: K } }',
      '  - name: b', '    url: https://b:9200', '    auth: *auth');
    const result = await loadText(text);
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.clusters.map((c) => c.auth)).toEqual([
      { kind: 'apiKey', apiKey: { env: 'K' } }, { kind: 'apiKey', apiKey: { env: 'K' } }]);
  });

  it('a 50 MB file: rejected before reading, fast', async () => {
    const temp = await tempDir();
    try {
      const file = await temp.write('huge.yaml', '');
      await truncate(file, 50 * 1024 * 1024);
      const started = performance.now();
      const result = await loadManifest([file], { cwd: temp.dir });
      expect(performance.now() - started).toBeLessThan(500);
      expect(result.diagnostics).toEqual([{ severity: 'error', code: 'ESCRED_FILE_TOO_LARGE', file, line: 1, col: 1,
        message: 'file is 50.0 MiB, larger than the 1.0 MiB a manifest may have; not parsed. The limit is per file: split the manifest ' +
          'into several files (for example one per cluster) in one folder and pass the folder, or pass the files together; ' +
          'escred reads them as one manifest.' }]);
    } finally {
      await temp.remove();
    }
  });

  it('just over the limit is rejected, the limit itself is parsed', async () => {
    const over = `${VALID}#${'x'.repeat(1024 * 1024 - VALID.length)}\n`;
    expect(only(await loadText(over)).code).toBe('ESCRED_FILE_TOO_LARGE');
    const at = `${VALID}#${'x'.repeat(1024 * 1024 - VALID.length - 2)}\n`;
    expect((await loadText(at)).diagnostics).toEqual([]);
  });

  it('the largest accepted file (about 40k tokens) loads in bounded time', async () => {
    const head = yamlLines('apiVersion: escred/v1', 'secrets: { directory: ./s }', 'clusters:', '  - name: a', '    url: https://es',
      '    auth: { apiKey: { env: K } }', '    serviceAccounts:', '      elastic/fleet-server:', '        tokens:');
    const lines: string[] = [];
    let size = head.length;
    for (let i = 0; size < 1024 * 1024 - 40; i++) {
      lines.push(`          - name: t${i}`);
      size += lines[lines.length - 1]!.length + 1;
    }
    const started = performance.now();
    const result = await loadText(head + yamlLines(...lines));
    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.clusters[0]?.serviceAccounts[0]?.tokens).toHaveLength(lines.length);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('a map with 20k keys (many accounts) stays linear', async () => {
    const accounts = Array.from({ length: 20_000 }, (_, i) => `      x/s${i}: { tokens: [{ name: t }] }`);
    const text = yamlLines('apiVersion: escred/v1', 'secrets: { directory: ./s }', 'clusters:', '  - name: a', '    url: https://es',
      '    auth: { apiKey: { env: K } }', '    serviceAccounts:', ...accounts);
    const started = performance.now();
    const result = await loadText(text);
    expect(result.diagnostics).toHaveLength(501);
    expect(result.diagnostics[0]).toMatchObject({ code: 'ESCRED_USER_MANAGED_ROLES', line: 8, col: 7 });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('thousands of problems: the first 500 and a count of the rest', async () => {
    const tokens = Array.from({ length: 2_000 }, (_, i) => `          - name: bad.${i}`);
    const text = yamlLines('apiVersion: escred/v1', 'secrets: { directory: ./s }', 'clusters:', '  - name: a', '    url: https://es',
      '    auth: { apiKey: { env: K } }', '    serviceAccounts:', '      elastic/fleet-server:', '        tokens:', ...tokens);
    const result = await loadText(text);
    expect(result.diagnostics).toHaveLength(501);
    expect(result.diagnostics.at(-1)).toMatchObject({ severity: 'error', code: 'ESCRED_TOO_MANY_DIAGNOSTICS',
      message: '1500 more problems not shown', line: 509 });
  });

  it.each([
    ['flow brackets', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 1, 67],
    ['block mappings', Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1\n', 65, 65],
    ['nested list entries on one line', `${'- '.repeat(5_000)}x\n`, 1, 129],
  ])('deep nesting (%s): rejected before parsing', async (_label, text, line, col) => {
    const started = performance.now();
    expect(only(await loadText(text))).toEqual({ code: 'ESCRED_TOO_DEEP', line, col, message: 'nesting deeper than 64 levels; not parsed' });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('tabs as indentation, as YAML reports them', async () => {
    expect(only(await loadText('apiVersion: escred/v1\nsecrets:\n\tdirectory: ./s\n'))).toEqual({ code: 'ESCRED_YAML_SYNTAX',
      line: 3, col: 1, message: 'Tabs are not allowed as indentation' });
  });

  it('duplicate keys', async () => {
    const result = await loadText(`${VALID}  directory: ./t\n`);
    expect(only(result)).toEqual({ code: 'ESCRED_DUPLICATE_KEY', line: 4, col: 3, message: 'duplicate key "directory": map keys must be unique' });
    expect(result.diagnostics[0]?.related).toEqual([{ file: expect.stringMatching(/escred\.yaml$/), line: 3, col: 3, message: 'first written here' }]);
  });

  it('CRLF line endings: same positions as LF', async () => {
    const lf = await loadText('apiVersion: escred/v1\nsecrets:\n  directory: ./s\ncolour: red\n');
    const crlf = await loadText('apiVersion: escred/v1\r\nsecrets:\r\n  directory: ./s\r\ncolour: red\r\n');
    expect(crlf.diagnostics.map((d) => [d.line, d.col, d.message])).toEqual(lf.diagnostics.map((d) => [d.line, d.col, d.message]));
    expect(crlf.diagnostics[0]).toMatchObject({ line: 4, col: 1, code: 'ESCRED_SCHEMA' });
  });

  it('thousands of duplicate keys: fast, capped', async () => {
    const text = `${VALID}tokens:\n${'  k: 1\n'.repeat(20_000)}${Array.from({ length: 60_000 }, (_, i) => `  k${i}: 1\n`).join('')}`;
    const started = performance.now();
    const result = await loadText(text);
    expect(result.diagnostics).toHaveLength(21);
    expect(result.diagnostics[0]).toMatchObject({ code: 'ESCRED_DUPLICATE_KEY', line: 6, related: [expect.objectContaining({ line: 5 })] });
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('multi-document file: the second document is an error', async () => {
    expect(only(await loadText(`${VALID}---\napiVersion: escred/v1\n`))).toEqual({ code: 'ESCRED_MULTI_DOCUMENT', line: 4, col: 1,
      message: 'a second YAML document: a manifest file holds one document; put each in its own file' });
  });

  it('a trailing document marker with nothing after it is tolerated', async () => {
    expect((await loadText(`---\n${VALID}---\n`)).diagnostics).toEqual([]);
  });

  it('YAML syntax errors are all reported, with positions, capped', async () => {
    const result = await loadText(`${VALID}clusters: [a, b\n`);
    expect(result.desired).toBeNull();
    expect(result.diagnostics.every((d) => d.code === 'ESCRED_YAML_SYNTAX' && d.line >= 4)).toBe(true);
    const many = await loadText(`${VALID}${'\tx: 1\n'.repeat(200)}`);
    expect(many.diagnostics.length).toBeLessThanOrEqual(21);
    expect(many.diagnostics.at(-1)?.message).toMatch(/^\d+ more YAML errors not shown$/);
  });

  it.each([['a scalar', 'hello\n'], ['a list', '- a\n- b\n']])('top level is %s', async (_label, text) => {
    expect(only(await loadText(text))).toEqual({ code: 'ESCRED_SCHEMA', line: 1, col: 1, message: 'manifest: must be a mapping (key: value)' });
  });

  it('a named pipe is refused without blocking on it', async () => {
    const temp = await tempDir();
    try {
      const fifo = path.join(temp.dir, 'pipe.yaml');
      execFileSync('mkfifo', [fifo]);
      const result = await loadManifest([fifo], { cwd: temp.dir });
      expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([['ESCRED_FILE_UNREADABLE', 'not a regular file']]);
    } finally {
      await temp.remove();
    }
  });

  it('a missing file and a directory given as a file', async () => {
    const temp = await tempDir();
    try {
      const missing = path.join(temp.dir, 'missing.yaml');
      const result = await loadManifest([missing, temp.dir], { cwd: temp.dir });
      expect(result.diagnostics.map((d) => [d.file, d.code, d.message])).toEqual([
        [temp.dir, 'ESCRED_FILE_UNREADABLE', 'not a regular file'],
        [missing, 'ESCRED_FILE_UNREADABLE', 'cannot read file (ENOENT)'],
      ]);
    } finally {
      await temp.remove();
    }
  });
});

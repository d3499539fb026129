/**
 * writeFileAtomic under an exit in the middle of a write (a second Ctrl-C calls process.exit):
 * the temp file goes with the process, the old content stays (issue 12 item 7). A child process
 * runs the built module, exits as soon as its temp file exists, and the test looks at the folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';

const MODULE = join(import.meta.dirname, '..', '..', 'dist', 'support', 'write-file-atomic.js');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('an exit while a write is under way leaves no temp file and the old content', () => {
  dir = mkdtempSync(join(tmpdir(), 'escred-atomic-'));
  writeFileSync(join(dir, 'journal.json'), 'old\n');
  const script = `
    import { readdirSync } from 'node:fs';
    import { writeFileAtomic } from ${JSON.stringify(MODULE)};
    const dir = ${JSON.stringify(dir)};
    void writeFileAtomic(dir + '/journal.json', Buffer.alloc(64 * 1024 * 1024, 120), { mode: 0o600 });
    const poll = setInterval(() => {
      if (readdirSync(dir).some((name) => name.endsWith('.tmp'))) { clearInterval(poll); process.stdout.write('seen'); process.exit(130); }
    }, 0);`;
  let seen = '';
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  } catch (error) {
    seen = (error as { stdout: string; status: number }).stdout;
    expect((error as { status: number }).status).toBe(130);
  }
  expect(seen).toBe('seen'); // the exit did come in the middle of the write
  expect(readdirSync(dir)).toEqual(['journal.json']);
  expect(readFileSync(join(dir, 'journal.json'), 'utf8')).toBe('old\n');
});

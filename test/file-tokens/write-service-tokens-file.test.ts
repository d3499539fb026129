import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveGroup } from '../../src/file-tokens/resolve-group.js';
import { shortenHash } from '../../src/file-tokens/shorten-hashes.js';
import { writeServiceTokensFile } from '../../src/file-tokens/write-service-tokens-file.js';

const HASH = '{PBKDF2_STRETCH}10000$Pa3oNkj8xTD8j2gTgjWnTvnE6jseKApWMFjcNCLxX1U=$84ECweHFZQ2DblHEjHTRWA+fG6h5bVMyTSJUmFvTo1o=';
const HASH2 = '{PBKDF2}10000$0N2h5/AsDS5uO0/A+B6y8AnTCJ3Tqo8nygbzu1gkgpo=$5aTcCtteHf2g2ye7Y3p6jSZBoGhNJ7l6F3tmUhPTwRo=';
const isRoot = process.getuid?.() === 0;
const modeOf = (path: string) => statSync(path).mode & 0o7777;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'escred-st-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeServiceTokensFile', () => {
  it('creates the file with mode 0640 and a diff whose hashes are shortened', async () => {
    const path = join(dir, 'service_tokens');
    const content = `# header\nelastic/kibana/a:${HASH}\n`;
    const result = await writeServiceTokensFile({ path, content });
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(modeOf(path)).toBe(0o640);
    expect(result).toMatchObject({ path, isChanged: true, fixes: [] });
    expect(result.diff).toContain('+elastic/kibana/a:{PBKDF2_STRETCH}10000$Pa3oNk…');
    expect(result.diff).toContain('+# header');
    expect(result.diff).not.toContain('84ECweHF');
    expect(result.diff).not.toContain(HASH);
    expect(readdirSync(dir)).toEqual(['service_tokens']);
  });

  it('leaves an identical file alone: same inode, no diff', async () => {
    const path = join(dir, 'service_tokens');
    await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n` });
    const before = statSync(path);
    const result = await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n` });
    expect(result).toEqual({ path, isChanged: false, diff: '', fixes: [] });
    expect(statSync(path).ino).toBe(before.ino);
    expect(statSync(path).mtimeMs).toBe(before.mtimeMs);
  });

  it('shows a replaced hash as one removed and one added line', async () => {
    const path = join(dir, 'service_tokens');
    writeFileSync(path, `elastic/kibana/a:${HASH2}\n`, { mode: 0o640 });
    const result = await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n` });
    expect(result.diff).toContain('-elastic/kibana/a:{PBKDF2}10000$0N2h5/…');
    expect(result.diff).toContain('+elastic/kibana/a:{PBKDF2_STRETCH}10000$Pa3oNk…');
  });

  it.each([0o644, 0o666, 0o600])('fixes mode %o of an unchanged file to 0640 and says so', async (mode) => {
    const path = join(dir, 'service_tokens');
    writeFileSync(path, 'x/y/z:' + HASH + '\n');
    chmodSync(path, mode);
    const result = await writeServiceTokensFile({ path, content: 'x/y/z:' + HASH + '\n' });
    expect(result.isChanged).toBe(false);
    expect(result.fixes).toEqual([expect.stringMatching(mode & 0o007 ? /-> 0640 \(was world-accessible\)/ : /-> 0640$/)]);
    expect(modeOf(path)).toBe(0o640);
  });

  it('a rewrite of a world-readable file is never world-readable', async () => {
    const path = join(dir, 'service_tokens');
    writeFileSync(path, 'old/x/y:' + HASH + '\n');
    chmodSync(path, 0o666);
    const result = await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n` });
    expect(result.fixes[0]).toContain('world-accessible');
    expect(modeOf(path) & 0o007).toBe(0);
    expect(modeOf(path)).toBe(0o640);
  });

  it('dry run reports the diff and the fixes and touches nothing', async () => {
    const path = join(dir, 'service_tokens');
    writeFileSync(path, 'old/x/y:' + HASH + '\n');
    chmodSync(path, 0o644);
    const result = await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n`, isDryRun: true });
    expect(result.isChanged).toBe(true);
    expect(result.fixes).toHaveLength(1);
    expect(readFileSync(path, 'utf8')).toBe('old/x/y:' + HASH + '\n');
    expect(modeOf(path)).toBe(0o644);
    const fresh = await writeServiceTokensFile({ path: join(dir, 'new', 'service_tokens'), content: 'a', isDryRun: true, isCreatingParents: true });
    expect(fresh.isChanged).toBe(true);
    expect(readdirSync(dir)).toEqual(['service_tokens']);
  });

  it('replaces the target of a symlink and keeps the link', async () => {
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'service_tokens');
    writeFileSync(target, '');
    const link = join(dir, 'service_tokens');
    symlinkSync(target, link);
    await writeServiceTokensFile({ path: link, content: `elastic/kibana/a:${HASH}\n` });
    expect(readFileSync(target, 'utf8')).toBe(`elastic/kibana/a:${HASH}\n`);
    expect(statSync(link).isFile()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['real', 'service_tokens']);
  });

  it('a missing config folder is an error in node mode (no parents created)', async () => {
    await expect(writeServiceTokensFile({ path: join(dir, 'nope', 'service_tokens'), content: 'a' }))
      .rejects.toMatchObject({ code: 'ESCRED_SERVICE_TOKENS_WRITE' });
  });

  it.runIf(isRoot)('gives the file the group asked for (gid or name) and keeps the replaced file owner', async () => {
    const path = join(dir, 'service_tokens');
    writeFileSync(path, 'old/x/y:' + HASH + '\n', { mode: 0o640 });
    chownSync(path, 1, 1);
    await writeServiceTokensFile({ path, content: `elastic/kibana/a:${HASH}\n` });
    expect([statSync(path).uid, statSync(path).gid]).toEqual([1, 1]);
    const daemonGid = await resolveGroup('daemon');
    await writeServiceTokensFile({ path, content: `elastic/kibana/b:${HASH}\n`, group: 2 });
    expect([statSync(path).uid, statSync(path).gid]).toEqual([1, 2]);
    const result = await writeServiceTokensFile({ path, content: `elastic/kibana/b:${HASH}\n`, group: 'daemon' });
    expect(result.fixes).toEqual([`group 2 -> ${daemonGid}`]);
    expect(statSync(path).gid).toBe(daemonGid);
    expect(modeOf(path)).toBe(0o640);
  });
});

describe('resolveGroup', () => {
  it('takes numbers as gids and resolves names', async () => {
    expect(await resolveGroup(42)).toBe(42);
    expect(await resolveGroup('42')).toBe(42);
    expect(await resolveGroup('root')).toBe(0);
  });

  it('refuses an unknown group', async () => {
    await expect(resolveGroup('no-such-group-escred')).rejects.toMatchObject({ code: 'ESCRED_CONFIG' });
    await expect(resolveGroup(-1)).rejects.toMatchObject({ code: 'ESCRED_CONFIG' });
  });
});

describe('shortenHash', () => {
  it.each([
    [HASH, '{PBKDF2_STRETCH}10000$Pa3oNk…'],
    [HASH2, '{PBKDF2}10000$0N2h5/…'],
    ['$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', '$2a$10$N9qo8u…'],
    ['{plain}my-secret-value', '…'],
  ])('%s -> %s', (hash, short) => {
    expect(shortenHash(hash)).toBe(short);
  });
});

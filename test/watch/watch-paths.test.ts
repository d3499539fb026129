import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchPaths, type PathWatcher } from '../../src/watch/watch-paths.js';

/** Real files, real chokidar: waits until an event arrives or `ms` pass. */
async function eventsWithin(events: string[], ms: number, from: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && events.length <= from) await new Promise((r) => setTimeout(r, 20));
  return events.slice(from);
}

describe('watchPaths', () => {
  let dir: string;
  let watcher: PathWatcher | undefined;
  let events: string[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'escred-watch-paths-'));
    events = [];
  });
  afterEach(async () => {
    await watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (paths: string[]) => {
    watcher = await watchPaths({ paths, cwd: dir, onChange: (p) => events.push(p) });
    // chokidar compares mtimes: a write in the same millisecond as its first stat can go unseen
    await new Promise((r) => setTimeout(r, 50));
  };

  it('sees an in-place write and an editor rename-write of a watched file', async () => {
    writeFileSync(join(dir, 'escred.yaml'), 'a: 1\n');
    await start(['escred.yaml']);
    writeFileSync(join(dir, 'escred.yaml'), 'a: 2\n');
    expect(await eventsWithin(events, 3_000, 0)).not.toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    const seen = events.length;
    writeFileSync(join(dir, '.escred.yaml.swp'), 'a: 3\n');
    renameSync(join(dir, '.escred.yaml.swp'), join(dir, 'escred.yaml'));
    expect(await eventsWithin(events, 3_000, seen)).not.toEqual([]);
  });

  it('ignores its own state folder, the secret sink and unrelated files next to the manifest', async () => {
    writeFileSync(join(dir, 'escred.yaml'), 'a: 1\n');
    await start(['escred.yaml']);
    mkdirSync(join(dir, '.escred'));
    writeFileSync(join(dir, '.escred', 'journal.json'), '{}');
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(join(dir, 'secrets', 'x'), 'v');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    expect(await eventsWithin(events, 600, 0)).toEqual([]);
  });

  it('sees a ConfigMap-style ..data symlink swap in a watched folder', async () => {
    const config = join(dir, 'config');
    mkdirSync(join(config, '..v1'), { recursive: true });
    writeFileSync(join(config, '..v1', 'escred.yaml'), 'a: 1\n');
    symlinkSync('..v1', join(config, '..data'));
    symlinkSync('..data/escred.yaml', join(config, 'escred.yaml'));
    await start(['config']);
    mkdirSync(join(config, '..v2'));
    writeFileSync(join(config, '..v2', 'escred.yaml'), 'a: 2\n');
    symlinkSync('..v2', join(config, '..data_tmp'));
    renameSync(join(config, '..data_tmp'), join(config, '..data'));
    expect(await eventsWithin(events, 3_000, 0)).not.toEqual([]);
  });

  it('sees a symlink swap when the argument is the file inside the ConfigMap folder', async () => {
    const config = join(dir, 'config');
    mkdirSync(join(config, '..v1'), { recursive: true });
    writeFileSync(join(config, '..v1', 'escred.yaml'), 'a: 1\n');
    symlinkSync('..v1', join(config, '..data'));
    symlinkSync('..data/escred.yaml', join(config, 'escred.yaml'));
    await start(['config/escred.yaml']);
    mkdirSync(join(config, '..v2'));
    writeFileSync(join(config, '..v2', 'escred.yaml'), 'a: 2\n');
    symlinkSync('..v2', join(config, '..data_tmp'));
    renameSync(join(config, '..data_tmp'), join(config, '..data'));
    expect(await eventsWithin(events, 3_000, 0)).not.toEqual([]);
  });

  it('sees a new manifest file in a watched folder', async () => {
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', 'a.yaml'), 'a: 1\n');
    await start(['m']);
    writeFileSync(join(dir, 'm', 'b.yml'), 'b: 1\n');
    expect(await eventsWithin(events, 3_000, 0)).not.toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApplyJournal } from '../../src/apply/apply-journal.js';

const key = (token: string) => ({ cluster: 'prod', principal: 'elastic/fleet-server', token });
const onDisk = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { pending: string[] }).pending;

describe('apply journal', () => {
  const dirs: string[] = [];
  const journalPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'escred-journal-'));
    dirs.push(dir);
    return join(dir, 'state', 'journal.json');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('an intent is on disk (0600) when begin resolves, and gone when finish resolves', async () => {
    const path = journalPath();
    const journal = await ApplyJournal.open(path);
    await journal.begin(key('a'));
    expect(onDisk(path)).toEqual(['prod/elastic/fleet-server/a']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await journal.finish(key('a'));
    expect(onDisk(path)).toEqual([]);
  });

  it('concurrent changes share writes, and each caller still sees its own change durable', async () => {
    const path = journalPath();
    const journal = await ApplyJournal.open(path);
    const names = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    await Promise.all(names.map(async (name) => {
      await journal.begin(key(name));
      expect(onDisk(path)).toContain(`prod/elastic/fleet-server/${name}`);
    }));
    await Promise.all(names.slice(0, 15).map((name) => journal.finish(key(name))));
    expect(onDisk(path)).toEqual(names.slice(15).map((n) => `prod/elastic/fleet-server/${n}`));
  });

  it('a reopened journal (the next run after a kill) knows the unfinished intents; settle drops them', async () => {
    const path = journalPath();
    const first = await ApplyJournal.open(path);
    await first.begin(key('lost'));
    const second = await ApplyJournal.open(path);
    expect(second.pendingKeys()).toEqual(new Set(['prod/elastic/fleet-server/lost']));
    await second.settle(['prod/elastic/fleet-server/lost']);
    expect(onDisk(path)).toEqual([]);
  });

  it.each([
    ['not JSON (a truncated write)', '{"pending": ["prod/elastic/fleet-server/a",', /it is not valid JSON \(.+\)\. It lists/],
    ['JSON of another shape', '{"pending": "prod/elastic/fleet-server/a"}', /it is not \{"pending": \[<cluster\/namespace\/service\/token>, \.\.\.\]\}\. It lists/],
    ['a bare list', '["a"]', /it is not \{"pending"/],
  ])('a corrupt journal (%s) is an error naming the file and what to do', async (_what, text, why) => {
    const path = journalPath();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    const failure = await ApplyJournal.open(path).then(() => undefined, (error: unknown) => error as Error & { code: string });
    expect(failure?.code).toBe('ESCRED_JOURNAL_CORRUPT');
    expect(failure?.message).toContain(`apply journal ${path} cannot be read: `);
    expect(failure?.message).toMatch(why);
    expect(failure?.message).toContain('Repair it, or delete it: the next plan then warns about every declared token whose value the sink lacks');
  });
});

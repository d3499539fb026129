import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretSink } from '../../src/apply/secret-sink.js';

const KEY = { cluster: 'prod', principal: 'elastic/fleet-server', token: 'gitops-a' };
const VALUE = 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL2dpdG9wcy1hOnNlY3JldHNlY3JldHNlY3JldA';

describe('secret sinks', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'escred-sink-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe('directory', () => {
    it('stores one file per token, 0600 in 0700 folders, and reads, lists and forgets it', async () => {
      const root = join(tempDir(), 'secrets');
      const sink = createSecretSink({ kind: 'directory', directory: root });
      await sink.check();
      await sink.store({ key: KEY, kind: 'index', value: VALUE });
      const file = join(root, 'prod', 'elastic', 'fleet-server', 'gitops-a');
      expect(readFileSync(file, 'utf8')).toBe(VALUE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      for (const folder of [root, join(root, 'prod'), join(root, 'prod', 'elastic'), join(root, 'prod', 'elastic', 'fleet-server')]) {
        expect(statSync(folder).mode & 0o777).toBe(0o700);
      }
      expect(await sink.read(KEY)).toBe(VALUE);
      expect(await sink.listKeys()).toEqual(new Set(['prod/elastic/fleet-server/gitops-a']));
      await sink.forget(KEY);
      expect(await sink.read(KEY)).toBeNull();
      expect(await sink.listKeys()).toEqual(new Set());
    });

    it('check fails before any write when the folder cannot be made', async () => {
      const blocker = join(tempDir(), 'a-file');
      writeFileSync(blocker, 'x');
      const sink = createSecretSink({ kind: 'directory', directory: join(blocker, 'secrets') });
      await expect(sink.check()).rejects.toMatchObject({ code: 'ESCRED_SINK_UNAVAILABLE' });
    });
  });

  describe('exec', () => {
    const script = (dir: string, body: string) => {
      const path = join(dir, 'sink.mjs');
      writeFileSync(path, body);
      return path;
    };

    it('hands the command one JSON message on stdin per store and delete, and cannot read values back', async () => {
      const dir = tempDir();
      const log = join(dir, 'received.jsonl');
      const path = script(dir, `import { appendFileSync, readFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, readFileSync(0, 'utf8'));\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      await sink.check();
      await sink.store({ key: KEY, kind: 'index', value: VALUE });
      await sink.forget(KEY);
      const messages = readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(messages).toEqual([
        { action: 'store', cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a', kind: 'index', value: VALUE },
        { action: 'delete', cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' },
      ]);
      expect(await sink.listKeys()).toBeNull();
      expect(await sink.read(KEY)).toBeNull();
    });

    it('a failing command is an error that quotes its stderr with the value masked', async () => {
      const dir = tempDir();
      const path = script(dir, `import { readFileSync } from 'node:fs';\nconst m = JSON.parse(readFileSync(0, 'utf8'));\nconsole.error('vault refused ' + m.value);\nprocess.exit(3);\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      const failure = await sink.store({ key: KEY, kind: 'index', value: VALUE }).catch((error: unknown) => error as Error & { code: string });
      expect(failure).toMatchObject({ code: 'ESCRED_SINK_FAILED' });
      expect(failure!.message).toContain('exited with 3: vault refused [redacted]');
      expect(failure!.message).not.toContain(VALUE);
    });

    it('a command that hangs is killed after the timeout', async () => {
      const dir = tempDir();
      const path = script(dir, 'setInterval(() => {}, 1000);\n');
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] }, { timeoutMs: 300 });
      await expect(sink.store({ key: KEY, kind: 'index', value: VALUE })).rejects.toThrow(/was killed \(SIGKILL, timed out\)/);
    });
  });
});

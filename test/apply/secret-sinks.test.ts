import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretSink } from '../../src/apply/create-secret-sink.js';
import { execSinkSchema } from '../sinks/exec-sink-schemas.js';

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

  describe('exec (the exec-sink protocol, docs/exec-sink-protocol.md)', () => {
    const script = (dir: string, body: string) => {
      const path = join(dir, 'sink.mjs');
      writeFileSync(path, body);
      return path;
    };
    // A protocol 1 sink keeping values in a folder; `minimal` implements store and delete only;
    // `legacy` is what a pre-protocol script did (no answer); `vault` is `vault kv put ... value=-` used directly.
    const RECORDER = `import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [log, store, mode] = process.argv.slice(2);
const text = readFileSync(0, 'utf8');
appendFileSync(log, text);
const m = JSON.parse(text);
const answer = (extra = {}) => process.stdout.write(JSON.stringify({ protocolVersion: 1, status: 'ok', ...extra }) + '\\n');
const file = () => join(store, m.cluster + '~' + m.serviceAccount.replace('/', '~') + '~' + m.token);
if (mode === 'legacy') process.exit(0);
if (mode === 'vault') { process.stdout.write('Success! Data written to: secret/data/escred/tokens\\n'); process.exit(0); }
if (mode === 'minimal' && ['check', 'list', 'read'].includes(m.action)) { process.stdout.write(JSON.stringify({ protocolVersion: 1, status: 'unsupported' })); process.exit(0); }
mkdirSync(store, { recursive: true });
if (m.action === 'check') answer();
else if (m.action === 'store') { writeFileSync(file(), m.value); answer(); }
else if (m.action === 'delete') { rmSync(file(), { force: true }); answer(); }
else if (m.action === 'read') answer({ value: existsSync(file()) ? readFileSync(file(), 'utf8') : null });
else if (m.action === 'list') answer({ keys: readdirSync(store).map((f) => { const [cluster, ns, svc, token] = f.split('~'); return { cluster, serviceAccount: ns + '/' + svc, token }; }) });
`;
    const recorder = (mode: 'full' | 'minimal' | 'legacy' | 'vault' = 'full') => {
      const dir = tempDir();
      const log = join(dir, 'received.jsonl');
      const path = script(dir, RECORDER);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path, log, join(dir, 'store'), mode] });
      const received = () => readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      return { sink, received };
    };
    const OTHER = { cluster: 'prod', principal: 'elastic/kibana', token: 'gitops-b' };

    it('sends one versioned JSON request per action; store, list, read and delete round-trip', async () => {
      const { sink, received } = recorder();
      await sink.check();
      await sink.store({ key: KEY, kind: 'index', value: VALUE });
      await sink.store({ key: OTHER, kind: 'file', value: `${VALUE}2` });
      expect(await sink.listKeys()).toEqual(new Set(['prod/elastic/fleet-server/gitops-a', 'prod/elastic/kibana/gitops-b']));
      expect(await sink.read(OTHER)).toBe(`${VALUE}2`);
      await sink.forget(KEY);
      expect(await sink.read(KEY)).toBeNull();
      expect(await sink.listKeys()).toEqual(new Set(['prod/elastic/kibana/gitops-b']));
      const key = { cluster: 'prod', serviceAccount: 'elastic/fleet-server', token: 'gitops-a' };
      expect(received().slice(0, 2)).toEqual([
        { protocolVersion: 1, action: 'check' },
        { protocolVersion: 1, action: 'store', ...key, kind: 'index', value: VALUE },
      ]);
      expect(received().map((m) => m.action)).toEqual(['check', 'store', 'store', 'list', 'read', 'delete', 'read', 'list']);
      expect(received().at(5)).toEqual({ protocolVersion: 1, action: 'delete', ...key });
    });

    it('every request escred sends is valid against schemas/exec-sink-request.schema.json; the schema refuses a bad one', async () => {
      const { sink, received } = recorder();
      await sink.check();
      await sink.store({ key: KEY, kind: 'file', value: VALUE });
      await sink.read(KEY);
      await sink.listKeys();
      await sink.forget(KEY);
      const validate = await execSinkSchema('request');
      for (const message of received()) expect({ message, ok: validate(message), errors: validate.errors }).toMatchObject({ ok: true });
      expect(validate({ protocolVersion: 1, action: 'store', cluster: 'prod', serviceAccount: 'elastic/x', token: 'a', kind: 'index' })).toBe(false);
      expect(validate({ protocolVersion: 1, action: 'read', cluster: 'prod', serviceAccount: '../x', token: 'a' })).toBe(false);
    });

    it('a sink that answers list and read "unsupported": listKeys is null (cannot tell), read is a clear error, check passes', async () => {
      const { sink } = recorder('minimal');
      await sink.check();
      await sink.store({ key: KEY, kind: 'index', value: VALUE });
      expect(await sink.listKeys()).toBeNull();
      await expect(sink.read(KEY)).rejects.toMatchObject({
        code: 'ESCRED_SINK_NOT_READABLE', message: expect.stringContaining('does not implement the read action of the exec-sink protocol'),
      });
    });

    it.each([
      ['a command used as is (vault kv put ... value=-)', 'vault' as const, 'its answer to check is not one JSON object'],
      ['a pre-protocol script that answers nothing', 'legacy' as const, 'its answer to check is not one JSON object (it was empty)'],
    ])('%s fails check before any write, naming the protocol', async (_name, mode, says) => {
      const { sink } = recorder(mode);
      const failure = await sink.check().catch((error: unknown) => error as Error & { code: string });
      expect(failure).toMatchObject({ code: 'ESCRED_SINK_UNAVAILABLE' });
      expect(failure!.message).toContain(`does not speak escred's exec-sink protocol 1: ${says}`);
      await expect(sink.store({ key: KEY, kind: 'index', value: VALUE })).rejects.toMatchObject({ code: 'ESCRED_SINK_FAILED' });
    });

    it.each([
      ['another protocol version', '{"protocolVersion":2,"status":"ok"}', 'protocol 1: it answered store with protocolVersion 2; escred speaks 1'],
      ['"unsupported" for store', '{"protocolVersion":1,"status":"unsupported"}', 'protocol 1: it answered store "unsupported", but every sink must implement store'],
      ['an unknown status', '{"protocolVersion":1,"status":"done"}', 'protocol 1: it answered store with status "done"'],
    ])('an answer with %s is a failed store', async (_name, answer, says) => {
      const path = script(tempDir(), `import { readFileSync } from 'node:fs';\nreadFileSync(0);\nprocess.stdout.write(${JSON.stringify(answer)});\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      await expect(sink.store({ key: KEY, kind: 'index', value: VALUE })).rejects.toThrow(says);
    });

    it('a failing command is an error that quotes its stderr with the value masked', async () => {
      const dir = tempDir();
      const path = script(dir, `import { readFileSync } from 'node:fs';\nconst m = JSON.parse(readFileSync(0, 'utf8'));\nconsole.error('vault refused ' + m.value);\nprocess.exit(3);\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      const failure = await sink.store({ key: KEY, kind: 'index', value: VALUE }).catch((error: unknown) => error as Error & { code: string });
      expect(failure).toMatchObject({ code: 'ESCRED_SINK_FAILED' });
      expect(failure!.message).toContain('exited with 3 (store): vault refused [redacted]');
      expect(failure!.message).not.toContain(VALUE);
    });

    it('a failing command that prints pieces of the value, of its secret or of their base64 has each masked', async () => {
      const echo = "const s = Buffer.from(m.value, 'base64').toString().split(':')[1];\n" +
        "console.error('refused ' + m.value.slice(5, 30) + ' / ' + s.slice(3) + ' / ' + Buffer.from(m.value).toString('base64').slice(9, 40) + ' / ' + Buffer.from(s).toString('base64url'));";
      const path = script(tempDir(), `import { readFileSync } from 'node:fs';\nconst m = JSON.parse(readFileSync(0, 'utf8'));\n${echo}\nprocess.exit(3);\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      const failure = await sink.store({ key: KEY, kind: 'index', value: VALUE }).catch((error: unknown) => error as Error);
      expect(failure!.message).toContain('exited with 3 (store): refused [redacted] / [redacted] / [redacted] / [redacted]');
    });

    it('stdout is never quoted in an error: a read answer holding a value but malformed says so without it', async () => {
      const path = script(tempDir(), `import { readFileSync } from 'node:fs';\nreadFileSync(0);\nprocess.stdout.write('{"protocolVersion":1,"status":"ok","value":["${VALUE}"]}');\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      const failure = (await sink.read(KEY).then(() => undefined, (error: unknown) => error)) as Error;
      expect(failure.message).toContain('answered read without a value');
      expect(failure.message).not.toContain(VALUE);
    });

    it('a command that hangs is killed after the timeout', async () => {
      const dir = tempDir();
      const path = script(dir, 'setInterval(() => {}, 1000);\n');
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] }, { timeoutMs: 300 });
      await expect(sink.store({ key: KEY, kind: 'index', value: VALUE })).rejects.toThrow(/was killed \(SIGKILL, timed out after 300 ms\)/);
    });

    it('an answer over 16 MiB is refused, not cut short (a list must be whole)', async () => {
      const path = script(tempDir(), `import { readFileSync } from 'node:fs';\nreadFileSync(0);\nprocess.stdout.write('x'.repeat(17 * 1024 * 1024));\n`);
      const sink = createSecretSink({ kind: 'exec', command: [process.execPath, path] });
      await expect(sink.listKeys()).rejects.toThrow('wrote more than 16 MiB on stdout (list)');
    });

    it.each([
      [['escred', 'sink', 'vault-kv2', '--mount', 'secret'], 'command escred sink vault-kv2'],
      [['vault', 'kv', 'put', '-mount=secret'], 'command vault kv put'],
      [['/usr/bin/node', '/home/me/store.mjs', 'store'], 'command node'],
    ])('describes %j as %j: the name and its plain words, never flags or paths', (command, described) => {
      expect(createSecretSink({ kind: 'exec', command }).describe()).toBe(described);
    });

    it('a command that is not there is a clear error', async () => {
      const sink = createSecretSink({ kind: 'exec', command: [join(tempDir(), 'no-such-sink')] });
      await expect(sink.check()).rejects.toMatchObject({ code: 'ESCRED_SINK_UNAVAILABLE', message: expect.stringContaining('could not start: spawn') });
    });
  });
});

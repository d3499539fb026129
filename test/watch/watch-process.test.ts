import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, PASSWORD_ENV } from '../support/e2e-harness.js';
import { startWatchE2e, type WatchE2e } from './watch-harness.js';

const ACCOUNT = 'elastic/fleet-server';
const tokens = (...names: string[]) => ({ [ACCOUNT]: { prune: 'owned', owns: 'gitops-*', tokens: names.map((name) => ({ name })) } });
const DIST = join(import.meta.dirname, '..', '..', 'dist');

interface Spawned {
  stdout: () => string;
  signal: (signal: NodeJS.Signals) => void;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  exit: Promise<number | null>;
}

/**
 * `escred watch ARGS` as its own process (built by `pretest`, like the e2e harness). Until the
 * command is wired into the CLI, the same runWatchCommand is started through a tiny launcher.
 */
function spawnWatch(e2e: WatchE2e, paths: string[], flags: string[], options: Record<string, unknown>): Spawned {
  const isWired = readFileSync(join(DIST, 'cli', 'commands', 'index.js'), 'utf8').includes('registerWatchCommand');
  const launcher = `const { runWatchCommand } = await import(${JSON.stringify(join(DIST, 'cli', 'run-watch-command.js'))});
    process.exitCode = await runWatchCommand(${JSON.stringify(paths)}, ${JSON.stringify(options)});`;
  const argv = isWired ? [CLI, 'watch', ...paths, ...flags] : ['--input-type=module', '-e', launcher];
  const child = spawn(process.execPath, argv, {
    cwd: e2e.work, env: { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: e2e.emulator.superuser.password }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => {
    e2e.lines.push(...stdout.split('\n').filter((l) => l.startsWith('{')));
    resolve(code);
  }));
  return {
    stdout: () => stdout,
    signal: (signal) => child.kill(signal),
    exit,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; output so far:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

const DEFAULTS = { listen: '127.0.0.1:0', resync: 60_000, debounce: 50, shutdownTimeout: 20_000, concurrency: 1 };

describe('escred watch as a process', () => {
  let e2e: WatchE2e | undefined;
  afterEach(async () => {
    await e2e?.closeAll();
    e2e = undefined;
  });

  it('SIGTERM during an apply lets the apply finish, then exits 0', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a', 'gitops-b', 'gitops-c'));
    // every answer takes 250 ms: three creates one at a time take most of a second
    e2e.emulator.setFaults({ latencyMs: 250 });
    const daemon = spawnWatch(e2e, ['escred.yaml'], ['--apply', '--listen', '127.0.0.1:0', '--concurrency', '1', '--debounce', '50ms'],
      { ...DEFAULTS, apply: true });
    await daemon.waitFor(/"event":"listening".*"url":"http:\/\/127\.0\.0\.1:\d+"/);
    await daemon.waitFor(/"event":"change"/);
    daemon.signal('SIGTERM');
    expect(await daemon.exit).toBe(0);
    e2e.emulator.clearFaults();
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a', 'gitops-b', 'gitops-c']);
    for (const token of ['gitops-a', 'gitops-b', 'gitops-c']) expect(e2e.sinkValue(ACCOUNT, token)).toBeDefined();
    const events = daemon.stdout().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const names = events.map((e) => e.event);
    expect(names.indexOf('signal')).toBeLessThan(names.lastIndexOf('change'));
    expect(events.filter((e) => e.event === 'change').map((e) => e.detail)).toEqual(['create: created', 'create: created', 'create: created']);
    expect(events[0]).toMatchObject({ event: 'listening', mode: 'apply' });
    expect(events.at(-1)).toMatchObject({ event: 'stopped', level: 'info' });
    // nothing left half-done: the journal has no pending create
    const journal = join(e2e.work, '.escred', 'journal.json');
    if (existsSync(journal)) expect(readFileSync(journal, 'utf8')).not.toContain('gitops-');
  });

  it('--once exits like plan: 2 with drift in report-only mode, 0 after --once --apply, 1 on an invalid manifest', async () => {
    e2e = await startWatchE2e();
    e2e.writeManifest(tokens('gitops-a'));
    const once = async (args: string[], apply: boolean) => {
      const run = spawnWatch(e2e!, ['escred.yaml'], ['--once', ...args], { ...DEFAULTS, once: true, apply });
      return run.exit;
    };
    expect(await once([], false)).toBe(2);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual([]);
    expect(await once(['--apply'], true)).toBe(0);
    expect(await e2e.indexTokens(ACCOUNT)).toEqual(['gitops-a']);
    expect(await once([], false)).toBe(0);
    writeFileSync(e2e.manifestPath, 'apiVersion: escred/v1\nclusters: nope\n');
    expect(await once([], false)).toBe(1);
  });
});

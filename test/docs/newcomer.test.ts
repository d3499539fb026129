/**
 * Issue 24, a newcomer's first minutes: from a fresh copy of the repository in a temporary folder,
 * the README's first command (`npm ci && npm run demo`), then the next three exactly as printed:
 * the demo's emulator started again "in a second terminal", and `./escred plan` and `./escred apply`
 * of examples/quickstart.yaml against it. The commands are read from the README, not copied here.
 *
 * examples/quickstart.yaml names port 9200, as a newcomer's cluster would. So that two runs of this
 * test (two worktrees, say) cannot meet on it, the demo and the three commands run in a network
 * namespace of their own when the machine allows one (root or user namespaces, and `ip`);
 * otherwise on the machine's loopback, and only if 9200 is free there.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToEnd, startLongRunning, type LongRunning } from '../support/child-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const QUICK_START = README.split('## Quick start')[1]!.split('\n## ')[0]!;
/** the shell lines of the Quick start's code blocks, comments removed: [set-up commands, keep-playing commands] */
const [SET_UP = [], KEEP_PLAYING = []] = [...QUICK_START.matchAll(/```sh\n([^]*?)```/g)]
  .map((m) => m[1]!.split('\n').map((line) => line.replace(/#.*$/, '').trim()).filter((line) => line !== ''));
const TIMEOUT_MS = 420_000;

/** A fresh clone's files: what git tracks, plus new files not ignored, of this working tree (so uncommitted work is what is tested). */
function copyCheckout(to: string): void {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '')) {
    if (!statSync(join(ROOT, file), { throwIfNoEntry: false })?.isFile()) continue; // deleted, not yet committed
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(to, file)); // keeps the mode: ./escred stays executable
  }
}

/** A newcomer's shell: none of the npm_* variables `npm test` set for this process. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_|^INIT_CWD$/i.test(key)));
  return { ...env, NO_COLOR: '1' };
}

/**
 * A command prefix that runs in one fresh network namespace with its loopback up (`unshare -n` holds
 * it open, `nsenter` joins it; both need root), or none when the machine does not allow it.
 */
async function privateLoopback(): Promise<{ prefix: string[]; close: () => Promise<void> }> {
  const holder = startLongRunning('unshare', ['-n', 'sh', '-c', 'ip link set lo up && echo up && exec sleep 3600'], { cwd: tmpdir() });
  try {
    await holder.waitFor(/^up$/m, 5_000);
    const prefix = ['nsenter', `--net=/proc/${holder.pid}/ns/net`, '--'];
    if ((await runToEnd(prefix[0]!, [...prefix.slice(1), 'true'], { cwd: tmpdir() })).code !== 0) throw new Error('nsenter is not allowed');
    return { prefix, close: () => holder.stop() };
  } catch {
    await holder.stop();
    return { prefix: [], close: async () => undefined };
  }
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('a newcomer, from a fresh copy of the repository', () => {
  const clone = mkdtempSync(join(tmpdir(), 'escred-newcomer-'));
  const env = shellEnv();
  let loopback: Awaited<ReturnType<typeof privateLoopback>>;
  /** without a namespace of its own, the test needs the machine's port 9200 */
  let skipReason: string | undefined;
  /** a README line as typed in a shell at the repository's root (in the private namespace, if any) */
  const typed = (line: string): string[] => [...loopback.prefix, 'bash', '-c', line];
  /**
   * One README line. Its `a && b` parts run one after the other, stopping at the first failure as the
   * shell does; `npm ci` outside the namespace, which has no route to the package registry.
   */
  const run = async (line: string) => {
    let stdout = '';
    let stderr = '';
    for (const part of line.split(' && ')) {
      const [command = 'bash', ...args] = part.startsWith('npm ci') ? ['bash', '-c', part] : typed(part);
      const result = await runToEnd(command, args, { cwd: clone, env, timeoutMs: TIMEOUT_MS });
      stdout += result.stdout;
      stderr += result.stderr;
      if (result.code !== 0) return { ...result, stdout, stderr };
    }
    return { code: 0, stdout, stderr };
  };

  beforeAll(async () => {
    copyCheckout(clone);
    loopback = await privateLoopback();
    if (loopback.prefix.length === 0 && !(await isPortFree(9200))) skipReason = 'port 9200 is taken and this machine allows no network namespace';
  });
  afterAll(async () => {
    await loopback?.close();
    rmSync(clone, { recursive: true, force: true });
  });

  it('the README gives two set-up commands, then three to keep playing', () => {
    expect(SET_UP).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(KEEP_PLAYING).toHaveLength(3);
  });

  it('./escred before the set-up says what to run first', async () => {
    const early = await runToEnd(join(clone, 'escred'), ['--version'], { cwd: clone, env });
    expect(early.stderr).toContain('dist/cli/main.js is missing: run `npm ci` in');
    expect(early.code).toBe(1);
  });

  it('npm ci && npm run demo: builds once, runs the demo, and ends with the README\'s next three commands', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const demo = await run(SET_UP[0]!);
    expect(demo.stderr).not.toMatch(/demo failed/);
    expect(demo.code, demo.stdout + demo.stderr).toBe(0);
    expect(demo.stdout).toContain('dist/ is up to date'); // npm ci built it; the demo does not build again
    expect(demo.stdout).toContain('$ ./escred apply --auto-approve examples/quickstart.yaml');
    expect(demo.stdout).toContain('Apply complete! Resources: 3 created, 0 replaced, 1 deleted.');
    const ending = demo.stdout.slice(demo.stdout.lastIndexOf('To keep playing'));
    expect(ending.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('./escred '))).toEqual(KEEP_PLAYING);
  }, TIMEOUT_MS);

  it('then the three commands, exactly as printed: the same emulator again, and the example plans and applies against it', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const [start, plan, apply] = KEEP_PLAYING as [string, string, string];
    const [command = 'bash', ...args] = typed(start);
    const emulator: LongRunning = startLongRunning(command, args, { cwd: clone, env }); // "in a second terminal"
    try {
      await emulator.waitFor(/Press Ctrl\+C to stop\./);
      const planned = await run(plan);
      expect(planned.stderr).toBe('');
      expect(planned.stdout).toContain('No changes. The clusters match the manifest.'); // the demo's tokens, password and CA, kept
      expect(planned.code).toBe(0);
      const applied = await run(apply);
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    } finally {
      await emulator.stop();
    }
  }, TIMEOUT_MS);

  it('with port 9200 taken (an Elasticsearch of your own), the demo runs on a free port and says how to keep playing there', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const [command = 'bash', ...args] = typed(`node -e "require('net').createServer().listen(9200, '127.0.0.1', () => console.log('holding 9200'))"`);
    const holder = startLongRunning(command, args, { cwd: clone, env });
    try {
      await holder.waitFor(/holding 9200/);
      const demo = await run('npm run demo');
      expect(demo.code, demo.stdout + demo.stderr).toBe(0);
      const port = /Port 9200 is taken, so the emulator listens on https:\/\/127\.0\.0\.1:(\d+)/.exec(demo.stdout)?.[1];
      expect(port).toBeDefined();
      expect(demo.stdout).toContain('Apply complete! Resources: 3 created, 0 replaced, 1 deleted.');
      expect(demo.stdout).toContain(`./escred emulator --data-dir .escred/demo/emulator --port ${port}\n  ./escred plan .escred/demo/escred.yaml\n`);
      expect(readFileSync(join(clone, '.escred', 'demo', 'escred.yaml'), 'utf8').endsWith('\n')).toBe(true);
    } finally {
      await holder.stop();
    }
  }, TIMEOUT_MS);

  it('npm test and npm run demo build again only after a change (scripts/build-if-stale.mjs)', async ({ skip }) => {
    if (skipReason) skip(skipReason);
    const check = () => runToEnd(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: clone, env, timeoutMs: TIMEOUT_MS });
    expect((await check()).stdout).toContain('dist/ is up to date');
    // an edit, now: after the last build's stamp, and never ahead of the rebuild's own (a future time would outlive a quick rebuild)
    const now = new Date();
    utimesSync(join(clone, 'src', 'errors.ts'), now, now);
    const rebuilt = await check();
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('tsc -p tsconfig.build.json && node scripts/bundle-cli.mjs');
    expect((await check()).stdout).toContain('dist/ is up to date');
  }, TIMEOUT_MS);
});

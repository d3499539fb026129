/**
 * Ctrl-C during apply (issue 12 item 7), end to end: a 200-token apply against the emulator with
 * latency, SIGINT once (the calls in flight finish, their values reach the sink, a report, exit
 * 130) and twice (stop at once with a warning, exit 130); never a temp file left, and a rerun
 * converges. The CLI is the built one, signalled as a terminal's Ctrl-C would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, expectNoSecretLeaked, PASSWORD_ENV, startE2e, type CliResult, type E2e } from '../support/e2e-harness.js';

const FLEET = 'elastic/fleet-server';
const TOKENS = Array.from({ length: 200 }, (_, i) => `t-${String(i).padStart(3, '0')}`);
const CREATE_ROUTE = 'POST /_security/service/{namespace}/{service}/credential/token/{name}';

interface RunningCli {
  child: ChildProcess;
  /** resolves once stdout (or stderr) matches */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp): Promise<void>;
  done: Promise<CliResult>;
}

function startCli(e2e: E2e, args: string[]): RunningCli {
  const env = { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: e2e.emulator.superuser.password };
  const child = spawn(process.execPath, [CLI, ...args], { cwd: e2e.work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const waiters: Array<{ stream: 'stdout' | 'stderr'; pattern: RegExp; resolve: () => void }> = [];
  const wake = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(text[w.stream])) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => { text.stdout += chunk.toString(); wake(); });
  child.stderr!.on('data', (chunk: Buffer) => { text.stderr += chunk.toString(); wake(); });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const w of waiters) w.resolve(); // let the test fail on its assertions, not hang
      resolve({ code, signal, ...text });
    });
  });
  return {
    child, done,
    waitFor: (stream, pattern) => new Promise((resolve) => {
      waiters.push({ stream, pattern, resolve });
      wake();
    }),
  };
}

/** every `.tmp` file escred may leave: state folder and sink (the emulator's own data is not ours) */
function tempFiles(e2e: E2e): string[] {
  return readdirSync(e2e.work, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.tmp') && !e.parentPath.startsWith(join(e2e.work, 'emulator')))
    .map((e) => join(e.parentPath, e.name));
}

async function expectEveryTokenAuthenticatesFromTheSink(e2e: E2e, tokens: string[]): Promise<void> {
  for (const token of tokens) expect((await e2e.whoIs(e2e.sinkValue(FLEET, token))).token?.name, token).toBe(token);
}

async function expectRerunConverges(e2e: E2e): Promise<void> {
  e2e.emulator.clearFaults();
  const rerun = await e2e.cli(['apply', '--auto-approve']);
  expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
  expect(await e2e.indexTokens(FLEET)).toEqual(TOKENS);
  await expectEveryTokenAuthenticatesFromTheSink(e2e, TOKENS);
  const plan = await e2e.cli(['plan', '--detailed-exitcode']);
  expect(plan.code, plan.stdout).toBe(0);
  expect(tempFiles(e2e)).toEqual([]);
}

describe('interrupting an apply', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  it('a first SIGINT lets the calls in flight finish into the sink, reports what was and was not done, exits 130', async () => {
    e2e = await startE2e({ nodeCount: 1 });
    e2e.writeManifest({ [FLEET]: { tokens: TOKENS.map((name) => ({ name })) } });
    e2e.emulator.setFaults({ latencyMs: 50 });
    const run = startCli(e2e, ['apply', '--auto-approve']);
    await run.waitFor('stdout', /(?:: created\b[^]*){5}/);
    run.child.kill('SIGINT');
    const result = await run.done;
    expectNoSecretLeaked(e2e.sinkDir, [result.stdout, result.stderr]);

    expect(result.signal).toBeNull();
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT received: no new calls are started; the calls in flight finish and their values go to the sink.');
    const report = /Apply interrupted\. Done: (\d+) created, 0 replaced, 0 deleted, 0 failed\. Not started: (\d+) of 200 planned changes\./
      .exec(result.stdout);
    expect(report, result.stdout).not.toBeNull();
    const [created, notStarted] = [Number(report![1]), Number(report![2])];
    expect(created + notStarted).toBe(200);
    expect(notStarted).toBeGreaterThan(0); // it did stop
    expect(result.stdout).toMatch(/Not started:\n {2}create e2e elastic\/fleet-server t-\d{3}\n/);
    expect(result.stdout.match(/: created\b/g)).toHaveLength(created); // each done change told once, none of the rest

    // every token the cluster now has was reported, has its value in the sink, and that value authenticates
    const made = await e2e.indexTokens(FLEET);
    expect(made).toHaveLength(created);
    await expectEveryTokenAuthenticatesFromTheSink(e2e, made);
    // nothing pending: the intents of a leased cluster are kept in its lease, so the local journal may never have been written
    const journal = join(e2e.work, '.escred', 'journal.json');
    if (existsSync(journal)) expect(JSON.parse(readFileSync(journal, 'utf8'))).toEqual({ pending: [] });
    expect((await e2e.es('GET', `/escred-leases/_doc/${e2e.emulator.clusterUuid}`)).json?.found ?? false).toBe(false);
    expect(tempFiles(e2e)).toEqual([]);
    await expectRerunConverges(e2e);
  });

  it('a second SIGINT stops at once with a warning, exits 130, leaves no temp file; the rerun recovers', async () => {
    e2e = await startE2e({ nodeCount: 1 });
    const env = e2e;
    // lease: off: the call in flight must be a create, not the lease's intent write before it (test/e2e/lease.test.ts covers leases)
    env.writeManifest({ [FLEET]: { tokens: TOKENS.map((name) => ({ name })) } }, { lease: 'off' });
    env.emulator.setFaults({ latencyMs: 50 });
    const run = startCli(env, ['apply', '--auto-approve']);
    await run.waitFor('stdout', /(?:: created\b[^]*){5}/);
    // from now on a call takes a minute: one is surely in flight when the signals come
    env.emulator.setFaults({ latencyMs: 60_000 });
    const before = env.emulator.counters()[CREATE_ROUTE] ?? 0;
    await until(() => (env.emulator.counters()[CREATE_ROUTE] ?? 0) > before);
    run.child.kill('SIGINT');
    await run.waitFor('stderr', /SIGINT received/);
    run.child.kill('SIGINT');
    const result = await run.done;
    expectNoSecretLeaked(env.sinkDir, [result.stdout, result.stderr]);

    expect(result.signal).toBeNull();
    expect(result.code, result.stdout + result.stderr).toBe(130);
    expect(result.stderr).toContain('SIGINT again: stopping at once. A token created by a call in flight may have no value in the sink; ' +
      'its intent is kept (in the lease of the cluster, or in the local journal with lease: off) and the next escred apply replaces it.');
    expect(result.stdout).not.toContain('Apply interrupted.');
    expect(tempFiles(env)).toEqual([]);
    await expectRerunConverges(env);
  });
});

/** polls a condition of the emulator (no time limit of its own: the test's timeout bounds it) */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

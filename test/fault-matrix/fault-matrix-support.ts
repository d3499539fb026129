/** Helpers for the fault matrix: a seeded kill or interrupt point, a CLI run that gets one Ctrl-C. */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import { CLI, expectNoSecretLeaked, PASSWORD_ENV, type CliResult, type E2e } from '../support/e2e-harness.js';
import { seededRandom } from '../support/seeded-random.js';

/** 0..outcomes: kill at the first output (0), or once that many outcome lines were printed */
export function killPointFromSeed(seed: number, outcomes: number): number {
  return Math.floor(seededRandom(seed)() * (outcomes + 1));
}


/** 1..outcomes-1: a SIGINT after that many outcome lines, so it comes while the apply still has work */
export function interruptPointFromSeed(seed: number, outcomes: number): number {
  return 1 + Math.floor(seededRandom(seed ^ 0x5eed)() * Math.max(1, outcomes - 1));
}

/** Runs the CLI and sends it one SIGINT (a Ctrl-C) once its stdout matches `when`; checks its output for leaks. */
export function runCliInterrupted(e2e: E2e, args: string[], when: RegExp): Promise<CliResult> {
  const env = { ...process.env, NO_COLOR: '1', [PASSWORD_ENV]: e2e.emulator.superuser.password };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: e2e.work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let isSignalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!isSignalled && when.test(stdout)) {
        isSignalled = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      expectNoSecretLeaked(e2e.sinkDir, [stdout, stderr]);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * After one SIGINT: exit 130 with the report (or 0 when the apply had finished before the signal
 * came), never killed by the signal; every create that started finished into the sink, so the
 * journal holds no intent; no temp file in the state folder or the sink.
 */
export function expectInterrupted(e2e: E2e, result: CliResult): void {
  expect(result.signal, result.stderr).toBeNull();
  expect([0, 130], result.stdout + result.stderr).toContain(result.code);
  if (result.code === 130) {
    expect(result.stderr).toContain('SIGINT received: no new calls are started');
    expect(result.stdout).toMatch(/Apply interrupted\. Done: \d+ created, \d+ replaced, \d+ deleted, 0 failed\. Not started: \d+ of 9 planned changes\./);
  }
  expect(JSON.parse(readFileSync(join(e2e.work, '.escred', 'journal.json'), 'utf8'))).toEqual({ pending: [] });
  const temps = readdirSync(e2e.work, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.tmp') && !e.parentPath.startsWith(join(e2e.work, 'emulator')));
  expect(temps.map((e) => e.name)).toEqual([]);
}

/** A TCP listener on loopback that accepts every connection and never writes a byte. */
export async function startHangingListener(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

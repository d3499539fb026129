/**
 * Processes run as a person runs them (an installed `escred`, a README line in a shell): one that
 * ends, with its output and exit code, and one that keeps running (an emulator, a daemon) until a
 * line says it is ready, then is stopped. The e2e harness runs dist/cli/main.js; these run anything.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs to the end (killed at timeoutMs); stdin is closed, as in CI. */
export function runToEnd(command: string, args: string[], options: SpawnOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface LongRunning {
  pid: number;
  /** stdout and stderr so far, interleaved */
  output(): string;
  /** resolves once the output matches; rejects with the output when the process exits first or time runs out */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM (then SIGKILL after 5 s); resolves when it has exited */
  stop(): Promise<void>;
}

export function startLongRunning(command: string, args: string[], options: SpawnOptions): LongRunning {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  return {
    pid: child.pid ?? 0,
    output: () => output,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (hasExited || Date.now() > deadline) throw new Error(`${command} ${args.join(' ')}: no ${String(pattern)} ${hasExited ? 'before it exited' : 'in time'}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      if (hasExited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

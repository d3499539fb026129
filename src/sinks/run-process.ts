import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  /** written to the child's stdin, which is then closed (values go here, never in argv) */
  stdin: string;
  timeoutMs: number;
  /** stdout beyond this is an error, not a silent truncation (a list answer must be whole) */
  maxStdoutBytes?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** the first few KiB only: enough for a reason, never a flood */
  stderr: string;
  isTimedOut: boolean;
  isStdoutTooLarge: boolean;
}

const MAX_STDERR = 4096;
const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;

/** Runs one command (no shell) to its end; rejects only when it cannot start (ENOENT, EACCES). */
export function runProcess(command: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const [file, ...args] = command;
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'], ...(options.env ? { env: options.env } : {}) });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let isTimedOut = false;
    let isStdoutTooLarge = false;
    const timer = setTimeout(() => {
      isTimedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) {
        isStdoutTooLarge = true;
        child.kill('SIGKILL');
      } else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined); // a command that exits early closes the pipe; its exit code tells
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: stderr.slice(0, MAX_STDERR), isTimedOut, isStdoutTooLarge });
    });
    child.stdin.end(options.stdin);
  });
}

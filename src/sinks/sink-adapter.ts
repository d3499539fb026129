import type { ExecSinkKey } from './exec-sink-protocol.js';
import { runProcess } from './run-process.js';
import { redactSecret } from './redact-secret.js';

/** What an adapter does for each protocol action; `escred sink <name>` turns requests into these calls. */
export interface SinkAdapter {
  /** can the backing store take secrets (reachable, authenticated, allowed)? */
  check(): Promise<void>;
  store(key: ExecSinkKey, kind: 'index' | 'file', value: string): Promise<void>;
  /** absent is success */
  delete(key: ExecSinkKey): Promise<void>;
  /** every key with a value, under this adapter's prefix or label only */
  list(): Promise<ExecSinkKey[]>;
  /** null when there is none */
  read(key: ExecSinkKey): Promise<string | null>;
}

/** A backing CLI (vault, kubectl) failed; the message is its stderr with any value masked. */
export class BackingCliError extends Error {}

export interface CliCall {
  argv: string[];
  /** what goes on the CLI's stdin: the value or the object holding it, never argv */
  stdin?: string;
  /** masked out of any error message */
  secret?: string;
}

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Each backing call gets this long: escred allows 30 s for a whole request. */
export const BACKING_CALL_TIMEOUT_MS = 20_000;

/** Runs the backing CLI; a start failure, a timeout or a signal is an error, any exit code is returned. */
export async function callCli(binary: string, call: CliCall): Promise<CliOutcome> {
  const shown = `${binary} ${call.argv.slice(0, 3).join(' ')}`;
  let result;
  try {
    result = await runProcess([binary, ...call.argv], { stdin: call.stdin ?? '', timeoutMs: BACKING_CALL_TIMEOUT_MS });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackingCliError(code === 'ENOENT' ? `${binary} is not on PATH` : `${shown} could not start: ${(error as Error).message}`);
  }
  if (result.isTimedOut) throw new BackingCliError(`${shown} did not finish within ${BACKING_CALL_TIMEOUT_MS / 1000} s`);
  if (result.code === null) throw new BackingCliError(`${shown} was killed (${result.signal ?? 'signal'})`);
  return { code: result.code, stdout: result.stdout, stderr: redactSecret(result.stderr, call.secret) };
}

/** The CLI's own failure, as an error that quotes its first line of stderr. */
export function failure(binary: string, call: CliCall, outcome: CliOutcome): BackingCliError {
  const said = outcome.stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 400);
  return new BackingCliError(`${binary} ${call.argv.slice(0, 3).join(' ')} exited with ${outcome.code}${said ? `: ${said}` : ''}`);
}

/**
 * Errors carry a stable `code` from the catalogue (error-codes.ts; for JSON output and tests), say
 * whether retrying may help, and keep the underlying `cause` (an undici UND_ERR_* error, an fs error, ...).
 * Callers test an error through the predicates below, never by a code's prefix or a duck-typed status.
 */
import { ERROR_CODES, isEscredCode, SINK_ERROR_CODES, type ErrorCode, type EscredCode } from './error-codes.js';

export interface EscredErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class EscredError extends Error {
  readonly code: ErrorCode;
  readonly isRetryable: boolean;

  constructor(code: ErrorCode, message: string, options: EscredErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The manifest (or a plan file) is wrong; the diagnostics say where. Never retryable. */
export class ConfigError extends EscredError {
  constructor(message: string, options: EscredErrorOptions = {}) {
    super(ERROR_CODES.config, message, options);
  }
}

/** A precondition for writing is not met (stale plan, wrong cluster, sink not writable, too many deletions). */
export class SafetyError extends EscredError {
  constructor(code: ErrorCode, message: string, options: EscredErrorOptions = {}) {
    super(code, message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An EscredError with this code. */
export function hasErrorCode(error: unknown, code: ErrorCode): error is EscredError {
  return error instanceof EscredError && error.code === code;
}

/** The secret sink failed (could not take, give back or hold a value): the apply stops. */
export function isSinkError(error: unknown): error is EscredError {
  return error instanceof EscredError && SINK_ERROR_CODES.has(error.code);
}

/** The catalogue code a failure carries, if any (what JSON outputs and stderr report; ESCRED_ERROR stands in for none). */
export function codeOf(error: unknown): EscredCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return isEscredCode(code) ? code : undefined;
}

/**
 * Errors carry a stable `code` (for JSON output and tests), say whether retrying may help,
 * and keep the underlying `cause` (an undici UND_ERR_* error, an fs error, ...).
 */
export interface EscredErrorOptions {
  cause?: unknown;
  isRetryable?: boolean;
}

export class EscredError extends Error {
  readonly code: string;
  readonly isRetryable: boolean;

  constructor(code: string, message: string, options: EscredErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }
}

/** The manifest (or a plan file) is wrong; the diagnostics say where. Never retryable. */
export class ConfigError extends EscredError {
  constructor(message: string, options: EscredErrorOptions = {}) {
    super('ESCRED_CONFIG', message, options);
  }
}

/** A precondition for writing is not met (stale plan, wrong cluster, sink not writable, too many deletions). */
export class SafetyError extends EscredError {
  constructor(code: string, message: string, options: EscredErrorOptions = {}) {
    super(code, message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

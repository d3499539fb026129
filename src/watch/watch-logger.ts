/** One JSON object per line on stdout: what log shippers (Loki, Fluent Bit, CloudWatch) parse without a pattern. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFields {
  cluster?: string;
  /** service account principal, namespace/service */
  account?: string;
  /** token name only, never its value */
  token?: string;
  /** human words; error messages are built without secrets (see src/errors.ts) */
  detail?: string;
  [extra: string]: string | number | boolean | undefined;
}

export type WatchLogger = (level: LogLevel, event: string, fields?: LogFields) => void;

export interface WatchLoggerOptions {
  write: (line: string) => void;
  clock?: () => Date;
}

export function createWatchLogger(options: WatchLoggerOptions): WatchLogger {
  const clock = options.clock ?? (() => new Date());
  return (level, event, fields = {}) => {
    // time, level and event first, so the line reads well before a parser sees it
    const record: Record<string, unknown> = { time: clock().toISOString(), level, event };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && !(key in record)) record[key] = value;
    }
    options.write(`${JSON.stringify(record)}\n`);
  };
}

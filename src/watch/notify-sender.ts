import type { NotifyTarget } from './notify-targets.js';
import type { WatchLogger } from './watch-logger.js';

/** the defaults `escred watch --help` states */
export const NOTIFY_DEFAULTS = { timeoutMs: 5_000, attempts: 4, backoffMs: 1_000, backoffMaxMs: 30_000, maxQueue: 20 } as const;

export interface SenderOptions {
  log: WatchLogger;
  /** each attempt's limit, connect to last byte; default 5 s */
  timeoutMs?: number;
  /** tries in all, the first included; default 4 */
  attempts?: number;
  /** wait before the first retry, doubled each time up to backoffMaxMs; defaults 1 s and 30 s */
  backoffMs?: number;
  backoffMaxMs?: number;
  /** notifications waiting per receiver beyond which the oldest are dropped; default 20 */
  maxQueue?: number;
}

/**
 * Posts bodies to one receiver, in order, off the daemon's path: send() returns at once, so a
 * receiver that is down or slow delays nothing but its own queue. Each attempt has a timeout;
 * network errors, timeouts, 429 and 5xx are retried with exponential backoff (Retry-After
 * honoured up to the backoff cap), other answers are final. Logs name the receiver by origin only.
 */
export class NotifySender {
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private readonly closing = new AbortController();

  constructor(private readonly target: NotifyTarget, private readonly options: SenderOptions) {}

  send(event: string, body: unknown): void {
    const { log } = this.options;
    if (this.closing.signal.aborted) return;
    if (this.queued >= (this.options.maxQueue ?? NOTIFY_DEFAULTS.maxQueue)) {
      log('warn', 'notify-dropped', { detail: `${this.target.label}: ${this.queued} notifications waiting; dropped this ${event} notification`, event });
      return;
    }
    this.queued += 1;
    const text = JSON.stringify(body);
    this.chain = this.chain.then(() => this.deliver(event, text)).finally(() => (this.queued -= 1));
  }

  /** resolves when everything queued so far was sent or given up */
  settled(): Promise<void> {
    return this.chain;
  }

  /** waits up to graceMs for the queue, then abandons what is left (stopping must not hang on a receiver) */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.chain, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.closing.abort();
    await this.chain;
  }

  private async deliver(event: string, text: string): Promise<void> {
    const { log } = this.options;
    const attempts = this.options.attempts ?? NOTIFY_DEFAULTS.attempts;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (this.closing.signal.aborted) break;
      const outcome = await this.attempt(text);
      if (outcome.isDone) {
        log('debug', 'notify-sent', { detail: `${event} notification to ${this.target.label}: ${outcome.what}`, event });
        return;
      }
      if (!outcome.isRetryable || attempt === attempts) {
        log('error', 'notify-failed', { detail: `${event} notification to ${this.target.label} failed after ${attempt} attempt(s): ${outcome.what}`, event });
        return;
      }
      const waitMs = this.backoff(attempt, outcome.retryAfterMs);
      log('warn', 'notify-retry', { detail: `${event} notification to ${this.target.label}: ${outcome.what}; retrying in ${waitMs} ms`, event });
      await sleep(waitMs, this.closing.signal);
    }
    log('warn', 'notify-abandoned', { detail: `${event} notification to ${this.target.label} abandoned: the daemon is stopping`, event });
  }

  private async attempt(text: string): Promise<{ isDone: boolean; isRetryable: boolean; what: string; retryAfterMs?: number }> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs ?? NOTIFY_DEFAULTS.timeoutMs), this.closing.signal]);
    try {
      const response = await fetch(this.target.url, {
        method: 'POST', body: text, signal, redirect: 'error',
        headers: { 'content-type': 'application/json', 'user-agent': 'escred-notify' },
      });
      await response.body?.cancel(); // the answer's body is not needed; free the socket
      const what = `HTTP ${response.status}`;
      if (response.ok) return { isDone: true, isRetryable: false, what };
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      return { isDone: false, isRetryable: response.status === 429 || response.status >= 500, what, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    } catch (error) {
      const what = signal.aborted && !this.closing.signal.aborted ? `no answer within ${this.options.timeoutMs ?? NOTIFY_DEFAULTS.timeoutMs} ms` : describeFetchError(error);
      return { isDone: false, isRetryable: true, what };
    }
  }

  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const max = this.options.backoffMaxMs ?? NOTIFY_DEFAULTS.backoffMaxMs;
    const exponential = (this.options.backoffMs ?? NOTIFY_DEFAULTS.backoffMs) * 2 ** (attempt - 1);
    return Math.min(max, Math.max(exponential, retryAfterMs ?? 0));
  }
}

function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/**
 * fetch wraps the socket error in a TypeError("fetch failed"): show the cause's code (ECONNREFUSED,
 * UND_ERR_SOCKET). Never the message, which may quote the URL and with it the webhook's key.
 */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.name === 'string') return cause.name;
  return error instanceof Error ? error.name : 'request failed';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

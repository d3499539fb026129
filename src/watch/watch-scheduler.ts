import { systemClock, type TimerHandle, type WatchClock } from './watch-clock.js';

/**
 * How a pass ended, as far as the loop cares: `ok` (resync later), `retryable` (back off and try
 * again: a 503, a refused connection) or `failed` (an invalid manifest, max-deletions: trying again
 * cannot help until something changes, so wait for an edit or the next resync).
 */
export type PassVerdict = 'ok' | 'retryable' | 'failed';

/** Why a pass ran; logged with it. */
export type PassTrigger = 'start' | 'change' | 'resync' | 'retry';

export interface WatchSchedulerOptions {
  runPass: (trigger: PassTrigger) => Promise<PassVerdict>;
  /** quiet time after the last file event before a pass; default 300 ms */
  debounceMs?: number;
  /** a steady stream of events still gets a pass this often; default 10 x debounce */
  maxWaitMs?: number;
  /** periodic full pass that finds out-of-band drift; default 60 s; 0 = never */
  resyncMs?: number;
  /** +- this fraction of resyncMs, so many daemons do not hit a cluster at once; default 0.1 */
  jitter?: number;
  /** first retry delay after a retryable failure; doubles each time; default 1 s */
  backoffInitialMs?: number;
  /** default 60 s */
  backoffMaxMs?: number;
  clock?: WatchClock;
}

/**
 * The level-based, single-flight loop (controller-runtime's workqueue, vitest's rerun scheduler):
 * events only mark the state dirty; one pass runs at a time; events during a pass coalesce into
 * one following pass. Never runs passes concurrently, whatever the timers do.
 */
export class WatchScheduler {
  private readonly options: Required<Omit<WatchSchedulerOptions, 'runPass' | 'clock'>>;
  private readonly clock: WatchClock;
  private timer: TimerHandle | undefined;
  private timerDueAt = Infinity;
  private pendingTrigger: PassTrigger = 'start';
  private firstDirtyAt: number | undefined;
  private isDirty = false;
  private running: Promise<void> | undefined;
  private isStopped = false;
  private failures = 0;
  private lastVerdict: PassVerdict = 'ok';

  constructor(private readonly runPass: WatchSchedulerOptions['runPass'], options: Omit<WatchSchedulerOptions, 'runPass'> = {}) {
    const debounceMs = options.debounceMs ?? 300;
    this.options = {
      debounceMs,
      maxWaitMs: options.maxWaitMs ?? debounceMs * 10,
      resyncMs: options.resyncMs ?? 60_000,
      jitter: options.jitter ?? 0.1,
      backoffInitialMs: options.backoffInitialMs ?? 1_000,
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
    };
    this.clock = options.clock ?? systemClock;
  }

  /** The first pass runs at once. */
  start(): void {
    this.schedule(0, 'start');
  }

  /** A file event: run after the debounce, or after the running pass. */
  markDirty(): void {
    if (this.isStopped) return;
    const now = this.clock.now();
    this.isDirty = true;
    this.firstDirtyAt ??= now;
    if (this.running) return;
    const quietUntil = now + this.options.debounceMs;
    const latest = this.firstDirtyAt + this.options.maxWaitMs;
    this.schedule(Math.max(0, Math.min(quietUntil, latest) - now), 'change', true);
  }

  /** Whether a pass is running now. */
  isBusy(): boolean {
    return this.running !== undefined;
  }

  /** Consecutive retryable failures (0 after a success). */
  failureCount(): number {
    return this.failures;
  }

  /** No more passes; resolves when the running pass (if any) has finished. */
  async stop(): Promise<void> {
    this.isStopped = true;
    this.clearTimer();
    await this.running;
  }

  /** Resolves when the running pass, if any, has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * Arms the one timer. A debounced change may move it later (`isReplacing`); anything else only
   * moves it earlier, so a resync never postpones a due retry and vice versa.
   */
  private schedule(delayMs: number, trigger: PassTrigger, isReplacing = false): void {
    if (this.isStopped) return;
    const dueAt = this.clock.now() + delayMs;
    if (this.timer !== undefined && !isReplacing && dueAt >= this.timerDueAt) return;
    this.clearTimer();
    this.pendingTrigger = trigger;
    this.timerDueAt = dueAt;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.fire();
    }, delayMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private fire(): void {
    if (this.isStopped || this.running) return;
    const trigger = this.pendingTrigger;
    this.isDirty = false;
    this.firstDirtyAt = undefined;
    this.running = this.runOnce(trigger).finally(() => {
      this.running = undefined;
      this.afterPass();
    });
  }

  private async runOnce(trigger: PassTrigger): Promise<void> {
    try {
      this.lastVerdict = await this.runPass(trigger);
    } catch {
      // runPass reports its own errors; one that escapes is treated as worth retrying
      this.lastVerdict = 'retryable';
    }
  }

  private afterPass(): void {
    if (this.isStopped) return;
    if (this.lastVerdict === 'retryable') {
      this.failures += 1;
    } else {
      this.failures = 0;
    }
    // events during the pass: one following pass, after the usual quiet time
    if (this.isDirty) this.schedule(this.options.debounceMs, 'change', true);
    // After a retryable failure the retry is the next pass (a full one, so it resyncs too): a resync
    // sooner than the backoff would undo it, and `--resync 1s` against a dead cluster would hit it every second.
    if (this.lastVerdict === 'retryable') this.schedule(this.backoffDelay(), 'retry');
    else if (this.options.resyncMs > 0) this.schedule(this.resyncDelay(), 'resync');
  }

  private backoffDelay(): number {
    const exponent = Math.min(this.failures - 1, 30);
    const delay = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** exponent);
    // full jitter on the upper half keeps retries of many daemons apart without ever waiting longer than the cap
    return Math.round(delay / 2 + (delay / 2) * this.clock.random());
  }

  private resyncDelay(): number {
    const spread = this.options.resyncMs * this.options.jitter;
    return Math.max(0, Math.round(this.options.resyncMs - spread + 2 * spread * this.clock.random()));
  }
}

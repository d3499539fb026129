import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/watch/watch-clock.js';
import { WatchScheduler, type PassTrigger, type PassVerdict, type WatchSchedulerOptions } from '../../src/watch/watch-scheduler.js';

interface Recorder {
  scheduler: WatchScheduler;
  /** [time, trigger] per pass start */
  starts: Array<[number, PassTrigger]>;
  maxInFlight: () => number;
}

/** A scheduler whose passes take `passMs` and answer from `verdicts` (then 'ok'), on vitest's fake clock. */
function recorder(options: Omit<WatchSchedulerOptions, 'runPass'> & { passMs?: number; verdicts?: PassVerdict[] } = {}): Recorder {
  const starts: Array<[number, PassTrigger]> = [];
  const verdicts = [...(options.verdicts ?? [])];
  let inFlight = 0;
  let maxInFlight = 0;
  const t0 = Date.now();
  const scheduler = new WatchScheduler(async (trigger) => {
    starts.push([Date.now() - t0, trigger]);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const passMs = options.passMs ?? 10;
    if (passMs > 0) await new Promise((resolve) => setTimeout(resolve, passMs));
    inFlight -= 1;
    return verdicts.shift() ?? 'ok';
  }, { clock: { ...systemClock, random: () => 0.5 }, resyncMs: 0, ...options });
  return { scheduler, starts, maxInFlight: () => maxInFlight };
}

describe('WatchScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the first pass at once', async () => {
    const r = recorder();
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(r.starts).toEqual([[0, 'start']]);
  });

  it('debounces a burst of events into one pass, after the quiet time', async () => {
    const r = recorder({ debounceMs: 300 });
    for (let i = 0; i < 50; i += 1) {
      r.scheduler.markDirty();
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(2_000);
    expect(r.starts).toHaveLength(1);
    expect(r.starts[0]).toEqual([245 + 300, 'change']);
  });

  it('does not starve under a steady stream of events: maxWait forces a pass', async () => {
    const r = recorder({ debounceMs: 100, maxWaitMs: 1_000 });
    for (let i = 0; i < 100; i += 1) {
      r.scheduler.markDirty();
      await vi.advanceTimersByTimeAsync(50);
    }
    // 5 s of events every 50 ms: the quiet time never comes, the cap gives a pass about every second
    expect(r.starts.length).toBeGreaterThanOrEqual(4);
    expect(r.starts.length).toBeLessThanOrEqual(6);
  });

  it('coalesces events during a pass into exactly one following pass, never two at once', async () => {
    const r = recorder({ debounceMs: 50, passMs: 1_000 });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    for (let i = 0; i < 20; i += 1) {
      r.scheduler.markDirty();
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(5_000);
    expect(r.starts.map(([, trigger]) => trigger)).toEqual(['start', 'change']);
    expect(r.starts[1]![0]).toBe(1_000 + 50);
    expect(r.maxInFlight()).toBe(1);
  });

  it('resyncs periodically with jitter inside the bounds', async () => {
    const random = vi.fn<() => number>().mockReturnValueOnce(0).mockReturnValueOnce(0.999).mockReturnValue(0.5);
    const r = recorder({ resyncMs: 10_000, jitter: 0.2, passMs: 0, clock: { ...systemClock, random } });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    const times = r.starts.map(([t]) => t);
    expect(r.starts.map(([, trigger]) => trigger)).toEqual(['start', 'resync', 'resync', 'resync']);
    expect(times[1]).toBe(8_000); // 10 s - 20 %
    expect(times[2]! - times[1]!).toBe(11_996); // 10 s - 2 s + 4 s x 0.999: just under 10 s + 20 %
    expect(times[3]! - times[2]!).toBe(10_000);
  });

  it('backs off exponentially on retryable failures, up to the cap, and resets after a success', async () => {
    const r = recorder({
      verdicts: ['retryable', 'retryable', 'retryable', 'retryable', 'retryable', 'ok'],
      backoffInitialMs: 1_000, backoffMaxMs: 4_000, passMs: 0, resyncMs: 0,
    });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = r.starts.slice(1).map(([t], i) => t - r.starts[i]![0]);
    // random() = 0.5: 75 % of the doubled delay, capped at 4 s
    expect(gaps).toEqual([750, 1_500, 3_000, 3_000, 3_000]);
    expect(r.starts.slice(1).every(([, trigger]) => trigger === 'retry')).toBe(true);
    expect(r.scheduler.failureCount()).toBe(0);
  });

  it('a resync shorter than the backoff does not bypass it: against a dead cluster passes follow the backoff', async () => {
    const r = recorder({
      verdicts: ['retryable', 'retryable', 'retryable', 'retryable', 'ok'],
      resyncMs: 1_000, jitter: 0, backoffInitialMs: 2_000, backoffMaxMs: 16_000, passMs: 0,
    });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(24_000);
    // random() = 0.5: 75 % of 2, 4, 8, 16 s; then, once a pass succeeds, the 1 s resync again
    expect(r.starts).toEqual([[0, 'start'], [1_500, 'retry'], [4_500, 'retry'], [10_500, 'retry'], [22_500, 'retry'],
      [23_500, 'resync']]);
  });

  it('does not retry a failed (non-retryable) pass; the next edit runs one', async () => {
    const r = recorder({ verdicts: ['failed'], passMs: 0, debounceMs: 100 });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(r.starts).toHaveLength(1);
    r.scheduler.markDirty();
    await vi.advanceTimersByTimeAsync(200);
    expect(r.starts.map(([, trigger]) => trigger)).toEqual(['start', 'change']);
  });

  it('an edit during backoff runs after the debounce, not after the backoff', async () => {
    const r = recorder({ verdicts: ['retryable'], passMs: 0, debounceMs: 100, backoffInitialMs: 30_000 });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    r.scheduler.markDirty();
    await vi.advanceTimersByTimeAsync(150);
    expect(r.starts.map(([, trigger]) => trigger)).toEqual(['start', 'change']);
  });

  it('stop() waits for the running pass and prevents any further pass', async () => {
    const r = recorder({ passMs: 1_000, debounceMs: 10, resyncMs: 100 });
    r.scheduler.start();
    await vi.advanceTimersByTimeAsync(10);
    r.scheduler.markDirty();
    let isStopped = false;
    const stopping = r.scheduler.stop().then(() => (isStopped = true));
    await vi.advanceTimersByTimeAsync(500);
    expect(isStopped).toBe(false);
    await vi.advanceTimersByTimeAsync(600);
    await stopping;
    expect(isStopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.starts).toHaveLength(1);
  });

  it('a pass that throws counts as retryable', async () => {
    const scheduler = new WatchScheduler(() => Promise.reject(new Error('boom')), {
      clock: { ...systemClock, random: () => 1 }, resyncMs: 0, backoffInitialMs: 100,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1);
    expect(scheduler.failureCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(scheduler.failureCount()).toBe(2);
    await scheduler.stop();
  });
});

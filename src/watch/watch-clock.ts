/**
 * Time as the scheduler sees it, injected so the loop's rules (debounce, resync, backoff) are
 * tested with a fake clock instead of sleeping.
 */
export type TimerHandle = unknown;

export interface WatchClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** in [0, 1); for jitter */
  random(): number;
}

/**
 * The real clock. The globals are looked up at call time (not captured at import) so vitest's
 * fake timers also drive a scheduler built with the default clock.
 */
export const systemClock: WatchClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // a pending resync must not keep a stopped process alive
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};

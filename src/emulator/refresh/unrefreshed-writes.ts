/**
 * What a search of the security index still sees of documents written since the last refresh: the
 * value each had at that refresh (undefined: it did not exist). A realtime GET sees the store itself.
 */
import type { SecurityIndexRefresh } from './security-index-refresh.js';

interface Unrefreshed<T> {
  seq: number;
  /** the value the last refresh saw */
  refreshedValue: T | undefined;
}

export class UnrefreshedWrites<T> {
  private readonly pending = new Map<string, Unrefreshed<T>>();

  constructor(private readonly clock: SecurityIndexRefresh) {}

  /** Records a write of `key`, whose value before the write was `previous`. */
  note(key: string, previous: T | undefined): void {
    const earlier = this.pending.get(key);
    // Two writes between refreshes: searches still see the value of the last refresh, not the middle one.
    const refreshedValue = earlier && !this.clock.isVisible(earlier.seq) ? earlier.refreshedValue : previous;
    this.pending.set(key, { seq: this.clock.noteWrite(), refreshedValue });
  }

  /** The searched view of `key` given its current value. */
  searched(key: string, current: T | undefined): T | undefined {
    const entry = this.pending.get(key);
    if (!entry) return current;
    if (!this.clock.isVisible(entry.seq)) return entry.refreshedValue;
    this.pending.delete(key);
    return current;
  }

  /** Keys written since the last refresh (a deleted key still visible to searches is among them). */
  keys(): string[] {
    return [...this.pending.keys()];
  }
}

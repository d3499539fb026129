/**
 * Documents of the security index other than tokens (native users, native roles, user-managed
 * service accounts), persisted as one JSON file per kind, written atomically. Two views, as in ES:
 * `get` is a realtime GET by id (authentication, lookups); `search` sees the last refresh, so a
 * write with refresh=false stays invisible to listings for about a second.
 * Mutations are serialised, so that "exists?" and "write" never interleave.
 */
import { readTextIfExists } from '../../support/read-text-if-exists.js';
import { writeFileAtomic } from '../../support/write-file-atomic.js';
import type { UnrefreshedWrites } from '../refresh/unrefreshed-writes.js';

interface StoreFile<T> {
  formatVersion: 1;
  records: Record<string, T>;
}

/** What a listing still sees of a key until `until` (the next refresh). */
interface StaleView<T> {
  until: number;
  previous: T | undefined;
}

export class RecordStore<T> {
  private readonly records = new Map<string, T>();
  private readonly stale = new Map<string, StaleView<T>>();
  private queue: Promise<unknown> = Promise.resolve();
  /** set: searches follow the security index's refresh clock (refresh/), not the 1 s of staleForMs */
  private unrefreshed: UnrefreshedWrites<T> | undefined;

  private constructor(private readonly file: string) {}

  /** From now on every write stays out of `search` until the clock's next refresh. */
  followRefresh(unrefreshed: UnrefreshedWrites<T>): void {
    this.unrefreshed = unrefreshed;
  }

  static async open<T>(file: string): Promise<RecordStore<T>> {
    const store = new RecordStore<T>(file);
    const text = await readTextIfExists(file);
    const parsed = text === null ? { records: {} } : (JSON.parse(text) as StoreFile<T>);
    for (const [key, value] of Object.entries(parsed.records)) store.records.set(key, value);
    return store;
  }

  get size(): number {
    return this.records.size;
  }

  get(key: string): T | undefined {
    return this.records.get(key);
  }

  /** The refreshed view, sorted by key (UTF-16 order, as Java sorts strings). */
  search(now = Date.now()): Array<[string, T]> {
    if (this.unrefreshed) return this.refreshedView(this.unrefreshed);
    const view = new Map(this.records);
    for (const [key, stale] of this.stale) {
      if (stale.until <= now) continue;
      if (stale.previous === undefined) view.delete(key);
      else view.set(key, stale.previous);
    }
    return [...view].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Creates or replaces; true when the key was new (`created`). */
  put(key: string, value: T, staleForMs = 0): Promise<boolean> {
    return this.serialised(async () => {
      const previous = this.records.get(key);
      this.records.set(key, value);
      await this.persistOrRestore(key, previous);
      this.markStale(key, previous, staleForMs);
      return previous === undefined;
    });
  }

  /**
   * Creates or replaces many records with one write of the file (a benchmark or a test seeding thousands of
   * documents, as a bulk request would); searches see them after the next refresh, like any write.
   */
  putMany(entries: ReadonlyArray<[string, T]>): Promise<void> {
    return this.serialised(async () => {
      const previous = new Map(this.records);
      for (const [key, value] of entries) this.records.set(key, value);
      try {
        await writeFileAtomic(this.file, `${JSON.stringify({ formatVersion: 1, records: Object.fromEntries(this.records) }, null, 2)}\n`, { mode: 0o600 });
      } catch (error) {
        this.records.clear();
        for (const [key, value] of previous) this.records.set(key, value);
        throw error;
      }
      for (const [key] of entries) this.markStale(key, previous.get(key), 0);
    });
  }

  /** Stores only when the key is absent: false when it exists (op_type=create). */
  create(key: string, value: T): Promise<boolean> {
    return this.serialised(async () => {
      if (this.records.has(key)) return false;
      this.records.set(key, value);
      await this.persistOrRestore(key, undefined);
      return true;
    });
  }

  /** false when there was nothing to delete. */
  delete(key: string, staleForMs = 0): Promise<boolean> {
    return this.serialised(async () => {
      const previous = this.records.get(key);
      if (previous === undefined) return false;
      this.records.delete(key);
      await this.persistOrRestore(key, previous);
      this.markStale(key, previous, staleForMs);
      return true;
    });
  }

  async settle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private refreshedView(unrefreshed: UnrefreshedWrites<T>): Array<[string, T]> {
    const view = new Map<string, T>();
    for (const [key, value] of this.records) {
      const seen = unrefreshed.searched(key, value);
      if (seen !== undefined) view.set(key, seen);
    }
    for (const key of unrefreshed.keys()) {
      const seen = this.records.has(key) ? undefined : unrefreshed.searched(key, undefined);
      if (seen !== undefined) view.set(key, seen);
    }
    return [...view].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private markStale(key: string, previous: T | undefined, staleForMs: number): void {
    if (this.unrefreshed) return this.unrefreshed.note(key, previous);
    if (staleForMs > 0) this.stale.set(key, { until: Date.now() + staleForMs, previous });
    else this.stale.delete(key);
  }

  private async persistOrRestore(key: string, previous: T | undefined): Promise<void> {
    try {
      const content: StoreFile<T> = { formatVersion: 1, records: Object.fromEntries(this.records) };
      await writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      if (previous === undefined) this.records.delete(key);
      else this.records.set(key, previous);
      throw error;
    }
  }

  private serialised<R>(work: () => Promise<R>): Promise<R> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A write with refresh=false is missing from searches until the next refresh (~1 s, the security index's interval). */
export const REFRESH_INTERVAL_MS = 1000;

export function staleFor(refresh: 'true' | 'false' | 'wait_for'): number {
  return refresh === 'false' ? REFRESH_INTERVAL_MS : 0;
}

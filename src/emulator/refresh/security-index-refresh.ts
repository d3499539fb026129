/**
 * The refresh clock of the security index (issue 16). What Elasticsearch does, from its source:
 *
 * - One shard: the main security index (`.security-7`) is created with `index.number_of_shards: 1`
 *   and `index.refresh_interval: "1s"` (SecuritySystemIndices#getMainIndexSettings [code]). So one
 *   refresh clock covers every document of it: tokens, user-managed accounts, users, roles.
 * - Scheduled refresh: every `index.refresh_interval` the shard refreshes if a write is not yet
 *   visible or a listener waits (IndexShard#scheduledRefresh [code]).
 * - Search-idle: a shard nobody searched for `index.search.idle.after` (30 s) skips its scheduled
 *   refresh, but only when the interval is NOT set explicitly (`isExplicitRefresh() == false`) and no
 *   refresh listener waits [code]. The security index sets `refresh_interval` explicitly, so it never
 *   skips: it is not modelled. [unsure] whether the 7.x index template (before SecuritySystemIndices,
 *   7.13-8.0) set refresh_interval too; if it did not, a search on an idle shard waits for the next
 *   refresh and then sees every write (IndexShard#awaitShardSearchActive [code]), which is what the
 *   listing here shows one interval later anyway.
 * - `refresh=wait_for` (WriteRequest.RefreshPolicy.WAIT_UNTIL): the response waits until a refresh
 *   makes the write visible, via a refresh listener (RefreshListeners#addOrNotify [code]). When
 *   `index.max_refresh_listeners` (default 1000) listeners already wait, the shard forces a refresh
 *   at once instead ("too_many_listeners") [code].
 * - `refresh=true` (IMMEDIATE): the shard refreshes right after the write, before the response.
 *   [unsure] a forced refresh costs a Lucene refresh of the shard on a real cluster; not charged here.
 * - `refresh=false` (NONE): the response comes at once; searches miss the write until the next
 *   scheduled refresh. A realtime GET by id (what authentication and the account lookup use) sees it
 *   at once [code: IndexServiceAccountTokenStore#authenticate uses GET, findTokensFor a search].
 */

export type RefreshPolicy = 'true' | 'false' | 'wait_for';

/** `index.refresh_interval` of the security index (SecuritySystemIndices [code]). */
export const DEFAULT_REFRESH_INTERVAL_MS = 1000;
/** `index.max_refresh_listeners` default (IndexSettings.MAX_REFRESH_LISTENERS_PER_SHARD [code]). */
export const MAX_REFRESH_LISTENERS = 1000;

export class SecurityIndexRefresh {
  /** sequence number of the last write, and of the last write a refresh made visible */
  private lastWrite = 0;
  private refreshed = 0;
  private listeners: Array<() => void> = [];
  private readonly timer: NodeJS.Timeout;
  private refreshCount = 0;

  constructor(readonly intervalMs = DEFAULT_REFRESH_INTERVAL_MS) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new Error(`refreshIntervalMs must be a positive integer, got ${intervalMs}`);
    this.timer = setInterval(() => this.scheduledRefresh(), intervalMs);
    this.timer.unref();
  }

  /** Called by a store for each write it makes; searches miss it until `isVisible(seq)`. */
  noteWrite(): number {
    this.lastWrite += 1;
    return this.lastWrite;
  }

  isVisible(seq: number): boolean {
    return seq <= this.refreshed;
  }

  /** refreshes done so far (scheduled, forced and too_many_listeners), for tests and counters */
  get refreshes(): number {
    return this.refreshCount;
  }

  /** `wait_for` writes waiting for a refresh */
  get waiting(): number {
    return this.listeners.length;
  }

  /** Makes every write so far visible to searches and releases the waiting `wait_for` writes. */
  refresh(): void {
    this.refreshed = this.lastWrite;
    this.refreshCount += 1;
    const released = this.listeners;
    this.listeners = [];
    for (const release of released) release();
  }

  /**
   * What a write's response waits for, called once the write is done: `false` nothing, `true` a
   * forced refresh, `wait_for` the next refresh that covers it (or a forced one past the listener limit).
   */
  async afterWrite(policy: RefreshPolicy): Promise<void> {
    if (policy === 'false') return;
    if (policy === 'true' || this.listeners.length >= MAX_REFRESH_LISTENERS) return this.refresh();
    if (this.isVisible(this.lastWrite)) return;
    await new Promise<void>((resolve) => this.listeners.push(resolve));
  }

  /** Stops the clock; waiting writes are released by a last refresh, so shutting down never hangs. */
  stop(): void {
    clearInterval(this.timer);
    this.refresh();
  }

  private scheduledRefresh(): void {
    if (this.listeners.length > 0 || this.lastWrite > this.refreshed) this.refresh();
  }
}

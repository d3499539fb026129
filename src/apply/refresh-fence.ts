/**
 * Which `refresh` each token write asks for (issue 16). Elasticsearch's create and delete token
 * APIs default to refresh=wait_for: each answer waits for the next refresh of the security index
 * (every 1 s), so N writes in a row cost N refreshes. What must see the writes:
 * - authentication, and the create's own 409: a realtime GET, which sees every write at once;
 * - the next plan (the credentials listing), and the account delete's leftover-token check: searches,
 *   which see a write only after a refresh.
 * The journal and `--wait` (file tokens on the nodes) do not read the security index.
 * So: every write of a cluster is sent with refresh=false, in parallel, and the cluster's last write
 * is held until all the others have answered and then sent with refresh=wait_for. Its refresh makes
 * every write before it visible (a refresh covers all operations indexed before it), so the cluster
 * pays one refresh wait in all, not one per write, and the apply returns only once a plan would see
 * it all. With token deletes, that last write is the last delete (before any account delete, whose
 * leftover-token check must see them); with creates only, the last create.
 * When no write can carry the wait (the last one failed, or was not started after Ctrl-C), `settle`
 * reads the listing until each write that was answered shows, bounded by SETTLE_LIMIT_MS.
 */
import type { ObservedAccount } from '../model.js';
import type { WriteOptions } from './apply-ports.js';

export const NO_REFRESH: WriteOptions = { refresh: 'false' };
export const WAIT_FOR_REFRESH: WriteOptions = { refresh: 'wait_for' };

/** A listing that still misses a write after this long will not be waited for any more. */
const SETTLE_LIMIT_MS = 5_000;
const SETTLE_POLL_MS = 100;

export interface ListingApi {
  getCredentials(principal: string): Promise<ObservedAccount>;
}

export class RefreshFence {
  /** token name -> whether the listing must show it (created) or not (deleted), per account */
  private readonly expected = new Map<string, Map<string, boolean>>();
  private isDirty = false;

  constructor(private readonly api: ListingApi) {}

  /** After each token write chain: what it asked for and, when answered, what the listing must show. */
  note(options: WriteOptions, principal: string, token: string, outcome: 'present' | 'absent' | 'unknown'): void {
    if (options.refresh === 'wait_for' && outcome !== 'unknown') {
      this.isDirty = false; // the carrier started after every other write had answered
      this.expected.clear();
      return;
    }
    this.isDirty = true;
    if (outcome === 'unknown') return;
    const tokens = this.expected.get(principal) ?? new Map<string, boolean>();
    tokens.set(token, outcome === 'present');
    this.expected.set(principal, tokens);
  }

  /** Resolves once a search sees every write answered so far (at once when the last write waited for it). */
  async settle(): Promise<void> {
    if (!this.isDirty) return;
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    for (const [principal, tokens] of this.expected) {
      while (Date.now() < deadline && !(await this.isVisible(principal, tokens))) await sleep(SETTLE_POLL_MS);
    }
    this.isDirty = false;
    this.expected.clear();
  }

  private async isVisible(principal: string, tokens: Map<string, boolean>): Promise<boolean> {
    try {
      const listed = new Set((await this.api.getCredentials(principal)).indexTokens);
      return [...tokens].every(([token, isPresent]) => listed.has(token) === isPresent);
    } catch {
      return true; // a cluster that cannot be read now is reported by the next plan, not waited for here
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a phase that ends a cluster's token writes: every item but the last at once (within the
 * bound, refresh=false), then the last with refresh=wait_for, once the others have answered.
 */
export async function runFencedPhase<T>(items: readonly T[], runAll: (items: readonly T[], options: WriteOptions) => Promise<void>): Promise<void> {
  if (items.length === 0) return;
  await runAll(items.slice(0, -1), NO_REFRESH);
  await runAll(items.slice(-1), WAIT_FOR_REFRESH);
}

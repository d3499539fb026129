/**
 * Index tokens (the `.security` documents of spec section 1.3), persisted as one JSON file written
 * atomically. Holds only {principal, name, hash}: never a secret. Mutations are serialised so that
 * "exists?" and "change" cannot interleave (op_type=create semantics -> 409); the file writes of
 * concurrent mutations are grouped (see durable()).
 */
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';
import { SecurityIndexRefresh } from './refresh/security-index-refresh.js';
import { UnrefreshedWrites } from './refresh/unrefreshed-writes.js';

export interface IndexToken {
  principal: string;
  name: string;
  hash: string;
}

interface StoreFile {
  formatVersion: 1;
  tokens: IndexToken[];
}

function keyOf(principal: string, name: string): string {
  return `${principal}/${name}`;
}

export class IndexTokenStore {
  private readonly tokens = new Map<string, IndexToken>();
  /** what the search-based listing still sees of writes since the last refresh (refresh/) */
  private readonly unrefreshed: UnrefreshedWrites<IndexToken>;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly file: string, clock: SecurityIndexRefresh) {
    this.unrefreshed = new UnrefreshedWrites(clock);
  }

  /** `clock`: the security index's refresh; the tokens on disk count as refreshed. */
  static async open(file: string, clock = new SecurityIndexRefresh()): Promise<IndexTokenStore> {
    const store = new IndexTokenStore(file, clock);
    const text = await readTextIfExists(file);
    const parsed = text === null ? { tokens: [] } : (JSON.parse(text) as StoreFile);
    for (const token of parsed.tokens) store.tokens.set(keyOf(token.principal, token.name), token);
    return store;
  }

  get size(): number {
    return this.tokens.size;
  }

  /**
   * Realtime GET by id (what authentication uses): Elasticsearch's IndexServiceAccountTokenStore#doAuthenticate
   * reads the token's document with client.prepareGet (a GET, realtime by default), not a search, so a token
   * created with refresh=false authenticates at once (test/emulator/conformance/refresh.test.ts); escred's
   * verified rotation relies on it and waits for no refresh (src/apply/verify-stored-token.ts).
   */
  get(principal: string, name: string): IndexToken | undefined {
    return this.tokens.get(keyOf(principal, name));
  }

  /**
   * Search-based listing as of the last refresh (a token made since is missing, one deleted since
   * still there): names sorted by Java String.compareTo (UTF-16 code units, as JS sorts).
   */
  list(principal: string): string[] {
    const names = new Set<string>();
    for (const [key, token] of this.tokens) {
      if (token.principal === principal && this.unrefreshed.searched(key, token)) names.add(token.name);
    }
    for (const key of this.unrefreshed.keys()) {
      const seen = this.tokens.has(key) ? undefined : this.unrefreshed.searched(key, undefined);
      if (seen?.principal === principal) names.add(seen.name);
    }
    return [...names].sort();
  }

  /** false when the document already exists (-> 409). */
  async create(token: IndexToken): Promise<boolean> {
    const key = keyOf(token.principal, token.name);
    const isCreated = await this.serialised(async () => {
      if (this.tokens.has(key)) return false;
      this.tokens.set(key, { principal: token.principal, name: token.name, hash: token.hash });
      this.unrefreshed.note(key, undefined);
      return true;
    });
    if (isCreated) await this.durable(() => this.tokens.delete(key));
    return isCreated;
  }

  /** false when there was nothing to delete (-> 404 found:false). */
  async delete(principal: string, name: string): Promise<boolean> {
    const key = keyOf(principal, name);
    const existing = await this.serialised(async () => {
      const found = this.tokens.get(key);
      if (!found) return undefined;
      this.tokens.delete(key);
      this.unrefreshed.note(key, found);
      return found;
    });
    if (existing) await this.durable(() => this.tokens.set(key, existing));
    return existing !== undefined;
  }

  /** Resolves when every queued mutation has finished and is on disk (used by stop()). */
  async settle(): Promise<void> {
    await this.queue.catch(() => undefined);
    await (this.nextPersist ?? this.runningPersist)?.catch(() => undefined);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Group commit, as Elasticsearch's translog with `index.translog.durability: request`: a write is
   * answered once a file write that began after it finished, and concurrent writes share one
   * (instead of one whole-file rewrite and two fsyncs each, one after the other). A failed write
   * undoes the change.
   */
  private async durable(undo: () => void): Promise<void> {
    try {
      await this.persistSoon();
    } catch (error) {
      undo();
      throw error;
    }
  }

  private runningPersist: Promise<void> | undefined;
  private nextPersist: Promise<void> | undefined;

  private persistSoon(): Promise<void> {
    if (this.nextPersist) return this.nextPersist;
    const next = (async () => {
      await this.runningPersist?.catch(() => undefined);
      this.nextPersist = undefined;
      this.runningPersist = this.persist();
      await this.runningPersist;
    })();
    this.nextPersist = next;
    return next;
  }

  private async persist(): Promise<void> {
    const content: StoreFile = { formatVersion: 1, tokens: [...this.tokens.values()] };
    await writeFileAtomic(this.file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  }
}

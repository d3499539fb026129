/**
 * Ordinary indices of the emulated cluster (issue 15): one primary shard each, documents with
 * `_seq_no`, `_primary_term` and `_version` as Elasticsearch's InternalEngine keeps them, persisted
 * as one JSON file written atomically (as index-token-store.ts does). Operations on the store are
 * serialised, so "compare" and "write" never interleave: the engine's per-id lock, made global.
 *
 * Facts (Elasticsearch source and YAML REST tests, read through the search tool):
 * - the first operation of a new index gets seq_no 0, every index and delete operation takes the
 *   next one, a delete of a missing document too (delete/20_cas.yml: index -> 0, delete -> 1;
 *   a real `result: not_found` answer carries a fresh `_seq_no`). A rejected operation (409) takes none.
 * - primary term 1 for a new index (delete/20_cas.yml deletes with if_primary_term 1).
 * - `_version` starts at 1 and grows by one per write (index/20_optype.yml: create then index -> 2;
 *   delete/11_shard_header.yml: index then delete -> 2). A delete leaves a tombstone that keeps
 *   the version for index.gc_deletes (60 s), so a re-created document continues the count.
 */
import { readTextIfExists } from '../../support/read-text-if-exists.js';
import { writeFileAtomic } from '../../support/write-file-atomic.js';
import { randomId } from '../ids.js';

export interface StoredDocument {
  source: unknown;
  seqNo: number;
  primaryTerm: number;
  version: number;
}

export interface StoredIndex {
  uuid: string;
  primaryTerm: number;
  /** the seq_no the next operation gets */
  nextSeqNo: number;
  docs: Record<string, StoredDocument>;
}

interface StoreFile {
  formatVersion: 1;
  indices: Record<string, StoredIndex>;
}

/** index.gc_deletes default (IndexSettings.DEFAULT_GC_DELETES). */
export const GC_DELETES_MS = 60_000;

interface Tombstone {
  version: number;
  deletedAt: number;
}

export class DocumentStore {
  private readonly indices = new Map<string, StoredIndex>();
  /** [unsure] kept in memory only: ES keeps tombstones in its version map, lost on restart too */
  private readonly tombstones = new Map<string, Tombstone>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<DocumentStore> {
    const store = new DocumentStore(file);
    const text = await readTextIfExists(file);
    const parsed: StoreFile = text === null ? { formatVersion: 1, indices: {} } : (JSON.parse(text) as StoreFile);
    for (const [name, index] of Object.entries(parsed.indices)) store.indices.set(name, index);
    return store;
  }

  index(name: string): StoredIndex | undefined {
    return this.indices.get(name);
  }

  /** Realtime GET by id. */
  get(indexName: string, id: string): StoredDocument | undefined {
    return this.indices.get(indexName)?.docs[id];
  }

  /**
   * Runs `work` alone (no other operation of this store in between), with the index created
   * first when `autoCreate` is set, and persists what it changed. A throw changes nothing.
   */
  transact<R>(indexName: string, autoCreate: boolean, work: (index: StoredIndex | undefined, next: WriteHelpers) => R): Promise<R> {
    return this.serialised(async () => {
      const before = this.snapshot();
      let index = this.indices.get(indexName);
      if (!index && autoCreate) {
        index = { uuid: randomId(), primaryTerm: 1, nextSeqNo: 0, docs: {} };
        this.indices.set(indexName, index);
      }
      try {
        const result = work(index, this.helpers(indexName));
        await this.persist();
        return result;
      } catch (error) {
        this.restore(before);
        throw error;
      }
    });
  }

  async settle(): Promise<void> {
    await this.queue.catch(() => undefined);
  }

  private helpers(indexName: string): WriteHelpers {
    return {
      nextVersion: (id, current) => {
        if (current) return current.version + 1;
        const tombstone = this.tombstones.get(`${indexName}/${id}`);
        return tombstone && Date.now() - tombstone.deletedAt < GC_DELETES_MS ? tombstone.version + 1 : 1;
      },
      bury: (id, version) => this.tombstones.set(`${indexName}/${id}`, { version, deletedAt: Date.now() }),
    };
  }

  private snapshot(): string {
    return JSON.stringify(Object.fromEntries(this.indices));
  }

  private restore(snapshot: string): void {
    this.indices.clear();
    for (const [name, index] of Object.entries(JSON.parse(snapshot) as Record<string, StoredIndex>)) this.indices.set(name, index);
  }

  private async persist(): Promise<void> {
    const content: StoreFile = { formatVersion: 1, indices: Object.fromEntries(this.indices) };
    await writeFileAtomic(this.file, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  }

  private serialised<R>(work: () => Promise<R>): Promise<R> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export interface WriteHelpers {
  /** the `_version` the next write of `id` gets */
  nextVersion(id: string, current: StoredDocument | undefined): number;
  /** remembers a deleted document's version for gc_deletes */
  bury(id: string, version: number): void;
}

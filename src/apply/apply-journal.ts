import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenKey } from '../plan/plan-types.js';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { tokenKey } from '../plan/build-plan.js';

/**
 * Write-ahead intents: a key is recorded (durably) before its create call and removed once the
 * value is in the sink. A key left behind means a process died in between: the token may exist
 * while its value exists nowhere, so the next plan replaces it. Writes are serialised.
 */
export class ApplyJournal {
  private pending = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<ApplyJournal> {
    const journal = new ApplyJournal(path);
    try {
      const data = JSON.parse(await readFile(path, 'utf8')) as { pending?: string[] };
      journal.pending = new Set(data.pending ?? []);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return journal;
  }

  pendingKeys(): Set<string> {
    return new Set(this.pending);
  }

  begin(key: TokenKey): Promise<void> {
    return this.update(() => this.pending.add(tokenKey(key)));
  }

  finish(key: TokenKey): Promise<void> {
    return this.update(() => this.pending.delete(tokenKey(key)));
  }

  /** drops intents that turned out harmless (the sink has the value, or the token does not exist) */
  settle(keys: Iterable<string>): Promise<void> {
    return this.update(() => {
      for (const key of keys) this.pending.delete(key);
    });
  }

  private update(change: () => unknown): Promise<void> {
    this.chain = this.chain.then(async () => {
      change();
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      await writeFileAtomic(this.path, JSON.stringify({ pending: [...this.pending].sort() }) + '\n', { mode: 0o600 });
    });
    return this.chain;
  }
}

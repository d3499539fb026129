import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenKey } from '../plan/plan-types.js';
import type { IntentJournal } from './apply-ports.js';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { tokenKey } from '../plan/build-plan.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';

/**
 * Write-ahead intents: a key is recorded (durably) before its create call and removed once the
 * value is in the sink. A key left behind means a process died in between: the token may exist
 * while its value exists nowhere, so the next plan replaces it. Writes are serialised and grouped.
 */
export class ApplyJournal implements IntentJournal {
  private pending = new Set<string>();
  private inFlight: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  private constructor(private readonly path: string) {}

  static async open(path: string): Promise<ApplyJournal> {
    const journal = new ApplyJournal(path);
    const text = await readTextIfExists(path);
    if (text !== null) journal.pending = new Set((JSON.parse(text) as { pending?: string[] }).pending ?? []);
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

  /**
   * Group commit: a change is made in memory at once, and every change made while a write is in
   * flight shares the next write (one fsync for many creates at concurrency N). Each caller's
   * promise resolves once a write holding its change is durable.
   */
  private update(change: () => unknown): Promise<void> {
    change();
    if (!this.queued) {
      this.queued = this.inFlight.then(() => {
        this.queued = null; // changes from now on need a later write
        return this.write();
      });
      this.inFlight = this.queued.catch(() => undefined);
    }
    return this.queued;
  }

  private async write(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, JSON.stringify({ pending: [...this.pending].sort() }) + '\n', { mode: 0o600 });
  }
}

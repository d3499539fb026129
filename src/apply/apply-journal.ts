import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TokenKey } from '../plan/plan-types.js';
import type { IntentJournal } from './apply-ports.js';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { tokenKey } from '../plan/build-plan.js';
import { readTextIfExists } from '../support/read-text-if-exists.js';
import { EscredError } from '../errors.js';

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
    if (text !== null) journal.pending = new Set(parseJournal(path, text));
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

/**
 * The pending keys of a journal file. A corrupt one (a disk that filled up, a hand edit) is an error
 * naming the file and what to do: guessing would either forget an intent, and with it a token whose
 * value nobody has, or invent one, and replace a token that is fine.
 */
function parseJournal(path: string, text: string): string[] {
  let why: string;
  try {
    const data = JSON.parse(text) as unknown;
    const pending = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { pending?: unknown }).pending ?? [] : undefined;
    if (Array.isArray(pending) && pending.every((key) => typeof key === 'string')) return pending as string[];
    why = 'it is not {"pending": [<cluster/namespace/service/token>, ...]}';
  } catch (error) {
    why = `it is not valid JSON (${(error as Error).message})`;
  }
  throw new EscredError('ESCRED_JOURNAL_CORRUPT',
    `apply journal ${path} cannot be read: ${why}. It lists the tokens whose create was started but whose value may not ` +
    'have reached the secret sink. Repair it, or delete it: the next plan then warns about every declared token whose value ' +
    'the sink lacks (ESCRED_SECRET_NOT_IN_SINK), and escred rotate replaces such a token; a sink that cannot list cannot ' +
    'tell, so with one of those repair the file');
}

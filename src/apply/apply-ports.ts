/**
 * What apply needs from the world, as interfaces: the cluster calls (a ClusterConnection provides
 * them), the intent journal (the local ApplyJournal, or lease/'s LeasedJournal), the secret sink.
 * In a file of their own so that apply-plan.ts and the steps it calls (create-token, audited-calls,
 * refresh-fence) import them without importing each other.
 */
import type { WriteOptions } from '../cluster/cluster-connection.js';
import type { ObservedAccount } from '../model.js';
import type { TokenKey } from '../plan/plan-types.js';
import type { SecretSink } from '../sinks/secret-sink.js';
import type { AccountApi } from './apply-accounts.js';
import type { AuditLog } from './audit-log.js';
import type { ChangeEntry } from './change-set.js';

export type { WriteOptions } from '../cluster/cluster-connection.js';

/** The calls apply makes; a ClusterConnection provides them (account calls: user-managed accounts, 9.6+). */
export interface TokenApi extends Partial<AccountApi> {
  createToken(principal: string, name: string, options?: WriteOptions): Promise<{ name: string; value: string }>;
  deleteToken(principal: string, name: string, options?: WriteOptions): Promise<{ found: boolean }>;
  getCredentials(principal: string): Promise<ObservedAccount>;
}

/**
 * Write-ahead intents (see apply-journal.ts): a key is begun before its create call and finished
 * once its value is in the sink. The local ApplyJournal, or a LeasedJournal (issue 15).
 */
export interface IntentJournal {
  begin(key: TokenKey): Promise<void>;
  finish(key: TokenKey): Promise<void>;
  /** keys (`cluster/principal/token`) begun and not finished */
  pendingKeys(): Set<string>;
  /** drops intents that turned out harmless */
  settle(keys: Iterable<string>): Promise<void>;
}

export interface ApplyContext {
  apis: ReadonlyMap<string, TokenApi>;
  sink: SecretSink;
  /** the local journal, or a LeasedJournal keeping leased clusters' intents in their lease (issue 15) */
  journal: IntentJournal;
  audit: AuditLog;
  /** token calls in flight at once in the whole apply, across clusters (`--parallelism`) */
  concurrency: number;
  onChange?: (entry: ChangeEntry) => void;
  /**
   * Once aborted (a first Ctrl-C), no new action starts; the ones under way finish, values to the
   * sink included. What did not start is recorded as skipped with NOT_STARTED_DETAIL.
   */
  stopSignal?: AbortSignal;
}

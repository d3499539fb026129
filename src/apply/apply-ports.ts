/**
 * apply/'s ports: what it needs from a cluster connection and what it is given to carry a plan out.
 * A ClusterConnection provides TokenApi; apply code itself only ever holds the WriteGate over it.
 */
import type { BearerIdentity } from '../cluster/authenticate-bearer.js';
import type { WriteOptions } from '../cluster/write-options.js';
import type { ObservedAccount, UserManagedAccountSpec } from '../model.js';
import type { ApplyJournal } from './apply-journal.js';
import type { AuditLog } from './audit-log.js';
import type { ChangeEntry } from './change-set.js';
import type { SecretSink } from './secret-sink.js';
import type { WriteGate } from './write-gate.js';

export type { WriteOptions } from '../cluster/write-options.js';

/** The user-managed account calls (Elasticsearch 9.6+). */
export interface AccountApi {
  /** PUT: create or replace; `created: false` is success (the account existed) */
  putUserManagedAccount(principal: string, spec: UserManagedAccountSpec): Promise<{ created: boolean }>;
  /** DELETE without force; 404 {found:false} is an answer */
  deleteUserManagedAccount(principal: string): Promise<{ found: boolean }>;
}

/** The calls apply makes, through the gate; a ClusterConnection provides them. */
export interface TokenApi extends Partial<AccountApi> {
  createToken(principal: string, name: string, options?: WriteOptions): Promise<{ name: string; value: string }>;
  deleteToken(principal: string, name: string, options?: WriteOptions): Promise<{ found: boolean }>;
  getCredentials(principal: string): Promise<ObservedAccount>;
  /** GET /_security/_authenticate as this bearer (verified rotation); absent on a port that cannot */
  authenticateBearer?(bearer: string): Promise<BearerIdentity>;
}

export interface ApplyContext {
  /** the only road to the clusters: every create, delete and account write is judged there */
  gate: WriteGate;
  sink: SecretSink;
  /** the local journal, or a LeasedJournal keeping leased clusters' intents in their lease (issue 15) */
  journal: Pick<ApplyJournal, 'begin' | 'finish' | 'pendingKeys' | 'settle'>;
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

/**
 * apply/'s ports: what it needs from a cluster connection (a ClusterConnection provides TokenApi;
 * apply code itself only ever holds the WriteGate over it) and from the intent journal (the local
 * ApplyJournal, or lease/'s LeasedJournal). In a file of their own so that apply-plan.ts, the steps
 * it calls and the write gate import them without importing each other.
 */
import type { BearerIdentity } from '../cluster/authenticate-bearer.js';
import type { WriteOptions } from '../cluster/write-options.js';
import type { ObservedAccount, UserManagedAccountSpec } from '../model.js';
import type { TokenKey } from '../plan/plan-types.js';

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

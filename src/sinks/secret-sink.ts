/**
 * The port every secret sink implements (the directory and exec sinks in apply/), down here so that
 * apply/, file-tokens/ and reconcile/ all see it without importing each other.
 */
import type { TokenKey } from '../plan/plan-types.js';

export interface SinkSecret {
  key: TokenKey;
  /** 'index': made by the create API; 'file': a service_tokens line escred rendered */
  kind: 'index' | 'file';
  /** the bearer value; the only place it ever goes */
  value: string;
}

/** Where new token values go, the moment they exist. */
export interface SecretSink {
  describe(): string;
  /** fails before any cluster write when the sink cannot take secrets */
  check(): Promise<void>;
  /** resolves once the value is durable */
  store(secret: SinkSecret): Promise<void>;
  /** the token was deleted: drop its stale value */
  forget(key: TokenKey): Promise<void>;
  /** keys (`cluster/principal/token`) the sink holds, or null when it cannot tell */
  listKeys(): Promise<Set<string> | null>;
  /** the stored value, for file tokens whose line must match it; null when absent or unreadable */
  read(key: TokenKey): Promise<string | null>;
}

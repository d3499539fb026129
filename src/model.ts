/**
 * The data that flows between the layers (see shared/design.md):
 * manifest --load--> DesiredState;  cluster --observe--> ObservedCluster;  both --buildPlan--> Plan.
 * Plain data only: no classes, no functions, so it can be compared, snapshotted and saved.
 */

/** Where something was written in a manifest file; 1-based line and column. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
}

/** A secret is never written inline in a manifest: it comes from an environment variable or a file. */
export type SecretRef = { env: string } | { file: string };

export type AuthConfig =
  | { kind: 'apiKey'; apiKey: SecretRef }
  | { kind: 'basic'; username: string; password: SecretRef }
  | { kind: 'bearer'; token: SecretRef };

export interface TlsConfig {
  /** absolute path of a PEM CA bundle */
  caFile?: string;
  /** SHA-256 of the CA (or leaf) certificate, hex, lower case, no colons */
  caFingerprint?: string;
  /** verification off: only by explicit opt-in */
  isInsecure: boolean;
}

/** Where new token values go, the moment they exist. */
export type SecretSinkConfig =
  | { kind: 'directory'; directory: string }
  | { kind: 'exec'; command: string[] };

export interface RotationPolicy {
  /** milliseconds */
  everyMs: number;
  /** milliseconds the previous generation stays valid after a new one exists */
  overlapMs: number;
}

export interface DesiredToken {
  name: string;
  rotate?: RotationPolicy;
  source: SourceRef;
}

export interface DesiredFileToken {
  name: string;
  /** '*' = every node of the cluster */
  nodes: '*' | string[];
  rotate?: RotationPolicy;
  /** set on the concrete generations a rotated token is realised as (see realise-file-tokens.ts): its declared name */
  generationOf?: string;
  source: SourceRef;
}

export type PrunePolicy = 'none' | 'owned';

/** A user-managed service account itself (Elasticsearch 9.6+): any namespace but `elastic`. */
export interface UserManagedAccountSpec {
  /** sorted, distinct: Elasticsearch stores them so, and they compare as a set */
  roles: string[];
  isEnabled: boolean;
  /**
   * Desired: undefined when the manifest does not declare one (escred then sends back what the cluster has).
   * Observed and written: undefined is none; `""` is a description (Elasticsearch keeps the two apart).
   */
  description?: string;
  /**
   * Written: fields the cluster reported that escred neither manages nor knows as read-only, sent back as they
   * were, because a PUT replaces the account wholesale (issue 22). Observed: the same, as read.
   */
  keptFields?: Record<string, unknown>;
}

/**
 * A user-managed account as the manifest declares it: `isEnabled` undefined when `enabled` is left
 * out, so that escred never changes the flag a person set (issue 22: a field the manifest does not
 * declare is kept as the cluster reports it; a new account is created enabled, as Elasticsearch does).
 */
export type DesiredUserManagedSpec = Omit<UserManagedAccountSpec, 'isEnabled' | 'keptFields'> & { isEnabled?: boolean };

/** Who wrote a user-managed account, as the cluster reports it (Elasticsearch 9.6+: `creator`, `editor`). */
export interface AccountAuthor {
  principal: string;
  fullName?: string;
  email?: string;
  realm: string;
  realmType: string;
  apiKey?: { id: string; name?: string };
}

/** Which user-managed accounts (the accounts, not their tokens) a cluster's manifest owns. */
export interface AccountOwnership {
  prune: PrunePolicy;
  /** glob patterns of `namespace/service` principals */
  owns: string[];
  protect: string[];
}

export interface DesiredAccount {
  /** "namespace/service", e.g. "elastic/fleet-server" */
  principal: string;
  namespace: string;
  service: string;
  prune: PrunePolicy;
  /** glob patterns (only `*` is special) of index-token names this manifest owns */
  owns: string[];
  /** glob patterns of token names never deleted, even after they leave the manifest */
  protect: string[];
  tokens: DesiredToken[];
  fileTokens: DesiredFileToken[];
  /** set for user-managed accounts: escred creates and updates the account itself */
  userManaged?: DesiredUserManagedSpec;
  /** the manifest's `onValueLost`: a declared plain token whose value the sink lost is replaced; absent: `warn` */
  onValueLost?: 'warn' | 'replace';
  source: SourceRef;
}

export interface DesiredCluster {
  name: string;
  /** one or more base URLs, tried in order (failover) */
  urls: string[];
  clusterUuid?: string;
  auth: AuthConfig;
  tls: TlsConfig;
  /** largest number of deletions one apply may make on this cluster */
  maxDeletions: number;
  /** the manifest's `timeout`: the longest one call to this cluster may take, retries included */
  timeoutMs?: number;
  /** the manifest's `policy` (the cluster's own, else its file's); absent: no audit rules */
  policy?: AuditPolicy;
  /** the manifest's `lease` (issue 15); absent: leases on, with the defaults */
  lease?: LeaseConfig;
  serviceAccounts: DesiredAccount[];
  userManagedAccounts: AccountOwnership;
  source: SourceRef;
}

/** The manifest's `policy:` (issue 23 §3): audit rules `escred report` turns into violations. */
export interface AuditPolicy {
  /** no token older than this, where its age is known */
  maxAgeMs?: number;
  /** every declared index token rotates, and no current generation is overdue */
  requireRotation: boolean;
  /** no unowned index token in a declared account */
  forbidUnowned: boolean;
}

/** `off`, or the lease index and duration (defaults in src/lease/lease-manager.ts when absent) */
export type LeaseConfig = 'off' | { index?: string; durationMs?: number };

export interface DesiredState {
  secrets: SecretSinkConfig;
  clusters: DesiredCluster[];
  /** the manifest files that were read, absolute paths, sorted */
  files: string[];
}

/** What the credentials API reported for one account (spec section 4). */
export interface ObservedAccount {
  principal: string;
  /** names of index-backed tokens */
  indexTokens: string[];
  /** file-token name -> names of the nodes that reported it */
  fileTokens: Record<string, string[]>;
  nodes: ObservedNodesHeader;
  /**
   * 'nodes': 7.15+ `nodes_credentials`, file tokens from every answering node;
   * 'local': 7.13-7.14 flat format, file tokens of `localNode` only.
   */
  format: 'nodes' | 'local';
  localNode?: string;
}

export interface ObservedNodesHeader {
  total: number;
  successful: number;
  failed: number;
  /** node ids (and reasons) of nodes that failed to answer: their file tokens are unknown, not absent */
  failures: { nodeId: string; reason: string }[];
}

export interface ObservedNode {
  id: string;
  name: string;
}

export interface ObservedCluster {
  name: string;
  clusterUuid: string;
  clusterName: string;
  version: string;
  /** null when the node list was not needed (no file tokens declared) or could not be read */
  nodes: ObservedNode[] | null;
  /** built-in accounts the cluster has (GET /_security/service), or null when not read */
  accounts: string[] | null;
  serviceAccounts: ObservedAccount[];
  /** read only when the manifest declares or owns user-managed accounts */
  userManaged?: ObservedUserManaged;
}

export interface ObservedUserManagedAccount extends UserManagedAccountSpec {
  principal: string;
  /** absent on clusters that do not record attribution */
  creator?: AccountAuthor;
  /** epoch ms */
  createdAt?: number;
  /** absent until the account is first replaced */
  editor?: AccountAuthor;
  editedAt?: number;
}

/** Who escred's credentials are on a cluster (`_authenticate`): tells escred's own edits from a person's. */
export interface CredentialIdentity {
  principal: string;
  /** the effective user's realm, as an account's `editor.realm` records it */
  realm: string;
  /** set when the credentials are an API key: an edit through it names the key's owner and the key */
  apiKeyId?: string;
}

export interface ObservedUserManaged {
  /** the query API's pages where the cluster has it, else GET /_security/service?type=user_managed */
  accounts: ObservedUserManagedAccount[];
  /** declared roles the cluster does not have; null when the credentials may not read roles */
  missingRoles: string[] | null;
  /** whether the credentials hold manage_security (needed for every write); null when the cluster cannot tell */
  canManageSecurity: boolean | null;
  /** who escred's credentials are; null or absent when not known */
  self?: CredentialIdentity | null;
}

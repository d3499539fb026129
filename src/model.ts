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
  userManaged?: UserManagedAccountSpec;
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
}

export interface ObservedUserManaged {
  /** GET /_security/service?type=user_managed */
  accounts: ObservedUserManagedAccount[];
  /** declared roles the cluster does not have; null when the credentials may not read roles */
  missingRoles: string[] | null;
  /** whether the credentials hold manage_security (needed for every write); null when the cluster cannot tell */
  canManageSecurity: boolean | null;
}

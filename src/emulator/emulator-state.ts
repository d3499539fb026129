/** The shared, mutable state of one emulated cluster, handed to every route. */
import type { AuthContext } from './auth.js';
import type { FaultInjector } from './fault-injector.js';
import type { NodeFileTokens } from './node-file-tokens.js';
import type { StoredRole } from './security/native-roles.js';
import type { UserDirectory } from './security/native-users.js';
import type { RecordStore } from './security/record-store.js';
import type { SecurityIndexRefresh } from './refresh/security-index-refresh.js';

export interface EmulatorNode {
  id: string;
  name: string;
  files: NodeFileTokens;
}

export interface EmulatorState extends AuthContext {
  clusterName: string;
  clusterUuid: string;
  securityIndexUuid: string;
  nodes: EmulatorNode[];
  faults: FaultInjector;
  users: UserDirectory;
  roles: RecordStore<StoredRole>;
  /** the security index's refresh clock: what `refresh=wait_for|true|false` writes wait for */
  securityRefresh: SecurityIndexRefresh;
  /** the security index exists once a document was written to it (health reports its shards) */
  hasSecurityIndex(): boolean;
}

/**
 * The node that handles REST requests: the first node that is not failing. Deterministic on
 * purpose, so a test knows whose service_tokens file authenticates a bearer token.
 */
export function coordinatingNode(state: Pick<EmulatorState, 'nodes' | 'faults'>): EmulatorNode | undefined {
  return state.nodes.find((node) => !state.faults.isNodeFailing(node.name));
}

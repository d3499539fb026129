import type { DesiredFileToken, ObservedAccount, ObservedCluster } from '../model.js';
import type { FileTokenDrift, PlanWarning } from './plan-types.js';

export interface NodeKnowledge {
  /** every node name of the cluster, or null when the node list could not be read */
  allNodes: string[] | null;
  /** nodes whose file tokens were reported (answered), or null when unknown */
  answered: Set<string> | null;
  /** nodes that failed to answer or were not asked */
  unknown: Set<string>;
}

/**
 * What we know about each node for one account. A failed node is unknown, never absent; with the
 * pre-7.15 flat format only the node that handled the request reported its file tokens.
 */
export function nodeKnowledge(cluster: ObservedCluster, account: ObservedAccount): NodeKnowledge {
  const allNodes = cluster.nodes?.map((n) => n.name) ?? null;
  const nameOf = new Map(cluster.nodes?.map((n) => [n.id, n.name]) ?? []);
  const failed = new Set(account.nodes.failures.map((f) => nameOf.get(f.nodeId) ?? f.nodeId));
  if (account.format === 'local') {
    const local = account.localNode;
    const answered = new Set(local ? [local] : []);
    return { allNodes, answered, unknown: new Set((allNodes ?? []).filter((n) => !answered.has(n))) };
  }
  if (!allNodes) return { allNodes, answered: null, unknown: failed };
  return { allNodes, answered: new Set(allNodes.filter((n) => !failed.has(n))), unknown: failed };
}

export function planFileTokenDrift(
  principal: string,
  declared: DesiredFileToken,
  presentOn: readonly string[],
  knowledge: NodeKnowledge,
  answeredCount: number,
): { drift?: FileTokenDrift; warning?: PlanWarning } {
  const present = new Set(presentOn);
  if (!knowledge.allNodes || !knowledge.answered) {
    // Without node names we can only compare counts (the credentials API does not name nodes lacking a token).
    if (declared.nodes === '*' && present.size < answeredCount) {
      return { warning: { principal, token: declared.name, code: 'ESCRED_NODE_LIST_UNAVAILABLE',
        message: `file token ${declared.name} is on ${present.size} of ${answeredCount} answering nodes; ` +
          'the node list could not be read (needs the monitor privilege), so the nodes lacking it cannot be named' } };
    }
    if (declared.nodes === '*') return {};
  }
  const expected = declared.nodes === '*' ? (knowledge.allNodes ?? []) : declared.nodes;
  const expectedSet = new Set(expected);
  const isAnswered = (node: string) => (knowledge.answered ? knowledge.answered.has(node) : !knowledge.unknown.has(node));
  const drift: FileTokenDrift = {
    principal,
    token: declared.name,
    missingOn: expected.filter((n) => isAnswered(n) && !present.has(n)).sort(),
    unexpectedOn: [...present].filter((n) => !expectedSet.has(n)).sort(),
    unknownOn: expected.filter((n) => !isAnswered(n) && !present.has(n)).sort(),
  };
  const hasDrift = drift.missingOn.length + drift.unexpectedOn.length + drift.unknownOn.length > 0;
  return hasDrift ? { drift } : {};
}

/**
 * The `_nodes` header of nodes responses (RestActions.buildNodesHeader), with failures rendered as
 * FailedNodeException (spec sections 4.1 and 4.3).
 */
import { causeToJson } from '../es-errors.js';
import type { EmulatorNode, EmulatorState } from '../emulator-state.js';

export interface NodesFanOut {
  answered: EmulatorNode[];
  header: Record<string, unknown>;
}

export function fanOut(state: EmulatorState, transportAction: string): NodesFanOut {
  const answered = state.nodes.filter((node) => !state.faults.isNodeFailing(node.name));
  const failed = state.nodes.filter((node) => state.faults.isNodeFailing(node.name));
  const header: Record<string, unknown> = { total: state.nodes.length, successful: answered.length, failed: failed.length };
  if (failed.length > 0) {
    header.failures = failed.map((node) =>
      causeToJson({
        type: 'failed_node_exception',
        reason: `Failed node [${node.id}]`,
        metadata: { node_id: node.id },
        causedBy: {
          type: 'node_disconnected_exception',
          reason: `[${node.name}][127.0.0.1:${9300 + state.nodes.indexOf(node)}][${transportAction}] disconnected`,
        },
      }),
    );
  }
  return { answered, header };
}

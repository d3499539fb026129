import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { ObservedAccount } from '../../src/model.js';
import type { DesiredFileToken } from '../../src/model.js';
import {
  desiredAccount, desiredCluster, desiredFileToken, desiredState, observedAccount, observedCluster,
} from '../support/state-builders.js';

const KIBANA = 'elastic/kibana';

function drift(fileTokens: DesiredFileToken[], observed: Partial<ObservedAccount>, nodes = true, prune = false) {
  const account = desiredAccount(KIBANA, { fileTokens, ...(prune ? { prune: 'owned' as const, owns: ['ft-*'] } : {}) });
  const desired = desiredState([desiredCluster('prod', [account])]);
  const cluster = observedCluster('prod', [observedAccount(KIBANA, observed)], nodes ? {} : { nodes: null });
  const plan = buildPlan(desired, [cluster], { nowMs: 0 });
  return { drift: plan.clusters[0]!.fileTokenDrift, warnings: plan.clusters[0]!.warnings, summary: plan.summary };
}

const failedNode1 = { total: 3, successful: 2, failed: 1, failures: [{ nodeId: 'id1', reason: 'boom' }] };

describe('file-token drift per node', () => {
  it.each<{ case: string; tokens: DesiredFileToken[]; observed: Partial<ObservedAccount>; expected: unknown[]; realDrift: number }>([
    {
      case: 'in sync on every node', tokens: [desiredFileToken('bootstrap')],
      observed: { fileTokens: { bootstrap: ['node-0', 'node-1', 'node-2'] } },
      expected: [], realDrift: 0,
    },
    {
      case: 'missing on one node', tokens: [desiredFileToken('bootstrap')],
      observed: { fileTokens: { bootstrap: ['node-0', 'node-2'] } },
      expected: [{ principal: KIBANA, token: 'bootstrap', missingOn: ['node-1'], unexpectedOn: [], unknownOn: [] }], realDrift: 1,
    },
    {
      case: 'a failed node is unknown, never absent', tokens: [desiredFileToken('bootstrap')],
      observed: { fileTokens: { bootstrap: ['node-0', 'node-2'] }, nodes: failedNode1 },
      expected: [{ principal: KIBANA, token: 'bootstrap', missingOn: [], unexpectedOn: [], unknownOn: ['node-1'] }], realDrift: 0,
    },
    {
      case: 'present on a node it is not declared for', tokens: [desiredFileToken('bootstrap', ['node-0'])],
      observed: { fileTokens: { bootstrap: ['node-0', 'node-2'] } },
      expected: [{ principal: KIBANA, token: 'bootstrap', missingOn: [], unexpectedOn: ['node-2'], unknownOn: [] }], realDrift: 1,
    },
    {
      case: 'pre-7.15 flat format: only the local node is known',
      tokens: [desiredFileToken('bootstrap')],
      observed: { format: 'local' as const, localNode: 'node-1', fileTokens: {} },
      expected: [{ principal: KIBANA, token: 'bootstrap', missingOn: ['node-1'], unexpectedOn: [], unknownOn: ['node-0', 'node-2'] }],
      realDrift: 1,
    },
  ])('$case', ({ tokens, observed, expected, realDrift }) => {
    const result = drift(tokens, observed);
    expect(result.drift).toEqual(expected);
    expect(result.summary.fileTokenDrift).toBe(realDrift);
  });

  it('reports an owned file token that is no longer declared as unexpected on its nodes', () => {
    const result = drift([], { fileTokens: { 'ft-old': ['node-2', 'node-0'], token1: ['node-0'] } }, true, true);
    expect(result.drift).toEqual([{ principal: KIBANA, token: 'ft-old', missingOn: [], unexpectedOn: ['node-0', 'node-2'], unknownOn: [] }]);
  });

  it('compares counts and warns when the node list is unavailable', () => {
    const result = drift([desiredFileToken('bootstrap')], { fileTokens: { bootstrap: ['node-0'] } }, false);
    expect(result.drift).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['ESCRED_NODE_LIST_UNAVAILABLE']);
  });
});

import type { DesiredAccount, ObservedAccount, ObservedCluster } from '../model.js';
import { nodeKnowledge, planFileTokenDrift } from './file-token-drift.js';
import { matchesAny } from './glob.js';
import { realiseFileTokens } from './realise-file-tokens.js';
import { isRealDrift, type FileTokenDrift, type PlanWarning } from './plan-types.js';

/**
 * File tokens are never changed through the API (it cannot): the plan reports per-node drift,
 * and delivery (rendered service_tokens files, node mode) acts on it.
 */
export function planAccountFileTokens(input: {
  account: DesiredAccount;
  observedCluster: ObservedCluster;
  observed: ObservedAccount;
  nowMs: number;
}): { drift: FileTokenDrift[]; warnings: PlanWarning[] } {
  const { observed } = input;
  const { account, reasons, retired } = realiseFileTokens(input.account, observed, input.nowMs);
  const knowledge = nodeKnowledge(input.observedCluster, observed);
  const drift: FileTokenDrift[] = [];
  const warnings: PlanWarning[] = [];
  const declared = new Set(account.fileTokens.map((t) => t.name));
  for (const token of account.fileTokens) {
    const result = planFileTokenDrift(account.principal, token, observed.fileTokens[token.name] ?? [], knowledge,
      observed.nodes.successful);
    const reason = reasons.get(token.name);
    if (result.drift) drift.push(reason ? { ...result.drift, reason } : result.drift);
    if (result.warning) warnings.push(result.warning);
  }
  for (const [name, nodes] of Object.entries(observed.fileTokens)) {
    if (declared.has(name)) continue;
    if (retired.has(name)) {
      drift.push({ principal: account.principal, token: name, missingOn: [], unexpectedOn: [...nodes].sort(), unknownOn: [],
        reason: reasons.get(name) ?? 'rotated out' });
      continue;
    }
    if (matchesAny(account.protect, name)) continue;
    if (account.prune === 'owned' && matchesAny(account.owns, name)) {
      drift.push({ principal: account.principal, token: name, missingOn: [], unexpectedOn: [...nodes].sort(), unknownOn: [] });
    }
  }
  if (knowledge.unknown.size > 0 && account.fileTokens.length > 0 && !drift.some((d) => !isRealDrift(d))) {
    warnings.push({ principal: account.principal, code: 'ESCRED_NODES_UNKNOWN',
      message: `nodes ${[...knowledge.unknown].sort().join(', ')} did not report their file tokens: their state is unknown` });
  }
  return { drift, warnings };
}

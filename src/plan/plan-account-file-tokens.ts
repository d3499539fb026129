import type { DesiredAccount, ObservedAccount, ObservedCluster } from '../model.js';
import { nodeKnowledge, planFileTokenDrift } from './file-token-drift.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import { realiseFileTokens, type RealisedFileTokens } from './realise-file-tokens.js';
import { isRealDrift, type FileTokenDrift, type PlanWarning } from './plan-types.js';
import { isTokenSecured, securedKey, type SecuredTokensOptions } from './secured-tokens.js';

export interface FileTokenRealiseOptions extends SecuredTokensOptions {
  nowMs: number;
  deliveredFileTokens?: ReadonlyMap<string, readonly string[]>;
}

/**
 * The one way the plan and the delivery realise an account's rotated file tokens: generations are
 * the names the nodes report plus those in the delivered files; current only if the value is secured.
 */
export function realiseAccountFileTokens(
  clusterName: string, account: DesiredAccount, observed: ObservedAccount | undefined, options: FileTokenRealiseOptions,
): RealisedFileTokens {
  const delivered = options.deliveredFileTokens?.get(`${clusterName}/${account.principal}`) ?? [];
  const knownNames = [...new Set([...Object.keys(observed?.fileTokens ?? {}), ...delivered])];
  return realiseFileTokens(account, { knownNames, nowMs: options.nowMs,
    isSecured: (name) => isTokenSecured(options, securedKey(clusterName, account.principal, name)) });
}

/**
 * File tokens are never changed through the API (it cannot): the plan reports per-node drift,
 * and delivery (rendered service_tokens files, node mode) acts on it.
 */
export function planAccountFileTokens(input: {
  clusterName: string;
  account: DesiredAccount;
  observedCluster: ObservedCluster;
  observed: ObservedAccount;
  options: FileTokenRealiseOptions;
}): { drift: FileTokenDrift[]; warnings: PlanWarning[] } {
  const { observed } = input;
  const realised = realiseAccountFileTokens(input.clusterName, input.account, observed, input.options);
  const { account, reasons, retired } = realised;
  const knowledge = nodeKnowledge(input.observedCluster, observed);
  const drift: FileTokenDrift[] = [];
  const warnings: PlanWarning[] = [...realised.warnings];
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
    if (deletionVerdict(account, name).kind === 'allowed') {
      drift.push({ principal: account.principal, token: name, missingOn: [], unexpectedOn: [...nodes].sort(), unknownOn: [] });
    }
  }
  if (knowledge.unknown.size > 0 && account.fileTokens.length > 0 && !drift.some((d) => !isRealDrift(d))) {
    warnings.push({ principal: account.principal, code: 'ESCRED_NODES_UNKNOWN',
      message: `nodes ${[...knowledge.unknown].sort().join(', ')} did not report their file tokens: their state is unknown` });
  }
  return { drift, warnings };
}

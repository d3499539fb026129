import type { DesiredAccount, DesiredFileToken } from '../model.js';
import { keptGenerationWarning } from './kept-generation-warning.js';
import { planRotation } from './plan-rotation.js';
import type { PlanWarning } from './plan-types.js';

export interface RealiseFileTokensInput {
  /**
   * file-token names known to exist: those the nodes report, plus those in the service_tokens
   * files escred delivered (with --file-tokens-out the nodes may not have them yet)
   */
  knownNames: readonly string[];
  nowMs: number;
  /** false for a generation whose value the sink lacks (where it can tell): never current */
  isSecured: (name: string) => boolean;
}

export interface RealisedFileTokens {
  /** the account with each rotated file token replaced by the generations that should exist now */
  account: DesiredAccount;
  /** generation name -> why it is created or removed, for the plan */
  reasons: Map<string, string>;
  /** generations that should leave the files, as the deletion gate allows (owned, prune: owned, unprotected) */
  retired: Set<string>;
  warnings: PlanWarning[];
}

/**
 * File tokens rotate like index tokens (same rule, same names: `bootstrap-20261001T000000Z`),
 * but through the files: the generations that should exist become concrete declared file tokens,
 * and retired ones are lines the delivery removes, under the same deletion gate as index tokens.
 * Pure: the clock is an argument.
 */
export function realiseFileTokens(account: DesiredAccount, input: RealiseFileTokensInput): RealisedFileTokens {
  const result: RealisedFileTokens = { account, reasons: new Map(), retired: new Set(), warnings: [] };
  if (!account.fileTokens.some((t) => t.rotate)) return result;
  const declaredNames = new Set(account.fileTokens.filter((t) => !t.rotate).map((t) => t.name));
  const fileTokens: DesiredFileToken[] = [];
  for (const token of account.fileTokens) {
    if (!token.rotate) {
      fileTokens.push(token);
      continue;
    }
    const decision = planRotation({ principal: account.principal, token: { name: token.name, rotate: token.rotate },
      observedNames: input.knownNames, nowMs: input.nowMs, isSecured: input.isSecured, declaredNames });
    result.warnings.push(...decision.warnings);
    // only generations whose value is secured are ours to keep writing; the new one gets its value first
    const kept = new Set(decision.generations.filter(input.isSecured));
    for (const action of decision.actions) {
      result.reasons.set(action.token, action.reason);
      kept.add(action.token);
    }
    for (const generation of decision.retiring) {
      kept.delete(generation.name);
      const keptWarning = keptGenerationWarning(account, token.name, generation, 'file token');
      if (keptWarning) {
        result.warnings.push(keptWarning);
      } else {
        result.retired.add(generation.name);
        result.reasons.set(generation.name, generation.reason);
      }
    }
    for (const name of [...kept].sort()) {
      fileTokens.push({ name, nodes: token.nodes, generationOf: token.name, source: token.source });
    }
  }
  return { ...result, account: { ...account, fileTokens } };
}

import type { DesiredAccount, DesiredFileToken, ObservedAccount } from '../model.js';
import { generationTime } from './generation-name.js';
import { planRotation } from './plan-rotation.js';

export interface RealisedFileTokens {
  /** the account with each rotated file token replaced by the generations that should exist now */
  account: DesiredAccount;
  /** generation name -> why it is created or removed, for the plan */
  reasons: Map<string, string>;
  /** generations that should leave the files (older than the overlap) */
  retired: Set<string>;
}

/**
 * File tokens rotate like index tokens (same rule, same names: `bootstrap-20261001T000000Z`),
 * but through the files: the generations that should exist become concrete declared file tokens,
 * and retired ones are owned lines the delivery removes. Pure: the clock is an argument.
 */
export function realiseFileTokens(account: DesiredAccount, observed: ObservedAccount | undefined, nowMs: number): RealisedFileTokens {
  const reasons = new Map<string, string>();
  const retired = new Set<string>();
  if (!account.fileTokens.some((t) => t.rotate)) return { account, reasons, retired };
  const observedNames = Object.keys(observed?.fileTokens ?? {});
  const fileTokens: DesiredFileToken[] = [];
  for (const token of account.fileTokens) {
    if (!token.rotate) {
      fileTokens.push(token);
      continue;
    }
    const decision = planRotation({
      principal: account.principal, nowMs, observedNames,
      token: { name: token.name, isProtected: false, rotate: token.rotate, source: token.source },
    });
    const kept = new Set(decision.generations);
    for (const action of decision.actions) {
      reasons.set(action.token, action.reason);
      if (action.kind === 'delete') {
        kept.delete(action.token);
        retired.add(action.token);
      } else {
        kept.add(action.token);
      }
    }
    for (const name of [...kept].sort()) {
      fileTokens.push({ name, nodes: token.nodes, generationOf: token.name, source: token.source });
    }
  }
  return { account: { ...account, fileTokens }, reasons, retired };
}

/** A name is a generation of one of the account's rotated file tokens (declared or realised). */
export function isRotatedFileTokenGeneration(account: DesiredAccount, name: string): boolean {
  return account.fileTokens.some((t) => {
    const base = t.generationOf ?? (t.rotate ? t.name : undefined);
    return base !== undefined && generationTime(base, name) !== null;
  });
}

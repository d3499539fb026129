/**
 * `escred revoke` (issue 23 §5), as the planner sees it: pure. A leaked token of a declared rotating
 * token gets a new generation (created, stored and verified first: apply-plan.ts runs creates and
 * their checks before deletes) and is then deleted at once, whatever the overlap; a declared plain
 * token is replaced under its name (delete, then create: its value stops working at once); an
 * undeclared one is deleted. A protected one only with --include-protected, said in the reason.
 * Every action carries `revoke: true`, and a revoke's plan holds nothing else.
 */
import type { DesiredAccount, ObservedAccount } from '../model.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import { freshGenerationName, generationTime } from '../ownership/generation-name.js';
import type { PlanAction, PlanWarning, TokenKey } from './plan-types.js';
import { securedKey } from './secured-tokens.js';

export interface Revocation {
  cluster: string;
  principal: string;
  /** token names as the cluster lists them; a declared rotating token's name stands for all its generations */
  tokens: string[];
  /** --all: every index token of the account whose value escred's sink holds */
  isAll: boolean;
  /** --include-protected: a protected token may be revoked too */
  includeProtected: boolean;
  /** --reason, for the plan and the audit log */
  reason?: string;
}

export interface RevocationInput {
  clusterName: string;
  account: DesiredAccount;
  observed: ObservedAccount;
  revocation: Revocation;
  nowMs: number;
  sinkSecrets?: ReadonlySet<string> | null;
}

/** The tokens a revocation names, as the cluster lists them (a rotating token's name: each of its generations). */
export function revokedTokens(input: Pick<RevocationInput, 'clusterName' | 'account' | 'observed' | 'revocation' | 'sinkSecrets'>): string[] {
  const { account, observed, revocation } = input;
  if (revocation.isAll) {
    return observed.indexTokens.filter((name) => input.sinkSecrets?.has(securedKey(input.clusterName, account.principal, name)) === true);
  }
  return [...new Set(revocation.tokens.flatMap((name) => {
    const rotating = account.tokens.find((t) => t.rotate && t.name === name);
    return rotating && !observed.indexTokens.includes(name) ? observed.indexTokens.filter((n) => generationTime(name, n) !== null) : [name];
  }))];
}

export function planRevocation(input: RevocationInput): { actions: PlanAction[]; warnings: PlanWarning[] } {
  const { account, revocation } = input;
  const principal = account.principal;
  const why = `revoke${revocation.reason ? ` (${revocation.reason})` : ''}`;
  const actions: PlanAction[] = [];
  const warnings: PlanWarning[] = [];
  const replacements = new Set<string>();
  for (const token of revokedTokens(input)) {
    if (!input.observed.indexTokens.includes(token)) {
      warnings.push({ principal, token, code: 'ESCRED_REVOKE_NOT_FOUND', message: `${token} is not an index token of ${principal}: nothing to revoke` });
      continue;
    }
    const isProtected = deletionVerdict(account, token).kind === 'protected';
    if (isProtected && !revocation.includeProtected) {
      warnings.push({ principal, token, code: 'ESCRED_REVOKE_PROTECTED', message: `${token} is protected: escred revoke needs --include-protected to revoke it` });
      continue;
    }
    const protectedNote = isProtected ? ', protected (--include-protected)' : '';
    const base = account.tokens.find((t) => t.rotate && generationTime(t.name, token) !== null);
    if (account.tokens.some((t) => !t.rotate && t.name === token)) {
      actions.push({ kind: 'replace', principal, token, reason: `${why}: same name, so its value stops working at once${protectedNote}`, revoke: true });
    } else if (base) {
      if (!replacements.has(base.name)) {
        replacements.add(base.name);
        const name = freshGenerationName(base.name, input.nowMs, input.observed.indexTokens);
        actions.push({ kind: 'create', principal, token: name, reason: `${why}: the replacement of ${token}`, revoke: true });
      }
      actions.push({ kind: 'delete', principal, token, reason: `${why}: deleted at once, whatever the overlap${protectedNote}`, revoke: true });
    } else {
      actions.push({ kind: 'delete', principal, token, reason: `${why}: not declared, deleted${protectedNote}`, revoke: true });
    }
  }
  return { actions, warnings };
}

/** The revocation of this account, if the run is a revoke. */
export function revocationOf(revocations: readonly Revocation[] | undefined, key: Omit<TokenKey, 'token'>): Revocation | undefined {
  return revocations?.find((r) => r.cluster === key.cluster && r.principal === key.principal);
}

/** Whether the revocation names this token (the write gate asks, at the moment of sending). */
export function namesToken(revocation: Revocation, account: DesiredAccount, token: string, isInSink: boolean | null): boolean {
  if (revocation.isAll) return isInSink === true;
  return revocation.tokens.some((name) => name === token ||
    (account.tokens.some((t) => t.rotate && t.name === name) && generationTime(name, token) !== null));
}

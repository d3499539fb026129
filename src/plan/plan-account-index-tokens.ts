import type { DesiredAccount, DesiredToken, ObservedAccount, RotationPolicy } from '../model.js';
import type { BuildPlanOptions } from './build-plan-options.js';
import { deletionVerdict, describeVerdict } from '../ownership/deletion-verdict.js';
import { keptGenerationWarning } from './kept-generation-warning.js';
import { planRotation, type RetiringGeneration } from './plan-rotation.js';
import type { PlanAction, PlanWarning } from './plan-types.js';
import { isTokenSecured, securedKey } from './secured-tokens.js';

export interface AccountPlanInput {
  clusterName: string;
  account: DesiredAccount;
  observed: ObservedAccount;
  options: BuildPlanOptions;
}

/**
 * Index-backed tokens of one account: create what is declared and missing, replace what an
 * interrupted apply created but never stored, rotate, and delete (undeclared tokens and retired
 * generations alike) only what the deletion gate allows: owned AND under `prune: owned` AND
 * unprotected. Everything else is left alone, with a warning.
 */
export function planAccountIndexTokens(input: AccountPlanInput): { actions: PlanAction[]; warnings: PlanWarning[] } {
  const { account, observed } = input;
  const present = new Set(observed.indexTokens);
  const declaredNames = new Set(account.tokens.filter((t) => !t.rotate).map((t) => t.name));
  const claimed = new Set<string>();
  const actions: PlanAction[] = [];
  const warnings: PlanWarning[] = [];
  for (const token of account.tokens) {
    if (token.rotate) {
      const forced = forcedRotation(input, token.name);
      const decision = planRotation({ principal: account.principal, token: token as DesiredToken & { rotate: RotationPolicy },
        observedNames: observed.indexTokens, nowMs: input.options.nowMs, declaredNames,
        isSecured: (name) => isSecured(input, name),
        isForced: forced !== undefined, isRevokingOld: forced?.isRevokingOld ?? false });
      decision.generations.forEach((name) => claimed.add(name));
      actions.push(...decision.actions);
      warnings.push(...decision.warnings);
      for (const generation of decision.retiring) {
        const action = retireGeneration(account, token.name, generation, warnings);
        if (action) actions.push(action);
      }
      continue;
    }
    claimed.add(token.name);
    actions.push(...planPlainToken(input, token, present.has(token.name), warnings));
  }
  for (const name of observed.indexTokens) {
    if (claimed.has(name)) continue;
    const action = planUndeclared(account, name, warnings);
    if (action) actions.push(action);
  }
  return { actions, warnings };
}

function tokenKeyOf(input: AccountPlanInput, token: string): string {
  return securedKey(input.clusterName, input.account.principal, token);
}

function isSecured(input: AccountPlanInput, token: string): boolean {
  return isTokenSecured(input.options, tokenKeyOf(input, token));
}

function forcedRotation(input: AccountPlanInput, token: string) {
  return input.options.forcedRotations?.find(
    (f) => f.cluster === input.clusterName && f.principal === input.account.principal && f.token === token);
}

function planPlainToken(input: AccountPlanInput, token: DesiredToken, isPresent: boolean, warnings: PlanWarning[]): PlanAction[] {
  const principal = input.account.principal;
  if (!isPresent) return [{ kind: 'create', principal, token: token.name, reason: 'declared, not in the cluster' }];
  const replaceReason = forcedRotation(input, token.name) ? 'rotate: forced by escred rotate (same name: revoked at once)'
    : input.options.unsecuredTokens?.has(tokenKeyOf(input, token.name)) ? 'an interrupted apply created it, but its value never reached the secret sink'
      : isValueLost(input, token.name) ? 'onValueLost: replace: the secret sink no longer holds its value'
        : undefined;
  if (replaceReason) {
    // a replace revokes the value it has: never of a protected token (the write gate refuses it too)
    const verdict = deletionVerdict(input.account, token.name);
    if (verdict.kind !== 'protected') return [{ kind: 'replace', principal, token: token.name, reason: replaceReason }];
    warnings.push({ principal, token: token.name, code: 'ESCRED_PROTECTED_NOT_REPLACED',
      message: `${token.name} would be replaced (${replaceReason}), but ${describeVerdict(verdict)}: escred never revokes a protected token's value` });
    return [];
  }
  if (!isSecured(input, token.name)) {
    warnings.push({ principal, token: token.name, code: 'ESCRED_SECRET_NOT_IN_SINK',
      message: `${token.name} exists but the secret sink has no value for it (made outside escred, or the value was deleted from the sink?); ` +
        `escred rotate ${input.clusterName} ${principal} ${token.name} replaces it, as does onValueLost: replace on the account at every plan` });
  }
  return [];
}

/** `onValueLost: replace`, and the sink can tell, and says it lacks the value (the journal's lost values are said above). */
function isValueLost(input: AccountPlanInput, token: string): boolean {
  return input.account.onValueLost === 'replace' && input.options.sinkSecrets != null && !input.options.sinkSecrets.has(tokenKeyOf(input, token));
}

function planUndeclared(account: DesiredAccount, name: string, warnings: PlanWarning[]): PlanAction | undefined {
  const principal = account.principal;
  const verdict = deletionVerdict(account, name);
  switch (verdict.kind) {
    case 'allowed':
      return { kind: 'delete', principal, token: name, reason: `owned ('${verdict.owner}') and not declared` };
    case 'unowned':
      warnings.push({ principal, token: name, code: 'ESCRED_UNOWNED_TOKEN',
        message: `${name} is not declared and no owns pattern matches it: nobody owns it, escred leaves it alone` });
      return undefined;
    case 'not-pruned':
      warnings.push({ principal, token: name, code: 'ESCRED_NOT_PRUNED',
        message: `${name} matches owns '${verdict.owner}' but is not declared; prune is off, so it stays` });
      return undefined;
    case 'protected':
      return undefined;
  }
}

/** A generation rotation retires is deleted under the same gate as any other token, or kept with a warning that says why. */
function retireGeneration(account: DesiredAccount, base: string, generation: RetiringGeneration, warnings: PlanWarning[]): PlanAction | undefined {
  const kept = keptGenerationWarning(account, base, generation, 'token');
  if (kept) {
    warnings.push(kept);
    return undefined;
  }
  return { kind: 'delete', principal: account.principal, token: generation.name, reason: generation.reason, rotation: generation.rotation };
}

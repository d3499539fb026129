import type { DesiredAccount, DesiredToken, ObservedAccount, RotationPolicy } from '../model.js';
import type { BuildPlanOptions } from './build-plan.js';
import { matchesAny } from './glob.js';
import { planRotation } from './plan-rotation.js';
import type { PlanAction, PlanWarning } from './plan-types.js';

export interface AccountPlanInput {
  clusterName: string;
  account: DesiredAccount;
  observed: ObservedAccount;
  options: BuildPlanOptions;
}

/**
 * Index-backed tokens of one account: create what is declared and missing, replace what an
 * interrupted apply created but never stored, delete only what is undeclared AND owned AND
 * unprotected AND under `prune: owned`. Everything else is left alone, with a warning.
 */
export function planAccountIndexTokens(input: AccountPlanInput): { actions: PlanAction[]; warnings: PlanWarning[] } {
  const { account, observed } = input;
  const principal = account.principal;
  const present = new Set(observed.indexTokens);
  const claimed = new Set<string>();
  const actions: PlanAction[] = [];
  const warnings: PlanWarning[] = [];
  for (const token of account.tokens) {
    if (token.rotate) {
      const forced = forcedRotation(input, token.name);
      const decision = planRotation({ principal, token: token as DesiredToken & { rotate: RotationPolicy },
        observedNames: observed.indexTokens, nowMs: input.options.nowMs,
        isForced: forced !== undefined, isRevokingOld: forced?.isRevokingOld ?? false });
      decision.generations.forEach((name) => claimed.add(name));
      actions.push(...decision.actions);
      warnings.push(...decision.warnings);
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

function forcedRotation(input: AccountPlanInput, token: string) {
  return input.options.forcedRotations?.find(
    (f) => f.cluster === input.clusterName && f.principal === input.account.principal && f.token === token);
}

function planPlainToken(input: AccountPlanInput, token: DesiredToken, isPresent: boolean, warnings: PlanWarning[]): PlanAction[] {
  const principal = input.account.principal;
  const key = `${input.clusterName}/${principal}/${token.name}`;
  if (!isPresent) return [{ kind: 'create', principal, token: token.name, reason: 'declared, not in the cluster' }];
  if (forcedRotation(input, token.name)) {
    return [{ kind: 'replace', principal, token: token.name, reason: 'rotate: forced by escred rotate (same name: revoked at once)' }];
  }
  if (input.options.unsecuredTokens?.has(key)) {
    return [{ kind: 'replace', principal, token: token.name,
      reason: 'an interrupted apply created it, but its value never reached the secret sink' }];
  }
  const sink = input.options.sinkSecrets;
  if (sink && !sink.has(key)) {
    warnings.push({ principal, token: token.name, code: 'ESCRED_SECRET_NOT_IN_SINK',
      message: `${token.name} exists but the secret sink has no value for it (made outside escred?); ` +
        `escred rotate ${input.clusterName} ${principal} ${token.name} replaces it` });
  }
  return [];
}

function planUndeclared(account: DesiredAccount, name: string, warnings: PlanWarning[]): PlanAction | undefined {
  const principal = account.principal;
  if (matchesAny(account.protect, name)) return undefined;
  const owner = account.owns.find((pattern) => matchesAny([pattern], name));
  if (!owner) {
    warnings.push({ principal, token: name, code: 'ESCRED_UNOWNED_TOKEN',
      message: `${name} is not declared and no owns pattern matches it: nobody owns it, escred leaves it alone` });
    return undefined;
  }
  if (account.prune !== 'owned') {
    warnings.push({ principal, token: name, code: 'ESCRED_NOT_PRUNED',
      message: `${name} matches owns '${owner}' but is not declared; prune is off, so it stays` });
    return undefined;
  }
  return { kind: 'delete', principal, token: name, reason: `owned ('${owner}'), no longer declared` };
}

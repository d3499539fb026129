import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPlan, type BuildPlanOptions } from '../../src/plan/build-plan.js';
import { matchesAny } from '../../src/ownership/glob.js';
import type { DesiredAccount, ObservedAccount } from '../../src/model.js';
import {
  desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster,
} from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const NOW = Date.UTC(2026, 10, 23);

function planFor(account: DesiredAccount, observed: Partial<ObservedAccount>, options: Partial<BuildPlanOptions> = {}) {
  const desired = desiredState([desiredCluster('prod', [account])]);
  const cluster = observedCluster('prod', [observedAccount(account.principal, observed)]);
  const plan = buildPlan(desired, [cluster], { nowMs: NOW, ...options });
  const clusterPlan = plan.clusters[0]!;
  return {
    plan,
    actions: clusterPlan.actions.map((a) => `${a.kind} ${a.token}`),
    warnings: clusterPlan.warnings.map((w) => `${w.code} ${w.token ?? ''}`.trim()),
    error: clusterPlan.error?.code,
  };
}

describe('buildPlan: index tokens', () => {
  it.each([
    {
      case: 'creates a declared token the cluster lacks',
      account: desiredAccount(FLEET, { tokens: [desiredToken('a'), desiredToken('b')] }),
      observed: { indexTokens: ['a'] },
      actions: ['create b'], warnings: [],
    },
    {
      case: 'changes nothing when the cluster matches',
      account: desiredAccount(FLEET, { tokens: [desiredToken('a')] }),
      observed: { indexTokens: ['a'] },
      actions: [], warnings: [],
    },
    {
      case: 'deletes an owned, undeclared token under prune: owned',
      account: desiredAccount(FLEET, { prune: 'owned', owns: ['gitops-*'], tokens: [desiredToken('gitops-a')] }),
      observed: { indexTokens: ['gitops-a', 'gitops-old'] },
      actions: ['delete gitops-old'], warnings: [],
    },
    {
      case: 'never deletes a token no owns pattern matches, and says so',
      account: desiredAccount(FLEET, { prune: 'owned', owns: ['gitops-*'] }),
      observed: { indexTokens: ['kibana-made-this'] },
      actions: [], warnings: ['ESCRED_UNOWNED_TOKEN kibana-made-this'],
    },
    {
      case: 'never deletes a protected token, even when owned and undeclared',
      account: desiredAccount(FLEET, { prune: 'owned', owns: ['gitops-*'], protect: ['gitops-break-glass'] }),
      observed: { indexTokens: ['gitops-break-glass'] },
      actions: [], warnings: [],
    },
    {
      case: 'keeps owned tokens when prune is off',
      account: desiredAccount(FLEET, { prune: 'none', owns: ['gitops-*'] }),
      observed: { indexTokens: ['gitops-old'] },
      actions: [], warnings: ['ESCRED_NOT_PRUNED gitops-old'],
    },
  ])('$case', ({ account, observed, actions, warnings }) => {
    const result = planFor(account, observed);
    expect(result.actions).toEqual(actions);
    expect(result.warnings).toEqual(warnings);
  });

  it('replaces a token an interrupted apply created but never stored', () => {
    const account = desiredAccount(FLEET, { tokens: [desiredToken('a')] });
    const result = planFor(account, { indexTokens: ['a'] }, { unsecuredTokens: new Set([`prod/${FLEET}/a`]) });
    expect(result.actions).toEqual(['replace a']);
  });

  it('warns when a declared token exists but the sink lacks its value', () => {
    const account = desiredAccount(FLEET, { tokens: [desiredToken('a'), desiredToken('b')] });
    const result = planFor(account, { indexTokens: ['a', 'b'] }, { sinkSecrets: new Set([`prod/${FLEET}/a`]) });
    expect(result.actions).toEqual([]);
    expect(result.warnings).toEqual(['ESCRED_SECRET_NOT_IN_SINK b']);
  });

  it.each([
    ['replace: a declared token whose value the sink lost is replaced, and the plan says why', 'replace', [], ['replace b'], []],
    ['warn (the default): only a warning', undefined, [], [], ['ESCRED_SECRET_NOT_IN_SINK b']],
    ['replace never touches a protected token: a warning says why', 'replace', ['b'], [], ['ESCRED_PROTECTED_NOT_REPLACED b']],
  ] as const)('onValueLost %s', (_case, onValueLost, protect, actions, warnings) => {
    const account = desiredAccount(FLEET, { tokens: [desiredToken('a'), desiredToken('b')], protect: [...protect], ...(onValueLost ? { onValueLost } : {}) });
    const result = planFor(account, { indexTokens: ['a', 'b'] }, { sinkSecrets: new Set([`prod/${FLEET}/a`]) });
    expect(result.actions).toEqual(actions);
    expect(result.warnings).toEqual(warnings);
  });

  it('onValueLost: replace does nothing where the sink cannot tell what it holds', () => {
    const account = desiredAccount(FLEET, { tokens: [desiredToken('a')], onValueLost: 'replace' });
    expect(planFor(account, { indexTokens: ['a'] }, { sinkSecrets: null }).actions).toEqual([]);
  });

  it('plans nothing for an account the cluster does not have, with a warning', () => {
    const account = desiredAccount('elastic/enterprise-search-server', { tokens: [desiredToken('a')] });
    const result = planFor(account, {});
    expect(result.actions).toEqual([]);
    expect(result.warnings).toEqual(['ESCRED_UNKNOWN_ACCOUNT']);
  });

  it.each([
    [5, 5, undefined],
    [6, 5, 'ESCRED_MAX_DELETIONS'],
    [6, 5, undefined, 6],
  ])('max-deletions guard: %i deletions with limit %i -> %s', (count, limit, error, override?: number) => {
    const names = Array.from({ length: count }, (_, i) => `gitops-${i}`);
    const account = desiredAccount(FLEET, { prune: 'owned', owns: ['gitops-*'] });
    const desired = desiredState([desiredCluster('prod', [account], { maxDeletions: limit })]);
    const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: names })]);
    const plan = buildPlan(desired, [observed], { nowMs: NOW, ...(override ? { maxDeletionsOverride: override } : {}) });
    expect(plan.clusters[0]!.error?.code).toBe(error);
    expect(plan.summary.delete).toBe(count);
  });
});

describe('buildPlan: invariants (property-based)', () => {
  const tokenName = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
  it('never deletes a token that is unowned, protected or declared, nor under prune: none', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tokenName, { maxLength: 12 }),
        fc.uniqueArray(tokenName, { maxLength: 6 }),
        fc.array(fc.constantFrom('g*', 'a*', '*-x', 'b', '*'), { maxLength: 3 }),
        fc.array(fc.constantFrom('g*', 'c*', 'z'), { maxLength: 2 }),
        fc.constantFrom<'none' | 'owned'>('none', 'owned'),
        (observedNames, declaredNames, owns, protect, prune) => {
          const account = desiredAccount(FLEET, { prune, owns, protect, tokens: declaredNames.map((n) => desiredToken(n)) });
          const desired = desiredState([desiredCluster('prod', [account], { maxDeletions: 1000 })]);
          const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: observedNames })]);
          const plan = buildPlan(desired, [observed], { nowMs: NOW });
          for (const action of plan.clusters[0]!.actions.filter((a) => a.kind === 'delete')) {
            expect(prune).toBe('owned');
            expect(matchesAny(owns, action.token)).toBe(true);
            expect(matchesAny(protect, action.token)).toBe(false);
            expect(declaredNames).not.toContain(action.token);
            expect(observedNames).toContain(action.token);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

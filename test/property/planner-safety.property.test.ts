/**
 * Issue 12, "Done when": the planner's safety rules over generated states. Rotating tokens, foreign
 * tokens with generation-like names (older, newer, in the future), every combination of owns, prune,
 * protect and sink contents (including a sink that cannot tell), journal entries and forced rotations.
 * - every planned delete is owned, under prune: owned, not protected, and within max-deletions
 *   (or the cluster plan carries the max-deletions error, which apply refuses);
 * - when the sink can tell, no generation it lacks is treated as current: a rotation's stated
 *   current generation is secured, and a token with no secured generation gets a new one;
 * - the current generation is never deleted unless escred rotate --revoke-old asked for it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DesiredAccount } from '../../src/model.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { generationName, generationTime } from '../../src/ownership/generation-name.js';
import { matchesAny } from '../../src/ownership/glob.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);
const BASES = ['ci', 'ci-x', 'gitops'] as const;
const key = (token: string) => `prod/${FLEET}/${token}`;

const observedName = fc.oneof(
  fc.record({ base: fc.constantFrom(...BASES), ageDays: fc.integer({ min: -3, max: 400 }) })
    .map(({ base, ageDays }) => generationName(base, NOW - ageDays * DAY)),
  fc.constantFrom('ci', 'gitops-a', 'gitops-b', 'made-by-hand', 'ci-stray', 'ci-20261301T000000Z'),
);

const scenario = fc.record({
  prune: fc.constantFrom('none' as const, 'owned' as const),
  owns: fc.subarray(['ci-*', 'gitops*', '*', 'ci-2026*', 'made-*']),
  protect: fc.subarray(['ci-2025*', 'gitops-b', 'c*', 'ci-x-*']),
  rotating: fc.subarray([...BASES], { minLength: 1 }),
  plain: fc.subarray(['gitops-a', 'ci-20261101T000000Z']),
  every: fc.constantFrom(10, 30, 90),
  overlap: fc.constantFrom(0, 1, 5),
  observed: fc.uniqueArray(observedName, { maxLength: 12 }),
  sinkPick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  sinkCanTell: fc.boolean(),
  journalPick: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  maxDeletions: fc.integer({ min: 0, max: 6 }),
  forced: fc.option(fc.record({ revokeOld: fc.boolean() })),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario) {
  const rotatingSet = new Set<string>(s.rotating);
  // a plain name that is a generation of a rotating token is a manifest error: never reaches the planner
  const plain = s.plain.filter((n) => ![...rotatingSet].some((b) => generationTime(b, n) !== null) && !rotatingSet.has(n));
  const tokens = [...s.rotating.map((name) => desiredToken(name, { rotate: { everyMs: s.every * DAY, overlapMs: s.overlap * DAY } })),
    ...plain.map((name) => desiredToken(name))];
  const account: DesiredAccount = desiredAccount(FLEET, { prune: s.prune, owns: s.owns, protect: s.protect, tokens });
  const desired = desiredState([desiredCluster('prod', [account], { maxDeletions: s.maxDeletions })]);
  const sinkHeld = new Set(s.observed.filter((_, i) => s.sinkPick[i]).map(key));
  const journal = new Set(s.observed.filter((_, i) => s.journalPick[i]).map(key));
  const forcedRotations = s.forced ? [{ cluster: 'prod', principal: FLEET, token: s.rotating[0]!, isRevokingOld: s.forced.revokeOld }] : [];
  const plan = buildPlan(desired, [observedCluster('prod', [observedAccount(FLEET, { indexTokens: s.observed })])],
    { nowMs: NOW, sinkSecrets: s.sinkCanTell ? sinkHeld : null, unsecuredTokens: journal, forcedRotations });
  const isSecured = (name: string) => !journal.has(key(name)) && (!s.sinkCanTell || sinkHeld.has(key(name)));
  return { plan: plan.clusters[0]!, account, plain: new Set(plain), isSecured };
}

/** The newest secured generation of `base` that the planner could have seen (declared names excluded). */
function currentOf(s: Scenario, base: string, plain: Set<string>, isSecured: (n: string) => boolean): string | undefined {
  return s.observed.filter((n) => !plain.has(n) && generationTime(base, n) !== null && isSecured(n))
    .sort((a, b) => generationTime(base, a)! - generationTime(base, b)! || (a < b ? -1 : 1)).at(-1);
}

describe('planner safety, over generated states', () => {
  it('every delete passes the ownership gate and max-deletions holds', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { plan, account } = run(s);
      const deletes = plan.actions.filter((a) => a.kind === 'delete');
      for (const d of deletes) {
        expect(account.prune).toBe('owned');
        expect(matchesAny(account.owns, d.token)).toBe(true);
        expect(matchesAny(account.protect, d.token)).toBe(false);
      }
      if (deletes.length > s.maxDeletions) expect(plan.error?.code).toBe('ESCRED_MAX_DELETIONS');
      else expect(plan.error).toBeUndefined();
    }), { numRuns: 600 });
  });

  it('no generation the sink lacks is current; a token without a secured generation gets a new one', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { plan, plain, isSecured } = run(s);
      for (const base of s.rotating) {
        const creates = plan.actions.filter((a) => a.kind === 'create' && a.token === generationName(base, NOW));
        const current = currentOf(s, base, plain, isSecured);
        for (const create of creates) {
          if (create.kind === 'create' && create.rotation?.generation !== undefined) expect(isSecured(create.rotation.generation)).toBe(true);
        }
        if (current === undefined) expect(creates).toHaveLength(1);
        const isRevoking = s.forced?.revokeOld === true && s.rotating[0] === base;
        if (current !== undefined && !isRevoking) {
          expect(plan.actions.some((a) => a.kind === 'delete' && a.token === current)).toBe(false);
        }
      }
    }), { numRuns: 600 });
  });

  it('declared tokens are never deleted, whatever their names look like', () => {
    fc.assert(fc.property(scenario, (s) => {
      const { plan, account } = run(s);
      const declared = new Set(account.tokens.filter((t) => !t.rotate).map((t) => t.name));
      expect(plan.actions.filter((a) => a.kind === 'delete' && declared.has(a.token))).toEqual([]);
    }), { numRuns: 300 });
  });
});

/** Issue 14: user-managed accounts under generated ownership, declarations and cluster contents. */
describe('planner safety for user-managed accounts, over generated states', () => {
  const PRINCIPALS = ['team/a', 'team/b', 'other/c', 'elastic/x', 'ELASTIC/y', 'team/keep'] as const;
  const accountScenario = fc.record({
    declared: fc.subarray(['team/a', 'other/c'] as string[]),
    observed: fc.subarray([...PRINCIPALS] as string[]),
    tokens: fc.array(fc.subarray(['t1', 't2', 't3']), { minLength: PRINCIPALS.length, maxLength: PRINCIPALS.length }),
    prune: fc.constantFrom('none' as const, 'owned' as const),
    owns: fc.subarray(['team/*', '*', '*/*', 'other/*', 'elastic/*']),
    protect: fc.subarray(['team/keep', 'team/b', '*/c']),
    maxDeletions: fc.integer({ min: 0, max: 8 }),
  });

  it('deletes only owned, pruned, unprotected accounts outside elastic, with every token of theirs deleted in the same plan', () => {
    fc.assert(fc.property(accountScenario, (s) => {
      const accounts = s.declared.map((p) => desiredAccount(p, { userManaged: { roles: [], isEnabled: true } }));
      const ownership = { prune: s.prune, owns: s.owns, protect: s.protect };
      const desired = desiredState([desiredCluster('prod', accounts, { userManagedAccounts: ownership, maxDeletions: s.maxDeletions })]);
      const credentials = s.observed.map((p) => observedAccount(p, { indexTokens: s.tokens[PRINCIPALS.indexOf(p as never)] ?? [] }));
      const userManaged = { accounts: s.observed.map((p) => ({ principal: p, roles: [], isEnabled: true })), missingRoles: [], canManageSecurity: true };
      const plan = buildPlan(desired, [observedCluster('prod', credentials, { userManaged })], { nowMs: NOW }).clusters[0]!;
      for (const action of (plan.accountActions ?? []).filter((a) => a.kind === 'delete-account')) {
        expect(s.declared).not.toContain(action.principal);
        expect(action.principal.split('/')[0]!.toLowerCase()).not.toBe('elastic');
        expect(s.prune).toBe('owned');
        expect(matchesAny(s.owns, action.principal)).toBe(true);
        expect(matchesAny(s.protect, action.principal)).toBe(false);
        const tokens = credentials.find((c) => c.principal === action.principal)?.indexTokens ?? [];
        const deleted = plan.actions.filter((a) => a.kind === 'delete' && a.principal === action.principal).map((a) => a.token);
        expect([...deleted].sort()).toEqual([...tokens].sort());
      }
      const deletions = plan.actions.filter((a) => a.kind === 'delete').length + (plan.accountActions ?? []).filter((a) => a.kind === 'delete-account').length;
      if (deletions > s.maxDeletions) expect(plan.error?.code).toBe('ESCRED_MAX_DELETIONS');
    }), { numRuns: 500 });
  });

  it('leftover tokens of a declared, absent account are deleted only when its own rules own, prune and do not protect every one (issue 22)', () => {
    const leftoverScenario = fc.record({
      leftovers: fc.subarray(['t1', 'hand-1', 'keep-1'], { minLength: 1 }),
      declaredTokens: fc.subarray(['t1', 't2']),
      prune: fc.constantFrom('none' as const, 'owned' as const),
      owns: fc.subarray(['t*', 'hand-*', '*']),
      protect: fc.subarray(['keep-*', 't1']),
      maxDeletions: fc.integer({ min: 0, max: 4 }),
    });
    fc.assert(fc.property(leftoverScenario, (s) => {
      const account = desiredAccount('team/a', { userManaged: { roles: [], isEnabled: true }, prune: s.prune, owns: s.owns, protect: s.protect,
        tokens: s.declaredTokens.map((n) => desiredToken(n)) });
      const desired = desiredState([desiredCluster('prod', [account], { maxDeletions: s.maxDeletions })]);
      const userManaged = { accounts: [], missingRoles: [], canManageSecurity: true };
      const credentials = [observedAccount('team/a', { indexTokens: s.leftovers })];
      const plan = buildPlan(desired, [observedCluster('prod', credentials, { userManaged })], { nowMs: NOW }).clusters[0]!;
      const create = (plan.accountActions ?? []).find((a) => a.kind === 'create-account');
      const isEveryOneDeletable = s.prune === 'owned' && s.leftovers.every((t) => matchesAny(s.owns, t) && !matchesAny(s.protect, t));
      if (!isEveryOneDeletable) expect(plan.error?.code).toBe('ESCRED_LEFTOVER_TOKENS');
      else if (s.leftovers.length > s.maxDeletions) expect(plan.error?.code).toBe('ESCRED_MAX_DELETIONS');
      else expect(plan.error).toBeUndefined();
      const deleted = create?.kind === 'create-account' ? create.leftoverTokens ?? [] : [];
      if (deleted.length > 0) expect(isEveryOneDeletable).toBe(true);
      if (isEveryOneDeletable) {
        expect([...deleted].sort()).toEqual([...s.leftovers].sort());
        // the declared tokens are made anew after the create, whether or not they were among the leftovers
        expect(plan.actions.filter((a) => a.kind === 'create').map((a) => a.token).sort()).toEqual([...s.declaredTokens].sort());
      }
    }), { numRuns: 300 });
  });
});

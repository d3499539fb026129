import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { generationName, generationTime } from '../../src/plan/generation-name.js';
import type { PlanAction } from '../../src/plan/plan-types.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1); // 2026-10-01T00:00:00Z
const rotate = { everyMs: 30 * DAY, overlapMs: 2 * DAY };

function plan(names: string[], nowMs: number, extra: { isProtected?: boolean; forced?: boolean; revokeOld?: boolean } = {}) {
  const token = desiredToken('ci', { rotate, isProtected: extra.isProtected ?? false });
  const desired = desiredState([desiredCluster('prod', [desiredAccount(FLEET, { tokens: [token] })])]);
  const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: names })]);
  const forcedRotations = extra.forced
    ? [{ cluster: 'prod', principal: FLEET, token: 'ci', isRevokingOld: extra.revokeOld ?? false }] : [];
  return buildPlan(desired, [observed], { nowMs, forcedRotations }).clusters[0]!;
}

/** Applies a plan's actions to a set of names, creates first, as apply does. */
function applyActions(names: string[], actions: PlanAction[]): string[] {
  const created = actions.filter((a) => a.kind === 'create').map((a) => a.token);
  const deleted = new Set(actions.filter((a) => a.kind === 'delete').map((a) => a.token));
  return [...names, ...created].filter((n) => !deleted.has(n)).sort();
}

describe('generation names', () => {
  it('encode UTC time in a name Elasticsearch accepts, and decode it', () => {
    const name = generationName('ci', START);
    expect(name).toBe('ci-20261001T000000Z');
    expect(generationTime('ci', name)).toBe(START);
    expect(generationTime('ci', 'ci-other')).toBeNull();
    expect(generationTime('c', 'ci-20261001T000000Z')).toBeNull();
    expect(generationTime('ci', 'ci-20261301T000000Z')).not.toBe(START); // month 13 rolls: not equal to a real stamp
  });
});

describe('rotation over simulated months', () => {
  it('walks generations with the overlap respected and never leaves the account without a token', () => {
    let names: string[] = [];
    const history: string[] = [];
    for (let day = 0; day <= 100; day += 1) {
      const now = START + day * DAY;
      const result = plan(names, now);
      const before = names;
      names = applyActions(names, result.actions);
      expect(names.length).toBeGreaterThan(0);
      for (const action of result.actions) {
        history.push(`day ${day}: ${action.kind} ${action.token}`);
        // a deletion only ever removes an older generation while a newer one exists
        if (action.kind === 'delete') expect(before.some((n) => n > action.token)).toBe(true);
      }
    }
    expect(history).toEqual([
      'day 0: create ci-20261001T000000Z',
      'day 30: create ci-20261031T000000Z',
      'day 32: delete ci-20261001T000000Z',
      'day 60: create ci-20261130T000000Z',
      'day 62: delete ci-20261031T000000Z',
      'day 90: create ci-20261230T000000Z',
      'day 92: delete ci-20261130T000000Z',
    ]);
  });

  it('explains the rotation in words a reviewer understands', () => {
    const result = plan(['ci-20261001T000000Z'], START + 31 * DAY);
    expect(result.actions).toEqual([{
      kind: 'create', principal: FLEET, token: 'ci-20261101T000000Z',
      reason: 'rotate: ci-20261001T000000Z is 31d old, every 30d',
      rotation: { everyMs: rotate.everyMs, overlapMs: rotate.overlapMs, generation: 'ci-20261001T000000Z', ageMs: 31 * DAY },
    }]);
  });

  it('keeps older generations of a protected token, with a warning', () => {
    const result = plan(['ci-20261001T000000Z', 'ci-20261031T000000Z'], START + 33 * DAY, { isProtected: true });
    expect(result.actions).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toEqual(['ESCRED_PROTECTED_GENERATION']);
  });

  it.each([
    [false, ['create ci-20261005T000000Z']],
    [true, ['create ci-20261005T000000Z', 'delete ci-20261001T000000Z']],
  ])('escred rotate forces a new generation now (revoke old: %s)', (revokeOld, expected) => {
    const result = plan(['ci-20261001T000000Z'], START + 4 * DAY, { forced: true, revokeOld });
    expect(result.actions.map((a) => `${a.kind} ${a.token}`)).toEqual(expected);
  });

  it('never counts generations of a rotating token as undeclared tokens to prune', () => {
    const token = desiredToken('ci', { rotate });
    const account = desiredAccount(FLEET, { prune: 'owned', owns: ['ci-*'], tokens: [token] });
    const desired = desiredState([desiredCluster('prod', [account])]);
    const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: ['ci-20261001T000000Z', 'ci-stray'] })]);
    const result = buildPlan(desired, [observed], { nowMs: START + DAY }).clusters[0]!;
    expect(result.actions.map((a) => `${a.kind} ${a.token}`)).toEqual(['delete ci-stray']);
  });
});

import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { generationName, generationTime } from '../../src/ownership/generation-name.js';
import type { DesiredAccount } from '../../src/model.js';
import type { PlanAction } from '../../src/plan/plan-types.js';
import { desiredAccount, desiredCluster, desiredState, desiredToken, observedAccount, observedCluster } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const DAY = 86_400_000;
const START = Date.UTC(2026, 9, 1); // 2026-10-01T00:00:00Z
const rotate = { everyMs: 30 * DAY, overlapMs: 2 * DAY };
const OWNED: Partial<DesiredAccount> = { prune: 'owned', owns: ['ci-*'] };

interface PlanExtra {
  account?: Partial<DesiredAccount>;
  /** names whose value the sink holds; undefined: every observed name (a sink that has them all); null: cannot tell */
  sink?: string[] | null;
  forced?: boolean;
  revokeOld?: boolean;
  extraTokens?: string[];
}

function plan(names: string[], nowMs: number, extra: PlanExtra = {}) {
  const tokens = [desiredToken('ci', { rotate }), ...(extra.extraTokens ?? []).map((n) => desiredToken(n))];
  const desired = desiredState([desiredCluster('prod', [desiredAccount(FLEET, { ...(extra.account ?? OWNED), tokens })])]);
  const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: names })]);
  const forcedRotations = extra.forced
    ? [{ cluster: 'prod', principal: FLEET, token: 'ci', isRevokingOld: extra.revokeOld ?? false }] : [];
  const held = extra.sink === null ? null : new Set((extra.sink ?? names).map((n) => `prod/${FLEET}/${n}`));
  return buildPlan(desired, [observed], { nowMs, forcedRotations, sinkSecrets: held }).clusters[0]!;
}

const described = (actions: PlanAction[]) => actions.map((a) => `${a.kind} ${a.token}`);

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
      const result = plan(names, START + day * DAY);
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

  it.each([
    [false, ['create ci-20261005T000000Z']],
    [true, ['create ci-20261005T000000Z', 'delete ci-20261001T000000Z']],
  ])('escred rotate forces a new generation now (revoke old: %s)', (revokeOld, expected) => {
    const result = plan(['ci-20261001T000000Z'], START + 4 * DAY, { forced: true, revokeOld });
    expect(described(result.actions)).toEqual(expected);
  });

  it('never counts generations of a rotating token as undeclared tokens to prune', () => {
    const result = plan(['ci-20261001T000000Z', 'ci-stray'], START + DAY);
    expect(described(result.actions)).toEqual(['delete ci-stray']);
  });
});

/** Issue 12, item 1: rotation deletes only under the rules of every other delete. */
describe('rotation never bypasses ownership', () => {
  const HAND_MADE = 'ci-20200101T000000Z';

  it.each([
    ['a sink that lacks it', [] as string[]],
    ['a sink that cannot tell', null],
  ])('a hand-made generation-like token with no prune and no owns is never deleted (%s)', (_, sink) => {
    const first = plan([HAND_MADE], START, { account: {}, sink });
    expect(described(first.actions)).toEqual(['create ci-20261001T000000Z']);
    const later = plan([HAND_MADE, 'ci-20261001T000000Z'], START + 5 * DAY, { account: {}, sink: sink && ['ci-20261001T000000Z'] });
    expect(later.actions).toEqual([]);
    expect(later.warnings.filter((w) => w.token === HAND_MADE).map((w) => w.code)).toContain('ESCRED_GENERATION_KEPT');
  });

  it('a generation the sink lacks is never current: a new one is made, with a warning naming it', () => {
    const hourAgo = generationName('ci', START - 3_600_000);
    const result = plan([hourAgo], START, { sink: [] });
    expect(result.actions).toEqual([expect.objectContaining({ kind: 'create', token: 'ci-20261001T000000Z',
      reason: 'rotate: no generation of ci has its value in the secret sink' })]);
    expect(result.warnings).toEqual([expect.objectContaining({ token: hourAgo, code: 'ESCRED_GENERATION_NOT_SECURED' })]);
  });

  it('escred rotate --revoke-old within the second the current generation was made names the new one a second later', () => {
    const current = generationName('ci', START);
    const result = plan([current], START + 400, { forced: true, revokeOld: true });
    expect(described(result.actions)).toEqual([`create ${generationName('ci', START + 1000)}`, `delete ${current}`]);
  });

  it('an older secured generation stays current when a newer one is foreign', () => {
    const ours = 'ci-20261001T000000Z';
    const foreign = generationName('ci', START + DAY);
    const result = plan([ours, foreign], START + 2 * DAY, { sink: [ours] });
    expect(described(result.actions)).toEqual([`delete ${foreign}`]);
    expect(result.actions[0]!.reason).toMatch(/not the current generation of ci \(ci-20261001T000000Z\) and the secret sink has no value/);
  });

  it('account-level protect patterns keep old generations', () => {
    const result = plan(['ci-20261001T000000Z', 'ci-20261031T000000Z'], START + 33 * DAY,
      { account: { ...OWNED, protect: ['c*'] } });
    expect(result.actions).toEqual([]);
    expect(result.warnings).toEqual([expect.objectContaining({ token: 'ci-20261001T000000Z', code: 'ESCRED_GENERATION_KEPT',
      message: expect.stringContaining("protect 'c*' matches it") })]);
  });

  it.each([
    ['prune off', { owns: ['ci-*'] }, "prune is off (it matches owns 'ci-*')"],
    ['owns elsewhere', { prune: 'owned' as const, owns: ['gitops-*'] }, 'no owns pattern matches it'],
  ])('old generations stay when the account does not allow the delete (%s)', (_, account, why) => {
    const result = plan(['ci-20261001T000000Z', 'ci-20261031T000000Z'], START + 33 * DAY, { account });
    expect(result.actions).toEqual([]);
    expect(result.warnings[0]?.message).toContain(why);
  });

  it('a declared token named like a generation is never retired by rotation', () => {
    const declared = 'ci-20261001T000000Z';
    const result = plan([declared, 'ci-20261031T000000Z'], START + 33 * DAY, { extraTokens: [declared] });
    expect(result.actions).toEqual([]);
  });

  it('rotated-out generations count against maxDeletions like any delete', () => {
    const names = ['ci-20260101T000000Z', 'ci-20260201T000000Z', 'ci-20261001T000000Z'];
    const desired = desiredState([{ ...desiredCluster('prod', [desiredAccount(FLEET, { ...OWNED, tokens: [desiredToken('ci', { rotate })] })]), maxDeletions: 1 }]);
    const observed = observedCluster('prod', [observedAccount(FLEET, { indexTokens: names })]);
    const result = buildPlan(desired, [observed], { nowMs: START + 5 * DAY }).clusters[0]!;
    expect(result.actions.filter((a) => a.kind === 'delete')).toHaveLength(2);
    expect(result.error?.code).toBe('ESCRED_MAX_DELETIONS');
  });
});

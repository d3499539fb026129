/**
 * Rotated file tokens, planned: a 100-day walk where "the cluster" reports exactly the generations
 * the previous step's realisation declared (as if delivery wrote them and every node reloaded).
 */
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { realiseFileTokens } from '../../src/plan/realise-file-tokens.js';
import { isOwnedByAccount } from '../../src/ownership/file-token-ownership.js';
import { desiredAccount, desiredCluster, desiredFileToken, desiredState, observedAccount, observedCluster } from '../support/state-builders.js';

const KIBANA = 'elastic/kibana';
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const rotating = desiredAccount(KIBANA, {
  prune: 'owned', owns: ['boot-*'],
  fileTokens: [{ ...desiredFileToken('boot'), rotate: { everyMs: 30 * DAY, overlapMs: 2 * DAY } }, desiredFileToken('plain')],
});
const onAllNodes = (names: string[]) => Object.fromEntries(names.map((n) => [n, ['node-0', 'node-1', 'node-2']]));

describe('rotated file tokens', () => {
  it('walks generations every 30 days, keeping the old one for the 2-day overlap, never none', () => {
    let present: string[] = [];
    const changes: string[] = [];
    for (let day = 0; day <= 100; day += 1) {
      const observed = observedAccount(KIBANA, { fileTokens: onAllNodes(present) });
      const realised = realiseFileTokens(rotating, { knownNames: Object.keys(observed.fileTokens), nowMs: START + day * DAY, isSecured: () => true });
      const next = realised.account.fileTokens.map((t) => t.name).filter((n) => n !== 'plain').sort();
      const added = next.filter((n) => !present.includes(n));
      const removed = present.filter((n) => !next.includes(n));
      if (added.length + removed.length > 0) changes.push(`day ${day}: ${[...added.map((n) => `+${n}`), ...removed.map((n) => `-${n}`)].join(' ')}`);
      expect(next.length).toBeGreaterThanOrEqual(1);
      present = next;
    }
    expect(changes).toEqual([
      'day 0: +boot-20260101T000000Z',
      'day 30: +boot-20260131T000000Z',
      'day 32: -boot-20260101T000000Z',
      'day 60: +boot-20260302T000000Z',
      'day 62: -boot-20260131T000000Z',
      'day 90: +boot-20260401T000000Z',
      'day 92: -boot-20260302T000000Z',
    ]);
  });

  it('plan explains a due rotation and a retired generation in words, per node', () => {
    const observed = observedAccount(KIBANA, { fileTokens: onAllNodes(['boot-20260101T000000Z', 'plain']) });
    const desired = desiredState([desiredCluster('prod', [rotating])]);
    const plan = buildPlan(desired, [observedCluster('prod', [observed])], { nowMs: START + 31 * DAY });
    expect(plan.clusters[0]!.fileTokenDrift).toEqual([{
      principal: KIBANA, token: 'boot-20260201T000000Z', missingOn: ['node-0', 'node-1', 'node-2'], unexpectedOn: [], unknownOn: [],
      reason: 'rotate: boot-20260101T000000Z is 31d old, every 30d',
    }]);
    const later = observedAccount(KIBANA, { fileTokens: onAllNodes(['boot-20260101T000000Z', 'boot-20260201T000000Z', 'plain']) });
    const afterOverlap = buildPlan(desired, [observedCluster('prod', [later])], { nowMs: START + 34 * DAY });
    expect(afterOverlap.clusters[0]!.fileTokenDrift).toEqual([{
      principal: KIBANA, token: 'boot-20260101T000000Z', missingOn: [], unexpectedOn: ['node-0', 'node-1', 'node-2'], unknownOn: [],
      reason: expect.stringMatching(/^rotated out: boot-20260201T000000Z has existed for 3d, overlap 2d/),
    }]);
  });

  it('a line is owned by the same rule as any delete: a generation-like name proves nothing', () => {
    expect(isOwnedByAccount(rotating, 'boot-20260101T000000Z')).toBe(true); // owns boot-*, prune: owned
    expect(isOwnedByAccount({ ...rotating, prune: 'none' }, 'boot-20260101T000000Z')).toBe(false);
    expect(isOwnedByAccount({ ...rotating, protect: ['boot-2026*'] }, 'boot-20260101T000000Z')).toBe(false);
    expect(isOwnedByAccount(rotating, 'other-20260101T000000Z')).toBe(false);
  });

  it('a generation line the sink has no value for is never kept as current, nor removed without ownership', () => {
    const unowned = { ...rotating, prune: 'none' as const, owns: [] };
    const realised = realiseFileTokens(unowned, { knownNames: ['boot-20200101T000000Z'], nowMs: START, isSecured: () => false });
    expect(realised.account.fileTokens.map((t) => t.name)).toEqual(['boot-20260101T000000Z', 'plain']);
    expect(realised.retired.size).toBe(0);
    expect(realised.warnings.map((w) => w.code)).toEqual(['ESCRED_GENERATION_NOT_SECURED']);
    const later = realiseFileTokens(unowned, { knownNames: ['boot-20200101T000000Z', 'boot-20260101T000000Z'], nowMs: START + 5 * DAY,
      isSecured: (name) => name === 'boot-20260101T000000Z' });
    expect(later.retired.size).toBe(0);
    expect(later.warnings.map((w) => w.code)).toContain('ESCRED_GENERATION_KEPT');
  });
});

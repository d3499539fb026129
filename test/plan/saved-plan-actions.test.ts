/** Issue 20: a saved plan's actions are taken only where the re-plan makes them too. */
import { describe, expect, it } from 'vitest';
import type { AccountAction } from '../../src/plan/account-actions.js';
import { actionsNotReplanned } from '../../src/plan/saved-plan-actions.js';
import { PLAN_FORMAT_VERSION, summarize, type ClusterPlan, type Plan, type PlanAction } from '../../src/plan/plan-types.js';

const FLEET = 'elastic/fleet-server';
const cluster = (name: string, actions: PlanAction[], accountActions?: AccountAction[]): ClusterPlan =>
  ({ cluster: name, clusterUuid: 'u', version: '9.6.0', observedDigest: 'd', actions, fileTokenDrift: [], warnings: [], ...(accountActions ? { accountActions } : {}) });
const plan = (...clusters: ClusterPlan[]): Plan => ({ formatVersion: PLAN_FORMAT_VERSION, clusters, summary: summarize(clusters) });
const del = (token: string, reason = 'owned'): PlanAction => ({ kind: 'delete', principal: FLEET, token, reason });
const create = (token: string): PlanAction => ({ kind: 'create', principal: FLEET, token, reason: 'declared' });
const update = (roles: string[], isEnabled = true): AccountAction => ({ kind: 'update-account', principal: 'team/a', roles, isEnabled,
  rolesAdded: roles, rolesRemoved: [], enabledBefore: true, reason: 'differs' });

describe('actionsNotReplanned', () => {
  it('the same plan, reasons aside, has nothing extra', () => {
    expect(actionsNotReplanned(plan(cluster('c1', [del('g-1', 'edited'), create('g-2')])), plan(cluster('c1', [create('g-2'), del('g-1')])))).toEqual([]);
  });

  it.each([
    ['an added delete', [del('g-1'), del('hand-1')], [del('g-1')], [`delete ${FLEET} hand-1 on cluster c1`]],
    ['a create turned into a replace', [{ ...create('g-2'), kind: 'replace' as const }], [create('g-2')], [`replace ${FLEET} g-2 on cluster c1`]],
    ['another account', [{ ...del('g-1'), principal: 'elastic/kibana' }], [del('g-1')], ['delete elastic/kibana g-1 on cluster c1']],
  ])('%s is named', (_, saved, again, expected) => {
    expect(actionsNotReplanned(plan(cluster('c1', saved)), plan(cluster('c1', again)))).toEqual(expected);
  });

  it('an action on a cluster the re-plan does not have, or on another cluster', () => {
    expect(actionsNotReplanned(plan(cluster('c2', [del('g-1')])), plan(cluster('c1', [del('g-1')])))).toEqual([`delete ${FLEET} g-1 on cluster c2`]);
  });

  it('an account action is the same whatever its reason or the order of its fields', () => {
    const reordered = { reason: 'other words', rolesRemoved: [], enabledBefore: true, isEnabled: true, rolesAdded: ['a'], roles: ['a'],
      principal: 'team/a', kind: 'update-account' } as AccountAction;
    expect(actionsNotReplanned(plan(cluster('c1', [], [reordered])), plan(cluster('c1', [], [update(['a'])])))).toEqual([]);
  });

  it('a cluster entry without actions (an edited file) asks for nothing', () => {
    const bare = { ...cluster('c1', []), actions: undefined } as unknown as ClusterPlan;
    const saved: Plan = { formatVersion: PLAN_FORMAT_VERSION, clusters: [bare], summary: summarize([]) };
    expect(actionsNotReplanned(saved, plan(cluster('c1', [del('g-1')])))).toEqual([]);
  });

  it('an account action must write the same roles and enabled flag', () => {
    expect(actionsNotReplanned(plan(cluster('c1', [], [update(['a'])])), plan(cluster('c1', [], [update(['a'])])))).toEqual([]);
    expect(actionsNotReplanned(plan(cluster('c1', [], [update(['a', 'superuser'])])), plan(cluster('c1', [], [update(['a'])]))))
      .toEqual(['update-account team/a on cluster c1']);
    expect(actionsNotReplanned(plan(cluster('c1', [], [update(['a'], false)])), plan(cluster('c1', [], [update(['a'])]))))
      .toEqual(['update-account team/a on cluster c1']);
    expect(actionsNotReplanned(plan(cluster('c1', [], [{ kind: 'delete-account', principal: 'team/b', reason: 'x' }])), plan(cluster('c1', [], []))))
      .toEqual(['delete-account team/b on cluster c1']);
  });
});

/** A saved plan made from another state of the cluster is refused, and the refusal says what changed (issue 20). */
import { describe, expect, it } from 'vitest';
import type { ObservedCluster } from '../../src/model.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { assertPlanIsCurrent } from '../../src/plan/plan-file.js';
import { desiredAccount, desiredCluster, desiredState, observedAccount, observedCluster } from '../support/state-builders.js';

const FLEET = 'elastic/fleet-server';
const desired = desiredState([desiredCluster('prod', [desiredAccount(FLEET), desiredAccount('team/ingest', { userManaged: { roles: ['logs'], isEnabled: true } })])]);
/** the cluster as observed: fleet-server's tokens, and user-managed team/ingest (plus `others`) with these roles */
const observed = (tokens: string[], roles: string[], isEnabled = true, others: string[] = []): ObservedCluster =>
  observedCluster('prod', [observedAccount(FLEET, { indexTokens: tokens }), observedAccount('team/ingest')], {
    version: '9.6.0',
    userManaged: { accounts: [{ principal: 'team/ingest', roles, isEnabled }, ...others.map((principal) => ({ principal, roles: [], isEnabled: true }))],
      missingRoles: [], canManageSecurity: true },
  });
const stalePlanError = (now: ObservedCluster) => {
  const plan = buildPlan(desired, [observed(['a'], ['logs'])], { nowMs: 0 });
  try {
    assertPlanIsCurrent(plan, [now]);
  } catch (error) {
    return (error as Error & { code: string });
  }
  return undefined;
};

describe('a stale saved plan says what changed', () => {
  it.each([
    ['a token made since', observed(['a', 'b'], ['logs']), 'the tokens of elastic/fleet-server'],
    ['roles changed', observed(['a'], ['logs', 'audit']), 'the roles of user-managed account team/ingest'],
    ['the account disabled', observed(['a'], ['logs'], false), 'user-managed account team/ingest is now disabled'],
    ['an account made since', observed(['a'], ['logs'], true, ['team/new']), 'user-managed account team/new is new'],
    ['both', observed(['b'], ['audit']), 'the roles of user-managed account team/ingest; the tokens of elastic/fleet-server'],
  ])('%s', (_what, now, change) => {
    const error = stalePlanError(now);
    expect(error?.code).toBe('ESCRED_PLAN_STALE');
    expect(error?.message).toBe(`cluster prod changed since the plan was made (${change}); run escred plan again`);
  });

  it('a plan file without the parts (older escred) still says what may have changed', () => {
    const plan = buildPlan(desired, [observed(['a'], ['logs'])], { nowMs: 0 });
    delete plan.clusters[0]!.observedParts;
    expect(() => assertPlanIsCurrent(plan, [observed(['a'], ['audit'])]))
      .toThrow('cluster prod changed since the plan was made (its service tokens or user-managed accounts differ); run escred plan again');
  });

  it('an unchanged cluster passes', () => {
    expect(stalePlanError(observed(['a'], ['logs']))).toBeUndefined();
  });
});

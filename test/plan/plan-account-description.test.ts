/** Issue 22: a PUT replaces a user-managed account wholesale, so the plan's write carries what the manifest leaves out. */
import { describe, expect, it } from 'vitest';
import type { ObservedUserManagedAccount, UserManagedAccountSpec } from '../../src/model.js';
import { accountWriteOf } from '../../src/plan/account-actions.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { observedDigest } from '../../src/plan/observed-digest.js';
import { desiredAccount, desiredCluster, desiredState, observedCluster } from '../support/state-builders.js';

function accountActions(declared: UserManagedAccountSpec, seen: Omit<ObservedUserManagedAccount, 'principal'>) {
  const desired = desiredState([desiredCluster('prod', [desiredAccount('team/ingest', { userManaged: declared })])]);
  const userManaged = { accounts: [{ principal: 'team/ingest', ...seen }], missingRoles: [], canManageSecurity: true };
  return buildPlan(desired, [observedCluster('prod', [], { userManaged })], { nowMs: 0 }).clusters[0]!.accountActions ?? [];
}

describe('the write of a user-managed account', () => {
  it('sends back the description and other fields the cluster reported when the manifest declares none', () => {
    const [action] = accountActions({ roles: ['a', 'b'], isEnabled: true },
      { roles: ['a'], isEnabled: true, description: 'by hand', keptFields: { metadata: { team: 'x' } } });
    expect(action).toMatchObject({ kind: 'update-account', rolesAdded: ['b'] });
    expect(action && action.kind !== 'delete-account' ? accountWriteOf(action) : undefined)
      .toEqual({ roles: ['a', 'b'], isEnabled: true, description: 'by hand', keptFields: { metadata: { team: 'x' } } });
    expect(action).not.toHaveProperty('descriptionBefore');
  });

  it('an undeclared description that differs is no change', () => {
    expect(accountActions({ roles: ['a'], isEnabled: true }, { roles: ['a'], isEnabled: true, description: 'anything' })).toEqual([]);
  });

  it.each([
    ['differs', 'new', 'old', 'old'],
    ['the cluster has none', 'new', undefined, null],
    ['"" is a description, apart from none', '', undefined, null],
  ])('a declared description that %s is an update with descriptionBefore', (_, want, have, before) => {
    const [action] = accountActions({ roles: ['a'], isEnabled: true, description: want }, { roles: ['a'], isEnabled: true, description: have });
    expect(action).toMatchObject({ kind: 'update-account', description: want, descriptionBefore: before, rolesAdded: [], rolesRemoved: [] });
  });

  it('a declared description equal to the cluster\'s is no change; a new account is created with it', () => {
    expect(accountActions({ roles: ['a'], isEnabled: true, description: 'd' }, { roles: ['a'], isEnabled: true, description: 'd' })).toEqual([]);
    const desired = desiredState([desiredCluster('prod', [desiredAccount('team/new', { userManaged: { roles: [], isEnabled: true, description: 'd' } })])]);
    const userManaged = { accounts: [], missingRoles: [], canManageSecurity: true };
    const plan = buildPlan(desired, [observedCluster('prod', [], { userManaged })], { nowMs: 0 });
    expect(plan.clusters[0]!.accountActions).toEqual([{ kind: 'create-account', principal: 'team/new', roles: [], isEnabled: true, description: 'd', reason: 'declared, not in the cluster' }]);
  });

  it('a saved plan is stale once the description or a kept field changed: its write would send back the old ones', () => {
    const digest = (extra: Partial<ObservedUserManagedAccount>) => observedDigest(observedCluster('prod', [], {
      userManaged: { accounts: [{ principal: 'team/ingest', roles: ['a'], isEnabled: true, ...extra }], missingRoles: [], canManageSecurity: true } }));
    expect(digest({ description: 'one' })).not.toBe(digest({ description: 'two' }));
    expect(digest({ keptFields: { metadata: 1 } })).not.toBe(digest({ keptFields: { metadata: 2 } }));
    expect(digest({ description: 'one' })).toBe(digest({ description: 'one', editedAt: 5 })); // attribution alone is no change
  });
});

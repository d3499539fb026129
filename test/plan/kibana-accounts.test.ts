/** Issue 22: an account Kibana created or last changed is deleted only when owns names it without a wildcard. */
import { describe, expect, it } from 'vitest';
import type { AccountAuthor, ObservedUserManagedAccount } from '../../src/model.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { desiredCluster, desiredState, observedCluster } from '../support/state-builders.js';

const KIBANA: AccountAuthor = { principal: 'elastic/kibana', realm: '_service_account', realmType: '_service_account' };
const ALICE: AccountAuthor = { principal: 'alice', realm: 'default_native', realmType: 'native' };
const account = (principal: string, creator: AccountAuthor, editor?: AccountAuthor): ObservedUserManagedAccount =>
  ({ principal, roles: [], isEnabled: true, creator, createdAt: 1, ...(editor ? { editor, editedAt: 2 } : {}) });

function plan(owns: string[], accounts: ObservedUserManagedAccount[], protect: string[] = []) {
  const desired = desiredState([desiredCluster('prod', [], { userManagedAccounts: { prune: 'owned', owns, protect } })]);
  const userManaged = { accounts, missingRoles: [], canManageSecurity: true };
  return buildPlan(desired, [observedCluster('prod', [], { userManaged })], { nowMs: 0 }).clusters[0]!;
}

describe("Kibana's own accounts", () => {
  it.each([
    ['created by Kibana', account('kibana/automation-client', KIBANA), 'created'],
    ['last changed by Kibana', account('kibana/automation-client', ALICE, KIBANA), 'last changed'],
  ])('%s, owned by a wildcard: kept, and the plan says why', (_, observed, by) => {
    const cluster = plan(['kibana/*'], [observed]);
    expect(cluster.accountActions ?? []).toEqual([]);
    expect(cluster.warnings).toEqual([{ principal: 'kibana/automation-client', code: 'ESCRED_KIBANA_ACCOUNT_KEPT',
      message: `user-managed service account kibana/automation-client is not declared and matches owns 'kibana/*', but Kibana (elastic/kibana) ${by} it: ` +
        'escred keeps it and its tokens; to delete it, name it in userManagedAccounts.owns without a wildcard' }]);
  });

  it('named in owns without a wildcard: deleted; protected: neither deleted nor warned about', () => {
    expect(plan(['kibana/automation-client'], [account('kibana/automation-client', KIBANA)]).accountActions)
      .toEqual([{ kind: 'delete-account', principal: 'kibana/automation-client',
        reason: "owned ('kibana/automation-client') and not declared; Kibana (elastic/kibana) created it, and owns names it without a wildcard" }]);
    const protectedOne = plan(['kibana/*'], [account('kibana/automation-client', KIBANA)], ['kibana/automation-client']);
    expect([protectedOne.accountActions ?? [], protectedOne.warnings]).toEqual([[], []]);
  });

  it('an account nobody at Kibana touched is deleted by the wildcard as before', () => {
    expect(plan(['kibana/*'], [account('kibana/old', ALICE)]).accountActions?.map((a) => a.kind)).toEqual(['delete-account']);
  });
});

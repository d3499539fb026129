/** Issue 22: reading one user-managed account as the cluster reports it. */
import { describe, expect, it } from 'vitest';
import { accountWriteBody } from '../../src/cluster/user-account-calls.js';
import { parseAccountEntry } from '../../src/cluster/user-account-entry.js';

describe('parseAccountEntry', () => {
  const entry = {
    type: 'user_managed', managed_by: 'user', roles: ['b', 'a', 'b'], enabled: false, description: 'd',
    creator: { principal: 'alice', full_name: 'Alice', realm: 'default_native', realm_type: 'native' }, created_at: 1,
    editor: { principal: 'bob', realm: 'default_native', realm_type: 'native', api_key: { id: 'k1', name: 'ci' } }, edited_at: 2,
    _sort: ['x'], metadata: { team: 'x' },
  };

  it('reads roles as a set, enabled, description, attribution; keeps the fields it does not know', () => {
    expect(parseAccountEntry('team/a', entry)).toEqual({
      principal: 'team/a', roles: ['a', 'b'], isEnabled: false, description: 'd', keptFields: { metadata: { team: 'x' } },
      creator: { principal: 'alice', fullName: 'Alice', realm: 'default_native', realmType: 'native' }, createdAt: 1,
      editor: { principal: 'bob', realm: 'default_native', realmType: 'native', apiKey: { id: 'k1', name: 'ci' } }, editedAt: 2,
    });
  });

  it('the write sends kept fields, roles, enabled and the description, never the server-set fields', () => {
    expect(accountWriteBody(parseAccountEntry('team/a', entry))).toEqual({ metadata: { team: 'x' }, roles: ['a', 'b'], enabled: false, description: 'd' });
    expect(accountWriteBody({ roles: [], isEnabled: true })).toEqual({ roles: [], enabled: true });
  });
});

/** Issue 22: who escred's credentials are, from _authenticate, to tell its own edits from a person's. */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { escredIdentity, identityOf } from '../../src/cluster/escred-identity.js';

describe('escred identity', () => {
  it('_authenticate: the lookup realm, and the API key id when there is one', () => {
    expect(identityOf({ username: 'alice', authentication_realm: { name: '_es_api_key' }, lookup_realm: { name: 'default_native' }, api_key: { id: 'k1', name: 'ci' } }))
      .toEqual({ principal: 'alice', realm: 'default_native', apiKeyId: 'k1' });
    expect(identityOf({ error: 'x' })).toBeNull();
  });

  it('_authenticate is asked once per connection: a daemon\'s passes reuse the answer', async () => {
    let calls = 0;
    const connection = { clusterName: 'c', send: async () => {
      calls += 1;
      return { status: 200, headers: {}, body: { username: 'elastic', authentication_realm: { name: 'reserved' }, lookup_realm: { name: 'reserved' } } };
    } } as unknown as ClusterConnection;
    expect(await escredIdentity(connection)).toEqual({ principal: 'elastic', realm: 'reserved' });
    expect(await escredIdentity(connection)).toEqual({ principal: 'elastic', realm: 'reserved' });
    expect(calls).toBe(1);
  });

  it('a failed call is not remembered: the next pass asks again', async () => {
    let calls = 0;
    const connection = { clusterName: 'c', send: async () => {
      calls += 1;
      if (calls === 1) throw new Error('ECONNRESET');
      return { status: 200, headers: {}, body: { username: 'elastic', lookup_realm: { name: 'reserved' } } };
    } } as unknown as ClusterConnection;
    await expect(escredIdentity(connection)).rejects.toThrow('ECONNRESET');
    expect(await escredIdentity(connection)).toEqual({ principal: 'elastic', realm: 'reserved' });
  });
});

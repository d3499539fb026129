/**
 * Issue 22: listing user-managed accounts. A stub connection stands in for a cluster without the query API, which
 * the emulator has no profile for (its 9.6 profile has the API); the paging itself is tested against the emulator
 * in test/e2e/user-managed-listing.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterConnection } from '../../src/cluster/cluster-connection.js';
import { listUserManagedAccounts, queryUserManagedAccounts } from '../../src/cluster/query-user-accounts.js';

type Answer = { status: number; body: unknown };

function stubConnection(answer: (method: string, path: string, body: unknown) => Answer) {
  const calls: string[] = [];
  const connection = {
    clusterName: 'c',
    async send(method: string, path: string, options: { body?: unknown } = {}) {
      calls.push(`${method} ${path}${options.body ? ` ${JSON.stringify(options.body)}` : ''}`);
      const { status, body } = answer(method, path, options.body);
      return { status, headers: {}, body };
    },
  } as unknown as ClusterConnection;
  return { connection, calls };
}

describe('listing user-managed accounts', () => {
  it('a cluster without the query API (capability not supported): the one unpaged GET', async () => {
    const { connection, calls } = stubConnection((_, path) => path.startsWith('/_capabilities')
      ? { status: 200, body: { supported: false } }
      : { status: 200, body: { 'team/a': { type: 'user_managed', roles: ['r'], enabled: true } } });
    expect(await listUserManagedAccounts(connection)).toEqual([{ principal: 'team/a', roles: ['r'], isEnabled: true }]);
    expect(calls).toEqual([
      'GET /_capabilities?method=POST&path=%2F_security%2F_query%2Fservice&capabilities=user_managed_service_accounts',
      'GET /_security/service?type=user_managed',
    ]);
  });

  it('pages follow _sort with search_after and stop at total (no empty last page)', async () => {
    const all = ['a/1', 'a/2', 'a/3', 'a/4'];
    const { connection, calls } = stubConnection((_, __, body) => {
      const { size, search_after: after } = body as { size: number; search_after?: string[] };
      const rest = all.filter((p) => !after || p > after[0]!).slice(0, size);
      return { status: 200, body: { total: all.length, count: rest.length, service_accounts: rest.map((p) => ({ username: p, type: 'user_managed', roles: [], enabled: true, _sort: [p] })) } };
    });
    expect((await queryUserManagedAccounts(connection, 2)).map((a) => a.principal)).toEqual(all);
    expect(calls).toEqual([
      'GET /_security/_query/service {"size":2,"sort":["username"]}',
      'GET /_security/_query/service {"size":2,"sort":["username"],"search_after":["a/2"]}',
    ]);
  });

  it('a page that ignores the body (10 unsorted hits of 2,000: a proxy dropped it) is an error, never a short list', async () => {
    const { connection } = stubConnection(() => ({ status: 200, body: { total: 2000, count: 10,
      service_accounts: Array.from({ length: 10 }, (_, i) => ({ username: `a/${i}`, type: 'user_managed', roles: [], enabled: true })) } }));
    await expect(queryUserManagedAccounts(connection)).rejects.toThrow(/10 of 2000 accounts came back without the sort values asked for/);
  });
});

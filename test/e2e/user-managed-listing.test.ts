/**
 * Issue 22 end to end against the 9.6 emulator: user-managed accounts are listed through the query API in pages
 * of 1,000 sorted on username (`search_after`), so 2,000 accounts cost two pages, as the emulator's request log shows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startE2e, type E2e } from '../support/e2e-harness.js';

const COUNT = 2000;
const principals = Array.from({ length: COUNT }, (_, i) => `bulk/acct-${String(i).padStart(4, '0')}`);

describe('listing many user-managed accounts, end to end', () => {
  let e2e: E2e | undefined;
  afterEach(async () => {
    await e2e?.close();
    e2e = undefined;
  });

  const listingRequests = (env: E2e) => env.emulator.requests().map((r) => `${r.method} ${r.path}`)
    .filter((line) => line.includes('/_security/_query/service') || line === 'GET /_security/service');

  it('escred accounts and plan read 2,000 accounts in two query pages, never the unpaged user_managed GET', async () => {
    const env = e2e = await startE2e({ esVersion: '9.6.0', nodeCount: 1 });
    await env.emulator.seedUserManagedAccounts(principals.map((principal) => ({ principal, roles: ['reader'] })));
    env.emulator.securityRefresh.refreshNow();
    env.writeManifest({ 'team/ingest': { roles: [] } }, { userManagedAccounts: { prune: 'owned', owns: ['team/*'] } });

    env.emulator.clearRequests();
    const listed = await env.cli(['accounts', '--output', 'json']);
    expect(listed.code).toBe(0);
    const userManaged = JSON.parse(listed.stdout).clusters[0].accounts.filter((a: { type: string }) => a.type === 'user_managed');
    expect(userManaged.map((a: { principal: string }) => a.principal)).toEqual(principals);
    // the one GET of /_security/service is the built-in accounts' listing (no `type`: it hides user-managed ones)
    expect(listingRequests(env)).toEqual(['GET /_security/service', 'GET /_security/_query/service', 'GET /_security/_query/service']);

    env.emulator.clearRequests();
    const plan = await env.cli(['plan', '--output', 'json']);
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.clusters[0].accountActions).toEqual([expect.objectContaining({ kind: 'create-account', principal: 'team/ingest' })]);
    expect(listingRequests(env)).toEqual(['GET /_security/_query/service', 'GET /_security/_query/service']);
  });
});

import { describe, expect, it } from 'vitest';
import { renderAccounts, summarizeAccounts } from '../../src/cluster/account-summary.js';

const ACCOUNTS = {
  'elastic/fleet-server': {
    role_descriptor: {
      cluster: ['monitor', 'manage_own_api_key'],
      indices: [
        { names: ['logs-*', 'metrics-*'], privileges: ['write', 'create_index'], allow_restricted_indices: false },
        { names: ['.fleet-*'], privileges: ['read', 'write'], allow_restricted_indices: true },
      ],
      applications: [{ application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] }],
      run_as: [], metadata: {}, transient_metadata: { enabled: true },
    },
  },
  'elastic/auto-ops': { role_descriptor: { cluster: ['monitor'], indices: [], applications: [], run_as: [] } },
  'elastic/odd': { role_descriptor: 'not an object' },
};

describe('summarizeAccounts', () => {
  it('sorts accounts, marks declared ones and reads privileges, tolerating odd descriptors', () => {
    const summary = summarizeAccounts(ACCOUNTS, new Set(['elastic/fleet-server']));
    expect(summary.map((a) => [a.principal, a.isDeclared])).toEqual([
      ['elastic/auto-ops', false], ['elastic/fleet-server', true], ['elastic/odd', false],
    ]);
    expect(summary[1]).toMatchObject({
      cluster: ['monitor', 'manage_own_api_key'],
      indices: [{ names: ['logs-*', 'metrics-*'], privileges: ['write', 'create_index'], allowRestrictedIndices: false },
        { names: ['.fleet-*'], privileges: ['read', 'write'], allowRestrictedIndices: true }],
      applications: [{ application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] }],
    });
    expect(summary[2]).toMatchObject({ cluster: [], indices: [], applications: [], runAs: [] });
  });

  it('renders one block per cluster', () => {
    const text = renderAccounts([{ cluster: 'prod', clusterName: 'es', version: '9.4.0',
      accounts: summarizeAccounts({ 'elastic/fleet-server': ACCOUNTS['elastic/fleet-server'] }, new Set(['elastic/fleet-server'])) }]);
    expect(text).toMatchInlineSnapshot(`
      "cluster prod (es, Elasticsearch 9.4.0): 1 service account
        elastic/fleet-server  (in the manifest)
          cluster: monitor, manage_own_api_key
          indices logs-*, metrics-*: write, create_index
          indices .fleet-*: read, write (restricted indices too)
          application kibana-*: reserved_fleet-setup on *"
    `);
  });
});

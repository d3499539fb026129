/**
 * Conformance: GET /_security/service[/{ns}[/{svc}]] (spec §1.1, §5).
 * Written from the spec, not from the emulator's code. Key order of the response is random in
 * ES (Map.copyOf), so only key sets are compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILES, SA_PATH, startHarness, type Harness } from './harness.js';

const FLEET = 'elastic/fleet-server';
const KIBANA = 'elastic/kibana';
const ENT_SEARCH = 'elastic/enterprise-search-server';
const FLEET_REMOTE = 'elastic/fleet-server-remote';
const AUTO_OPS = 'elastic/auto-ops';

// §5 table, written out per profile rather than taken from src/es/built-in-accounts.ts so that a
// shared mistake there cannot hide here.
const ACCOUNTS: Record<string, string[]> = {
  '7.14.0': [FLEET],
  '7.17.0': [FLEET, KIBANA],
  '8.19.0': [FLEET, KIBANA, ENT_SEARCH, FLEET_REMOTE, AUTO_OPS],
  '9.4.0': [FLEET, KIBANA, FLEET_REMOTE, AUTO_OPS],
  '9.6.0': [FLEET, KIBANA, FLEET_REMOTE, AUTO_OPS],
};
const EVERY_ACCOUNT = [FLEET, KIBANA, ENT_SEARCH, FLEET_REMOTE, AUTO_OPS];

const ALWAYS_KEYS = ['cluster', 'indices', 'applications', 'run_as', 'metadata', 'transient_metadata'];
// present only when non-empty / set (§1.1); treated as opaque
const OPTIONAL_KEYS = ['global', 'remote_indices', 'description', 'remote_cluster', 'restriction'];

interface IndexGroup {
  names: string[];
  privileges: string[];
  allow_restricted_indices: boolean;
}

function groupFor(descriptor: { indices: IndexGroup[] }, indexName: string): IndexGroup | undefined {
  return descriptor.indices.find((group) => group.names.includes(indexName));
}

describe.each(PROFILES)('GET service accounts, ES $esVersion', (profile) => {
  let h: Harness;
  const expected = ACCOUNTS[profile.esVersion] ?? [];
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each([
    ['all accounts', SA_PATH],
    ['namespace elastic', `${SA_PATH}/elastic`],
  ])('%s -> 200 with exactly the built-in accounts of this version', async (_label, path) => {
    const reply = await h.call('GET', path);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.json).sort()).toEqual([...expected].sort());
  });

  it.each(EVERY_ACCOUNT.map((principal) => [principal, expected.includes(principal)] as const))(
    'GET %s -> present=%s (200 either way, {} when absent)',
    async (principal, isPresent) => {
      const reply = await h.call('GET', `${SA_PATH}/${principal}`);
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.json)).toEqual(isPresent ? [principal] : []);
    },
  );

  it.each([
    ['unknown namespace', 'foo'],
    ['unknown namespace and service', 'foo/bar'],
    ['unknown service', 'elastic/nope'],
    ['namespace is case-sensitive', 'Elastic/fleet-server'],
    ['service is case-sensitive', 'elastic/Fleet-Server'],
    ['no wildcards in service', 'elastic/fleet*'],
    ['no wildcards in namespace', '*/fleet-server'],
    ['no prefix match', 'elastic/fleet'],
  ])('%s (%s) -> 200 {}', async (_label, suffix) => {
    const reply = await h.call('GET', `${SA_PATH}/${suffix}`);
    expect([reply.status, reply.json]).toEqual([200, {}]);
  });

  it.each(expected)('%s has a role descriptor of the RoleDescriptor JSON shape', async (principal) => {
    const reply = await h.call('GET', `${SA_PATH}/${principal}`);
    const entry = reply.json[principal];
    // 9.6+: every entry starts with `type` (user-managed-service-accounts.md 1.3, ServiceAccountInfo [code]).
    expect(Object.keys(entry)).toEqual(profile.esVersion === '9.6.0' ? ['type', 'role_descriptor'] : ['role_descriptor']);
    const descriptor = entry.role_descriptor;
    const keys = Object.keys(descriptor);
    expect(keys).toEqual(expect.arrayContaining(ALWAYS_KEYS));
    expect(keys.filter((key) => !ALWAYS_KEYS.includes(key) && !OPTIONAL_KEYS.includes(key))).toEqual([]);
    expect(descriptor.run_as).toEqual([]);
    expect(descriptor.metadata).toEqual({});
    expect(descriptor.transient_metadata).toEqual({ enabled: true });
    expect(descriptor.cluster).toEqual(expect.any(Array));
    for (const group of descriptor.indices) {
      expect(group).toMatchObject({ names: expect.any(Array), privileges: expect.any(Array), allow_restricted_indices: expect.any(Boolean) });
      const extra = Object.keys(group).filter((k) => !['names', 'privileges', 'allow_restricted_indices', 'field_security', 'query'].includes(k));
      expect(extra).toEqual([]);
    }
    for (const app of descriptor.applications) {
      expect(Object.keys(app).sort()).toEqual(['application', 'privileges', 'resources']);
    }
    for (const key of ['global', 'remote_indices']) {
      // only written when non-empty (§1.1)
      if (key in descriptor) expect(Object.keys(descriptor[key]).length).toBeGreaterThan(0);
    }
  });

  it('fleet-server: core privileges present in every version (§5)', async () => {
    const descriptor = (await h.call('GET', `${SA_PATH}/${FLEET}`)).json[FLEET].role_descriptor;
    expect(descriptor.cluster).toEqual(expect.arrayContaining(['monitor', 'manage_own_api_key']));
    expect(groupFor(descriptor, 'logs-*')?.privileges).toEqual(expect.arrayContaining(['write', 'create_index', 'auto_configure']));
  });

  const hasFleetSetup = profile.esVersion !== '7.14.0';
  it(`fleet-server: Kibana reserved_fleet-setup application privilege ${hasFleetSetup ? 'present (7.16+)' : 'absent (before 7.16)'}`, async () => {
    const descriptor = (await h.call('GET', `${SA_PATH}/${FLEET}`)).json[FLEET].role_descriptor;
    const setup = { application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] };
    if (hasFleetSetup) expect(descriptor.applications).toContainEqual(setup);
    else expect(descriptor.applications).toEqual([]);
  });

  it.runIf(profile.esVersion === '7.14.0')('fleet-server 7.14: early descriptor (.fleet-* without maintenance, not restricted)', async () => {
    // spec: 7.13 "early code" descriptor; that 7.14 still has it is [inferred] from maintenance arriving in 7.16.3
    const descriptor = (await h.call('GET', `${SA_PATH}/${FLEET}`)).json[FLEET].role_descriptor;
    expect(descriptor.cluster).toEqual(['monitor', 'manage_own_api_key']);
    expect(groupFor(descriptor, '.fleet-*')).toEqual({
      names: ['.fleet-*'],
      privileges: ['read', 'write', 'monitor', 'create_index', 'auto_configure'],
      allow_restricted_indices: false,
    });
  });

  it.runIf(profile.esVersion === '9.4.0')('fleet-server 9.x: cluster privileges as in the 9.x source', async () => {
    const descriptor = (await h.call('GET', `${SA_PATH}/${FLEET}`)).json[FLEET].role_descriptor;
    expect(descriptor.cluster).toEqual(['monitor', 'manage_own_api_key', 'read_fleet_secrets', 'cluster:admin/xpack/connector/*']);
    expect(groupFor(descriptor, '.fleet-secrets*')).toMatchObject({ privileges: ['read'], allow_restricted_indices: true });
  });

  it.runIf(expected.includes(FLEET_REMOTE))('fleet-server-remote descriptor (§5)', async () => {
    const descriptor = (await h.call('GET', `${SA_PATH}/${FLEET_REMOTE}`)).json[FLEET_REMOTE].role_descriptor;
    expect(descriptor.cluster).toEqual(['monitor', 'manage_own_api_key']);
    expect(descriptor.indices).toEqual([
      { names: ['logs-*', 'metrics-*', 'traces-*'], privileges: ['write', 'create_index', 'auto_configure'], allow_restricted_indices: false },
    ]);
  });

  it.runIf(expected.includes(AUTO_OPS))('auto-ops descriptor (§5)', async () => {
    const descriptor = (await h.call('GET', `${SA_PATH}/${AUTO_OPS}`)).json[AUTO_OPS].role_descriptor;
    expect(descriptor.cluster).toEqual(['monitor', 'read_ilm', 'read_slm']);
    expect(descriptor.indices).toEqual([{ names: ['*'], privileges: ['monitor', 'view_index_metadata'], allow_restricted_indices: true }]);
  });

  it.runIf(expected.includes(ENT_SEARCH))('enterprise-search-server descriptor (§5)', async () => {
    // spec: descriptor content read at @f36ac43b; that 8.19 still has it is [inferred]
    const descriptor = (await h.call('GET', `${SA_PATH}/${ENT_SEARCH}`)).json[ENT_SEARCH].role_descriptor;
    expect(descriptor.cluster).toEqual(['manage', 'manage_security']);
    expect(groupFor(descriptor, 'search-*')?.privileges).toEqual(['manage', 'read', 'write']);
    expect(groupFor(descriptor, '.ent-search-*')?.privileges).toEqual(['manage', 'read', 'write']);
  });
});

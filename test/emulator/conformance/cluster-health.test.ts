/**
 * Conformance: GET /_cluster/health and GET /_capabilities, in every era.
 * Sources: RestClusterHealthAction / ClusterHealthResponse [code]; every service_accounts YAML suite
 * starts with `cluster.health: {wait_for_status: yellow}` (10_basic.yml@6cbdfc64, 20_user_managed.yml@03f56605);
 * RestNodesCapabilitiesAction.java@040c17bb [code] (params, GET only); the 9.6 suites gate on
 * `capabilities: [user_managed_service_accounts]` for PUT /_security/service/{namespace}/{service}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROFILES, FLEET, YAML_NODE_NAMES, credentialPath, esError, isAtLeast, startHarness, userAuth, writeFileTokens, type Harness } from './harness.js';

const HEALTH_KEYS = [
  'cluster_name', 'status', 'timed_out', 'number_of_nodes', 'number_of_data_nodes', 'active_primary_shards', 'active_shards',
  'relocating_shards', 'initializing_shards', 'unassigned_shards',
];
const HEALTH_TAIL = ['delayed_unassigned_shards', 'number_of_pending_tasks', 'number_of_in_flight_fetch', 'task_max_waiting_in_queue_millis', 'active_shards_percent_as_number'];

describe.each(ALL_PROFILES)('cluster health and capabilities, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...profile, nodeNames: YAML_NODE_NAMES });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('wait_for_status=yellow (the YAML setup) -> 200, a green cluster of the emulated nodes, keys in ES order', async () => {
    const reply = await h.call('GET', '/_cluster/health?wait_for_status=yellow');
    expect(reply.status).toBe(200);
    const middle = isAtLeast(profile.esVersion, 8, 16) ? ['unassigned_primary_shards'] : [];
    expect(Object.keys(reply.json)).toEqual([...HEALTH_KEYS, ...middle, ...HEALTH_TAIL]);
    expect(reply.json).toMatchObject({ cluster_name: h.emu.clusterName, status: 'green', timed_out: false, number_of_nodes: 3, number_of_data_nodes: 3 });
    expect(reply.json.active_shards_percent_as_number).toBe(100);
  });

  it.each([
    'wait_for_status=green&timeout=1s',
    'wait_for_nodes=3',
    'wait_for_nodes=>=2&wait_for_no_relocating_shards=true&wait_for_no_initializing_shards=true',
    'wait_for_nodes=ge(1)&wait_for_active_shards=all&wait_for_events=languid&master_timeout=30s&local=true',
  ])('%s -> 200, not timed out', async (query) => {
    const reply = await h.call('GET', `/_cluster/health?${query}`);
    expect([reply.status, reply.json.timed_out]).toEqual([200, false]);
  });

  it('a node count the cluster does not have -> 408 after the timeout, timed_out: true, still green', async () => {
    const reply = await h.call('GET', '/_cluster/health?wait_for_nodes=5&timeout=10ms');
    expect([reply.status, reply.json.timed_out, reply.json.status]).toEqual([408, true, 'green']);
  });

  it('level=indices adds an `indices` object', async () => {
    const reply = await h.call('GET', '/_cluster/health?level=indices');
    expect(reply.status).toBe(200);
    expect(reply.json.indices).toEqual({});
  });

  it.each([
    ['wait_for_status=blue', 'unknown cluster health status [blue]'],
    ['timeout=30', 'failed to parse setting [timeout] with value [30] as a time value: unit is missing or unrecognized'],
  ])('%s -> 400 illegal_argument_exception', async (query, reason) => {
    const reply = await h.call('GET', `/_cluster/health?${query}`);
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', reason)]);
  });

  it('an unknown parameter -> 400 unrecognized parameter', async () => {
    const reply = await h.call('GET', '/_cluster/health?wait_for_colour=green');
    expect(reply.status).toBe(400);
    expect(reply.json.error.reason).toBe('request [/_cluster/health] contains unrecognized parameter: [wait_for_colour]');
  });

  it('needs cluster:monitor/health: a user with manage_service_account only -> 403', async () => {
    const reply = await h.call('GET', '/_cluster/health', { auth: userAuth('sam') });
    expect(reply.status).toBe(403);
    expect(reply.json.error.reason).toMatch(/^action \[cluster:monitor\/health\] is unauthorized for user \[sam\] with (effective )?roles \[service_account_manager\], this action is granted by the cluster privileges \[monitor,manage,all\]$/);
    expect((await h.call('GET', '/_cluster/health', { auth: userAuth('mon') })).status).toBe(200);
  });

  it('--node-names: the nodes carry the given names', async () => {
    expect(h.emu.nodes.map((node) => node.name)).toEqual(YAML_NODE_NAMES);
    const cat = await h.call('GET', '/_cat/nodes?h=name&format=json');
    expect(cat.json.map((row: { name: string }) => row.name)).toEqual(YAML_NODE_NAMES);
  });

  if (isAtLeast(profile.esVersion, 7, 15)) {
    it('a file token on the first node is reported under that node name (10_basic.yml@6cbdfc64 matches yamlRestTest-0)', async () => {
      await writeFileTokens(h.emu, 'yamlRestTest-0', [{ key: `${FLEET}/token1`, secret: 'a-file-token-secret' }]);
      const reply = await h.call('GET', credentialPath(FLEET));
      expect(reply.json.nodes_credentials.file_tokens.token1.nodes).toEqual(['yamlRestTest-0']);
    });
  }

  if (!isAtLeast(profile.esVersion, 8, 14)) {
    it('GET /_capabilities does not exist before 8.14 -> 400 no handler found', async () => {
      const reply = await h.call('GET', '/_capabilities?method=GET&path=/');
      expect([reply.status, reply.json]).toEqual([400, { error: 'no handler found for uri [/_capabilities?method=GET&path=/] and method [GET]', status: 400 }]);
    });
    return;
  }

  it('GET /_capabilities: _nodes header, cluster_name, supported', async () => {
    const reply = await h.call('GET', `/_capabilities?method=GET&path=${encodeURIComponent('/_cluster/health')}&parameters=wait_for_status,timeout`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ _nodes: { total: 3, successful: 3, failed: 0 }, cluster_name: h.emu.clusterName, supported: true });
  });

  const hasUserManaged = isAtLeast(profile.esVersion, 9, 6);
  it.each([
    ['GET', '/_security/service/{namespace}/{service}/credential', '', '', true],
    ['DELETE', '/_security/service/{namespace}/{service}/credential/token/{name}', 'refresh', '', true],
    ['GET', '/_cluster/health', 'no_such_param', '', false],
    ['GET', '/_no/such/route', '', '', false],
    ['PUT', '/_security/service/{namespace}/{service}', '', 'user_managed_service_accounts', hasUserManaged],
    ['DELETE', '/_security/service/{namespace}/{service}', 'force', 'user_managed_service_accounts', hasUserManaged],
    // [code] GET does not declare the capability
    ['GET', '/_security/service/{namespace}/{service}', '', 'user_managed_service_accounts', false],
  ])('%s %s parameters=[%s] capabilities=[%s] -> supported %s', async (method, path, parameters, capabilities, supported) => {
    const query = new URLSearchParams({ method, path, parameters, capabilities });
    const reply = await h.call('GET', `/_capabilities?${query.toString()}`);
    expect([reply.status, reply.json.supported]).toEqual([200, supported]);
  });

  it('a method that is not an HTTP method -> 400 (RestRequest.Method.valueOf)', async () => {
    const reply = await h.call('GET', '/_capabilities?method=get&path=/');
    expect([reply.status, reply.json.error.type]).toEqual([400, 'illegal_argument_exception']);
  });
});

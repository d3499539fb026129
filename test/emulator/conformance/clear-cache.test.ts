/**
 * Conformance: POST /_security/service/{ns}/{svc}/credential/token/{names}/_clear_cache (spec §1.5, §2, §4.3).
 * The answer is a standard nodes response; names are validated in the REST handler, so a bad one is a
 * bare illegal_argument_exception (not a validation failure), and `*` / `_all` only count when alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FLEET, PROFILES, clearCachePath, esError, invalidNameMessage, startHarness, type Harness } from './harness.js';

describe.each(PROFILES)('clear service-token cache, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => {
    h.emu.clearFaults();
  });

  function nodesBody(nodes: ReadonlyArray<{ id: string; name: string }>): unknown {
    return {
      _nodes: { total: 3, successful: 3, failed: 0 },
      cluster_name: h.emu.clusterName,
      nodes: Object.fromEntries(nodes.map((node) => [node.id, { name: node.name }])),
    };
  }

  it.each([
    ['every token of the account (*)', FLEET, '*'],
    ['every token of the account (_all)', FLEET, '_all'],
    ['one name', FLEET, 'token1'],
    ['a comma-separated list', FLEET, 'token1,-dash,x_y,Z9'],
    ['a name that does not exist', FLEET, 'does-not-exist'],
    ['an account that does not exist (no existence check)', 'foo/bar', 'does-not-exist'],
    ['a 256-char name', FLEET, 'z'.repeat(256)],
  ])('%s -> 200 nodes response over all nodes', async (_label, principal, names) => {
    const reply = await h.call('POST', clearCachePath(principal, names));
    expect([reply.status, reply.json]).toEqual([200, nodesBody(h.emu.nodes)]);
    expect(Object.keys(reply.json)).toEqual(['_nodes', 'cluster_name', 'nodes']);
  });

  it.each([
    ['_leading-underscore', '_leading-underscore'],
    ['has.dot', 'has.dot'],
    ['x'.repeat(257), 'x'.repeat(257)],
    ['ok,_bad', '_bad'],
    // `*` is only the wildcard when it is the sole element; in a list it is validated like any name
    ['*,token1', '*'],
    ['token1,_all', '_all'],
    ['fleet*', 'fleet*'],
  ])('invalid name list %s -> 400 illegal_argument_exception naming [%s]', async (names, offending) => {
    const reply = await h.call('POST', clearCachePath(FLEET, names));
    expect([reply.status, reply.json]).toEqual([400, esError(400, 'illegal_argument_exception', invalidNameMessage(offending))]);
  });

  it('a failing node appears in _nodes.failures and is missing from nodes; status stays 200', async () => {
    // §4.3: the same nodes header (with failures) as the credentials API
    const failing = h.emu.nodes[1]!;
    h.emu.setFaults({ failingNodes: [failing.name] });
    const reply = await h.call('POST', clearCachePath(FLEET, '*'));
    expect(reply.status).toBe(200);
    const healthy = h.emu.nodes.filter((node) => node.id !== failing.id);
    expect(reply.json).toEqual({
      _nodes: {
        total: 3,
        successful: 2,
        failed: 1,
        failures: [
          {
            type: 'failed_node_exception',
            reason: `Failed node [${failing.id}]`,
            node_id: failing.id,
            caused_by: expect.objectContaining({ type: expect.any(String), reason: expect.any(String) }),
          },
        ],
      },
      cluster_name: h.emu.clusterName,
      nodes: Object.fromEntries(healthy.map((node) => [node.id, { name: node.name }])),
    });
  });

  it('only POST is routed: GET -> 405', async () => {
    // spec: [inferred] generic ES 405 wording, as for PUT on the auto-name create route
    const path = clearCachePath(FLEET, '*');
    const reply = await h.call('GET', path);
    expect([reply.status, reply.json]).toEqual([
      405,
      { error: `Incorrect HTTP method for uri [${path}] and method [GET], allowed: [POST]`, status: 405 },
    ]);
  });
});

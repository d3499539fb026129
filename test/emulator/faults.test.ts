/**
 * Fault injection and counters: latency, failing nodes, status answers with Retry-After, connection
 * reset, a response lost after the create was committed, and the /_emulator/ control endpoint.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startKit, type Kit } from './emulator-test-kit.js';

const FLEET_TOKENS = '/_security/service/elastic/fleet-server/credential';

describe('emulator faults and counters', () => {
  let kit: Kit;
  beforeAll(async () => {
    kit = await startKit();
  });
  afterAll(async () => {
    await kit?.close();
    removeDir(kit.dataDir);
  });
  afterEach(() => {
    kit.emu.clearFaults();
  });

  it('latencyMs delays every response', async () => {
    kit.emu.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await kit.call('GET', '/_security/_authenticate')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('a failing node appears in _nodes.failures and its file tokens are not reported', async () => {
    const failing = kit.emu.nodes[1]!;
    kit.emu.setFaults({ failingNodes: [failing.name] });
    const reply = await kit.call('GET', FLEET_TOKENS);
    expect(reply.status).toBe(200);
    expect(reply.json.nodes_credentials._nodes).toMatchObject({ total: 3, successful: 2, failed: 1 });
    expect(reply.json.nodes_credentials._nodes.failures[0]).toMatchObject({
      type: 'failed_node_exception',
      reason: `Failed node [${failing.id}]`,
      node_id: failing.id,
      caused_by: { type: expect.any(String), reason: expect.any(String) },
    });
  });

  it.each([
    [429, 'es_rejected_execution_exception'],
    [503, 'cluster_block_exception'],
  ])('status %i answers an ES error with Retry-After, only `times` times', async (status, type) => {
    kit.emu.setFaults({ rules: [{ method: 'POST', path: '/credential/token', action: 'status', status, retryAfterSeconds: 7, times: 1 }] });
    const first = await kit.call('POST', `${FLEET_TOKENS}/token/retry-${status}`);
    expect(first.status).toBe(status);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json).toMatchObject({ error: { type, root_cause: [{ type }] }, status });
    const second = await kit.call('POST', `${FLEET_TOKENS}/token/retry-${status}`);
    expect(second.status).toBe(200);
  });

  it('rules match method and path: other requests pass', async () => {
    kit.emu.setFaults({ rules: [{ method: 'DELETE', action: 'status', status: 500 }] });
    expect((await kit.call('GET', FLEET_TOKENS)).status).toBe(200);
    expect((await kit.call('DELETE', `${FLEET_TOKENS}/token/nope`)).status).toBe(500);
  });

  it('reset destroys the connection before the request is handled', async () => {
    kit.emu.setFaults({ rules: [{ path: '/token/reset-me', action: 'reset', times: 1 }] });
    await expect(kit.call('POST', `${FLEET_TOKENS}/token/reset-me`)).rejects.toThrow();
    const listed = await kit.call('GET', FLEET_TOKENS);
    expect(Object.keys(listed.json.tokens)).not.toContain('reset-me');
  });

  it('lose-response commits the create, then drops the connection without answering', async () => {
    kit.emu.setFaults({ rules: [{ method: 'POST', path: '/token/lost', action: 'lose-response', times: 1 }] });
    await expect(kit.call('POST', `${FLEET_TOKENS}/token/lost`)).rejects.toThrow();
    const listed = await kit.call('GET', FLEET_TOKENS);
    expect(Object.keys(listed.json.tokens)).toContain('lost');
    const again = await kit.call('POST', `${FLEET_TOKENS}/token/lost`);
    expect(again.status).toBe(409);
  });

  it('misname-token commits the create as asked, but its answer names another token', async () => {
    kit.emu.setFaults({ rules: [{ method: 'POST', path: '/token/asked', action: 'misname-token', times: 1 }] });
    const answer = await kit.call('POST', `${FLEET_TOKENS}/token/asked`);
    expect(answer.json.token.name).toBe('asked-other');
    expect(Object.keys((await kit.call('GET', FLEET_TOKENS)).json.tokens)).toContain('asked');
    expect((await kit.call('POST', `${FLEET_TOKENS}/token/asked-too`)).json.token.name).toBe('asked-too');
  });

  it('counters count per route template and in total; resetCounters empties them', async () => {
    kit.emu.resetCounters();
    await kit.call('GET', FLEET_TOKENS);
    await kit.call('GET', '/_security/service/elastic/kibana/credential');
    await kit.call('POST', `${FLEET_TOKENS}/token`);
    expect(kit.emu.counters()).toEqual({
      'GET /_security/service/{namespace}/{service}/credential': 2,
      'POST /_security/service/{namespace}/{service}/credential/token': 1,
      total: 3,
    });
    kit.emu.resetCounters();
    expect(kit.emu.counters()).toEqual({});
  });

  it('the /_emulator/ control endpoint sets and clears faults and reads counters, uncounted', async () => {
    kit.emu.resetCounters();
    const put = await kit.call('PUT', '/_emulator/faults', { body: JSON.stringify({ rules: [{ path: '/_authenticate', action: 'status', status: 503 }] }) });
    expect(put.status).toBe(200);
    const faulted = await kit.call('GET', '/_security/_authenticate');
    expect([faulted.status, faulted.headers['retry-after']]).toEqual([503, '1']);
    expect((await kit.call('DELETE', '/_emulator/faults')).status).toBe(200);
    expect((await kit.call('GET', '/_security/_authenticate')).status).toBe(200);
    const counters = await kit.call('GET', '/_emulator/counters');
    expect(counters.json).toEqual({ 'GET /_security/_authenticate': 2, total: 2 });
    expect((await kit.call('DELETE', '/_emulator/counters')).status).toBe(200);
    expect((await kit.call('GET', '/_emulator/counters')).json).toEqual({});
  });

  it('isCacheClearFailing: delete answers 500 "clearing the cache ... failed" although the token is gone', async () => {
    expect((await kit.call('POST', `${FLEET_TOKENS}/token/cache-victim`)).status).toBe(200);
    kit.emu.setFaults({ isCacheClearFailing: true });
    const reply = await kit.call('DELETE', `${FLEET_TOKENS}/token/cache-victim`);
    expect([reply.status, reply.json.error.type, reply.json.error.reason]).toEqual([
      500,
      'exception',
      'clearing the cache for service token [elastic/fleet-server/cache-victim] failed. please clear the cache manually',
    ]);
    // IndexServiceAccountTokenStore.deleteToken clears the cache after every delete, found or not [code].
    const notFound = await kit.call('DELETE', `${FLEET_TOKENS}/token/cache-victim`);
    expect([notFound.status, notFound.json.error.reason]).toEqual([500, 'clearing the cache for service token [elastic/fleet-server/cache-victim] failed. please clear the cache manually']);
    kit.emu.clearFaults();
    expect((await kit.call('DELETE', `${FLEET_TOKENS}/token/cache-victim`)).json).toEqual({ found: false });
  });

  it('isCacheClearFailing before the security index exists: found:false, no cache clear to fail', async () => {
    const fresh = await startKit();
    fresh.emu.setFaults({ isCacheClearFailing: true });
    const reply = await fresh.call('DELETE', `${FLEET_TOKENS}/token/never-created`);
    expect([reply.status, reply.json]).toEqual([404, { found: false }]);
    await fresh.close();
    removeDir(fresh.dataDir);
  });

  it('failingNodes must name existing nodes', async () => {
    expect(() => kit.emu.setFaults({ failingNodes: ['node-9'] })).toThrow(/node-9/);
    const reply = await kit.call('PUT', '/_emulator/faults', { body: JSON.stringify({ failingNodes: ['nope'] }) });
    expect(reply.status).toBe(400);
  });

  it('stop() does not wait for requests held by latency, and they write nothing', async () => {
    const other = await startKit();
    other.emu.setFaults({ latencyMs: 400 });
    const pending = other.call('POST', `${FLEET_TOKENS}/token/never`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(300);
    expect(await pending).toBeInstanceOf(Error);
    // past the latency: a request that was not dropped would have committed its create by now
    await new Promise((resolve) => setTimeout(resolve, 600));
    const restarted = await startKit({}, other.dataDir);
    expect((await restarted.call('GET', FLEET_TOKENS)).json.tokens).toEqual({});
    await restarted.close();
    removeDir(other.dataDir);
  });

  it('an invalid fault spec is refused with 400', async () => {
    const reply = await kit.call('PUT', '/_emulator/faults', { body: JSON.stringify({ rules: [{ action: 'explode' }] }) });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatch(/action/);
  });
});

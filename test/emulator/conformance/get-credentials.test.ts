/**
 * Conformance: GET /_security/service/{ns}/{svc}/credential (spec §1.2, §4).
 * 7.15+ answers with file tokens aggregated over all nodes (`nodes_credentials`); 7.13–7.14 with the
 * coordinating node's file tokens only (`node_name`, top-level `file_tokens`).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FLEET, PROFILES, credentialPath, isAtLeast, startHarness, tokenPath, writeFileTokens, type Harness } from './harness.js';
import { newSecret } from './token-crypto.js';

// Created in this (unsorted) order; expected back in Java String.compareTo order (UTF-16 code
// units: '-' < digits < upper case < '_' < lower case), written out by hand on purpose.
const INDEX_TOKENS = ['b', 'ab', 'a_b', 'aB', 'a0', 'a-b', 'Zed', 'Apple', '9nine', '0zero', '-dash', 'shared'];
const SORTED_INDEX_TOKENS = ['-dash', '0zero', '9nine', 'Apple', 'Zed', 'a-b', 'a0', 'aB', 'a_b', 'ab', 'b', 'shared'];

/** file tokens per node index; `shared` also exists as an index token (double count, §4.1) */
const FILE_TOKENS: string[][] = [
  [`${FLEET}/file-all`, `${FLEET}/shared`, 'foo/bar/orphan', `${FLEET}/zz-node0`],
  [`${FLEET}/file-all`, `${FLEET}/file-one`, 'elastic/kibana/kfile'],
  [`${FLEET}/file-all`, `${FLEET}/file-two`],
];

function emptyObjects(names: string[]): Record<string, object> {
  return Object.fromEntries(names.map((name) => [name, {}]));
}

async function seed(h: Harness): Promise<void> {
  for (const name of INDEX_TOKENS) {
    const reply = await h.call('POST', tokenPath(FLEET, name));
    expect(reply.status).toBe(200);
  }
  if (isAtLeast(h.emu.version, 7, 15)) {
    expect((await h.call('POST', tokenPath('elastic/kibana', 'kibana-index'))).status).toBe(200);
  }
  for (const [i, keys] of FILE_TOKENS.entries()) {
    const node = h.emu.nodes[i];
    if (!node) throw new Error('the conformance tests need 3 nodes');
    await writeFileTokens(h.emu, node.name, keys.map((key) => ({ key, secret: newSecret() })));
  }
}

const NEW_FORMAT = PROFILES.filter((p) => isAtLeast(p.esVersion, 7, 15));

describe.each(NEW_FORMAT)('GET credentials, all-nodes format, ES $esVersion', (profile) => {
  let h: Harness;
  let names: string[];
  beforeAll(async () => {
    h = await startHarness(profile);
    names = h.emu.nodes.map((node) => node.name);
    await seed(h);
  });
  afterAll(async () => {
    await h?.close();
  });
  afterEach(() => {
    h.emu.clearFaults();
  });

  const allNodes = () => ({ total: 3, successful: 3, failed: 0 });

  it('fleet-server: sorted index tokens, file tokens per node with sorted node names, double count', async () => {
    const reply = await h.call('GET', credentialPath(FLEET));
    expect(reply.status).toBe(200);
    const [n0, n1, n2] = names as [string, string, string];
    expect(reply.json).toEqual({
      service_account: FLEET,
      count: INDEX_TOKENS.length + 5,
      tokens: emptyObjects(SORTED_INDEX_TOKENS),
      nodes_credentials: {
        _nodes: allNodes(),
        file_tokens: {
          'file-all': { nodes: [n0, n1, n2].sort() },
          shared: { nodes: [n0] },
          'zz-node0': { nodes: [n0] },
          'file-one': { nodes: [n1] },
          'file-two': { nodes: [n2] },
        },
      },
    });
  });

  it('field order is service_account, count, tokens, nodes_credentials{_nodes, file_tokens}; tokens keys sorted', async () => {
    const { json } = await h.call('GET', credentialPath(FLEET));
    expect(Object.keys(json)).toEqual(['service_account', 'count', 'tokens', 'nodes_credentials']);
    expect(Object.keys(json.nodes_credentials)).toEqual(['_nodes', 'file_tokens']);
    expect(Object.keys(json.tokens)).toEqual(SORTED_INDEX_TOKENS);
  });

  it.each([
    ['unknown built-in-looking account', 'elastic/nope', {}],
    ['unknown namespace: no existence check, but matching file tokens are listed', 'foo/bar', { orphan: [0] }],
    ['kibana: only its own tokens', 'elastic/kibana', { kfile: [1] }],
  ])('%s (%s) -> 200', async (_label, principal, fileTokens: Record<string, number[]>) => {
    const reply = await h.call('GET', credentialPath(principal));
    const indexTokens = principal === 'elastic/kibana' ? ['kibana-index'] : [];
    const files = Object.fromEntries(Object.entries(fileTokens).map(([name, idx]) => [name, { nodes: idx.map((i) => names[i]) }]));
    expect([reply.status, reply.json]).toEqual([
      200,
      {
        service_account: principal,
        count: indexTokens.length + Object.keys(files).length,
        tokens: emptyObjects(indexTokens),
        nodes_credentials: { _nodes: allNodes(), file_tokens: files },
      },
    ]);
  });

  it('a failing node shows in _nodes.failures, its file tokens are absent, status stays 200', async () => {
    const failing = h.emu.nodes[2]!;
    h.emu.setFaults({ failingNodes: [failing.name] });
    const reply = await h.call('GET', credentialPath(FLEET));
    expect(reply.status).toBe(200);
    const [n0, n1] = names as [string, string];
    expect(reply.json.count).toBe(INDEX_TOKENS.length + 4);
    expect(reply.json.nodes_credentials.file_tokens).toEqual({
      'file-all': { nodes: [n0, n1].sort() },
      shared: { nodes: [n0] },
      'zz-node0': { nodes: [n0] },
      'file-one': { nodes: [n1] },
    });
    expect(reply.json.nodes_credentials._nodes).toEqual({
      total: 3,
      successful: 2,
      failed: 1,
      failures: [
        {
          type: 'failed_node_exception',
          reason: `Failed node [${failing.id}]`,
          node_id: failing.id,
          // the cause is whatever broke on that node: only its shape is specified
          caused_by: expect.objectContaining({ type: expect.any(String), reason: expect.any(String) }),
        },
      ],
    });
  });

  it('no failures key once the node is back', async () => {
    const reply = await h.call('GET', credentialPath(FLEET));
    expect(reply.json.nodes_credentials._nodes).toEqual(allNodes());
  });
});

const OLD_FORMAT = PROFILES.filter((p) => !isAtLeast(p.esVersion, 7, 15));

describe.each(OLD_FORMAT)('GET credentials, local-node format, ES $esVersion', (profile) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(profile);
    await seed(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  function localFileTokens(nodeName: string, principal: string): string[] {
    const index = h.emu.nodes.findIndex((node) => node.name === nodeName);
    const prefix = `${principal}/`;
    return (FILE_TOKENS[index] ?? []).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)).sort();
  }

  it.each([
    [FLEET, SORTED_INDEX_TOKENS],
    ['elastic/nope', []],
    ['foo/bar', []],
  ])('%s -> node_name + top-level file_tokens of that node only, all sorted', async (principal, indexTokens) => {
    const reply = await h.call('GET', credentialPath(principal));
    expect(reply.status).toBe(200);
    const nodeName = reply.json.node_name;
    expect(h.emu.nodes.map((node) => node.name)).toContain(nodeName);
    const files = localFileTokens(nodeName, principal);
    expect(reply.json).toEqual({
      service_account: principal,
      node_name: nodeName,
      count: indexTokens.length + files.length,
      tokens: emptyObjects(indexTokens),
      file_tokens: emptyObjects(files),
    });
    expect(Object.keys(reply.json)).toEqual(['service_account', 'node_name', 'count', 'tokens', 'file_tokens']);
    expect(Object.keys(reply.json.tokens)).toEqual(indexTokens);
    expect(Object.keys(reply.json.file_tokens)).toEqual(files);
  });
});

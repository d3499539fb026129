import { describe, expect, it } from 'vitest';
import { parseCredentials } from '../../src/cluster/parse-credentials.js';

const FLEET = 'elastic/fleet-server';

describe('parseCredentials', () => {
  it('reads the 7.15+ nodes_credentials format, sorting names and nodes', () => {
    const body = {
      service_account: FLEET, count: 3,
      tokens: { 'token-b': {}, 'token-a': {} },
      nodes_credentials: {
        _nodes: { total: 3, successful: 3, failed: 0 },
        file_tokens: { 'file-z': { nodes: ['node-1', 'node-0'] }, 'file-a': { nodes: ['node-2'] } },
      },
    };
    const account = parseCredentials(FLEET, body);
    expect(account).toEqual({
      principal: FLEET, indexTokens: ['token-a', 'token-b'], format: 'nodes',
      fileTokens: { 'file-a': ['node-2'], 'file-z': ['node-0', 'node-1'] },
      nodes: { total: 3, successful: 3, failed: 0, failures: [] },
    });
    expect(Object.keys((account as { fileTokens: object }).fileTokens)).toEqual(['file-a', 'file-z']);
  });

  it('keeps failed nodes as failures with their reason', () => {
    const body = {
      service_account: FLEET, count: 0, tokens: {},
      nodes_credentials: {
        _nodes: {
          total: 2, successful: 1, failed: 1,
          failures: [{ type: 'failed_node_exception', reason: 'Failed node [abc]', node_id: 'abc',
            caused_by: { type: 'node_not_connected_exception', reason: 'node not connected' } }],
        },
        file_tokens: {},
      },
    };
    const account = parseCredentials(FLEET, body);
    expect(account).toMatchObject({ nodes: { total: 2, successful: 1, failed: 1,
      failures: [{ nodeId: 'abc', reason: 'Failed node [abc]: node not connected' }] } });
  });

  it('reads the 7.13-7.14 flat format as the local node only', () => {
    const body = { service_account: FLEET, node_name: 'node-0', count: 2, tokens: { t1: {} }, file_tokens: { f1: {} } };
    expect(parseCredentials(FLEET, body)).toEqual({
      principal: FLEET, indexTokens: ['t1'], fileTokens: { f1: ['node-0'] }, format: 'local', localNode: 'node-0',
      nodes: { total: 1, successful: 1, failed: 0, failures: [] },
    });
  });

  it.each([
    [null, /not a JSON object/],
    [{ service_account: FLEET }, /tokens/],
    [{ tokens: {} }, /neither/],
    [{ tokens: {}, nodes_credentials: { _nodes: { total: 'x' } } }, /total/],
  ])('describes a body of the wrong shape: %j', (body, message) => {
    expect(parseCredentials(FLEET, body)).toMatch(message);
  });

  it('sorts index tokens in Java String order (- < digits < upper < _ < lower)', () => {
    const body = { tokens: { a: {}, _x: {}, Z: {}, '1': {}, '-': {} }, nodes_credentials: { _nodes: { total: 1, successful: 1, failed: 0 } } };
    expect(parseCredentials(FLEET, body)).toMatchObject({ indexTokens: ['-', '1', 'Z', '_x', 'a'], fileTokens: {} });
  });
});

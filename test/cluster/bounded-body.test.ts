/**
 * Issue 20: a `GET /` answering an endless body grew escred to 2.5 GB. Every answer is read up to
 * MAX_RESPONSE_BYTES, then the call fails naming the cluster and the call, and the rest is not read.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterConnection } from '../../src/cluster/cluster-connection.js';
import { MAX_RESPONSE_BYTES } from '../../src/cluster/es-transport.js';
import type { EscredError } from '../../src/errors.js';
import { desiredCluster } from '../support/state-builders.js';
import { makeTestCa, startTestServer, type Handler, type TestCa, type TestServer } from './tls-test-server.js';

let ca: TestCa;
let server: TestServer;
/** bytes the endless handler got written before escred hung up */
let written = 0;

/**
 * An answer that never ends, with backpressure. Bounded all the same (4x the limit), so that a
 * regression fails this test instead of hanging it.
 */
const endless: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
  const chunk = Buffer.alloc(1024 * 1024, ' ');
  const pump = (): void => {
    while (!res.destroyed && written < 4 * MAX_RESPONSE_BYTES) {
      written += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
};

beforeAll(async () => {
  ca = await makeTestCa();
  server = await startTestServer(ca, endless);
});
afterAll(async () => {
  await server?.stop();
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});

describe('response bodies are bounded', () => {
  it('an endless answer to GET / fails naming the cluster and the call, and is not read to its end', async () => {
    const connection = createClusterConnection(desiredCluster('prod', [], { urls: [server.url], tls: { isInsecure: false, caFile: ca.caFile } }),
      { env: { PW: 'pw' }, retry: { maxRetries: 0 } });
    let error: EscredError | undefined;
    try {
      await connection.info();
    } catch (caught) {
      error = caught as EscredError;
    } finally {
      await connection.close();
    }
    expect(error?.code).toBe('ESCRED_BAD_RESPONSE');
    expect(error?.message).toBe('cluster prod: GET /: unexpected answer: the body is larger than 64 MiB, the most escred reads of one answer ' +
      '(a credentials list of 100,000 tokens is about 27 MB): is this URL Elasticsearch, or a proxy in front of it?');
    // escred hung up near the limit (socket buffers hold a few MB more), not at the server's own bound
    expect(written).toBeLessThan(2 * MAX_RESPONSE_BYTES);
  });

  it('the largest answer expected still reads: a credentials GET of 100,000 tokens with 256-character names, pretty-printed', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `${String(i).padStart(6, '0')}${'t'.repeat(250)}`);
    const answer = JSON.stringify({ service_account: 'elastic/fleet-server', count: names.length,
      tokens: Object.fromEntries(names.map((name) => [name, {}])), nodes_credentials: { _nodes: { total: 1, successful: 1, failed: 0 }, file_tokens: {} } }, null, 2);
    expect(Buffer.byteLength(answer)).toBeGreaterThan(MAX_RESPONSE_BYTES / 4);
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(answer);
    });
    const connection = createClusterConnection(desiredCluster('prod', [], { urls: [server.url], tls: { isInsecure: false, caFile: ca.caFile } }), { env: { PW: 'pw' } });
    try {
      expect((await connection.getCredentials('elastic/fleet-server')).indexTokens).toHaveLength(100_000);
    } finally {
      await connection.close();
      server.setHandler(endless);
    }
  });
});

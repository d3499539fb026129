import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClusterConnection, type ClusterConnectionOptions } from '../../src/cluster/cluster-connection.js';
import { ElasticsearchError } from '../../src/cluster/elasticsearch-error.js';
import type { EscredError } from '../../src/errors.js';
import type { DesiredCluster, TlsConfig } from '../../src/model.js';
import { desiredCluster } from '../support/state-builders.js';
import { deadUrl, makeTestCa, sendJson, startTestServer, type Handler, type TestCa, type TestServer } from './tls-test-server.js';
import { ERROR_CODES } from '../../src/error-codes.js';

const env = { PW: 'pw' };
const INFO = { name: 'n0', cluster_name: 'es', cluster_uuid: 'uuid-1', version: { number: '9.4.0', build_flavor: 'default' }, tagline: 'You Know, for Search' };
const answerInfo: Handler = (_req, res) => sendJson(res, 200, INFO);

let ca: TestCa;
let server: TestServer;
beforeAll(async () => {
  ca = await makeTestCa();
  server = await startTestServer(ca, answerInfo);
});
afterAll(async () => {
  await server?.stop();
  if (ca) fs.rmSync(ca.dir, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.setHandler(answerInfo);
});

function cluster(tls: Partial<TlsConfig>, extra: Partial<DesiredCluster> = {}): DesiredCluster {
  return desiredCluster('prod', [], { urls: [server.url], tls: { isInsecure: false, ...tls }, ...extra });
}

async function failure(run: () => Promise<unknown>): Promise<EscredError> {
  try {
    await run();
  } catch (error) {
    return error as EscredError;
  }
  throw new Error('expected a failure');
}

async function withConnection<T>(c: DesiredCluster, work: (conn: ReturnType<typeof createClusterConnection>) => Promise<T>, options: ClusterConnectionOptions = {}): Promise<T> {
  const connection = createClusterConnection(c, { env, ...options });
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}

describe('TLS', () => {
  it.each([
    ['the CA file', () => ({ caFile: ca.caFile })],
    ['the CA fingerprint as ES prints it', () => ({ caFingerprint: ca.caFingerprint })],
    ['the leaf fingerprint, lower case without colons', () => ({ caFingerprint: ca.leafFingerprint.replace(/:/g, '').toLowerCase() })],
    ['insecure', () => ({ isInsecure: true })],
  ])('trusts the server with %s', async (_what, tls) => {
    const info = await withConnection(cluster(tls()), (conn) => conn.info());
    expect(info).toEqual({ clusterName: 'es', clusterUuid: 'uuid-1', version: '9.4.0', buildFlavor: 'default' });
  });

  it('refuses a wrong fingerprint with a clear error, without retrying or failing over', async () => {
    const wrong = 'AB:'.repeat(31) + 'AB';
    const error = await failure(() => withConnection(cluster({ caFingerprint: wrong }, { urls: [server.url, server.url] }), (conn) => conn.info()));
    expect(error.code).toBe(ERROR_CODES.tlsFailed);
    expect(error.isRetryable).toBe(false);
    expect(error.message).toMatch(/certificate was refused.*pinned SHA-256 fingerprint (AB:){31}AB /);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a server whose CA is not trusted (system CAs only)', async () => {
    const error = await failure(() => withConnection(cluster({}), (conn) => conn.info()));
    expect(error.code).toBe(ERROR_CODES.tlsFailed);
  });
});

describe('retries and failover', () => {
  it('retries a GET on 503 after the Retry-After delay', async () => {
    let calls = 0;
    server.setHandler((req, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 503, { error: { type: 'x', reason: 'busy' }, status: 503 }, { 'retry-after': '1' });
      return answerInfo(req, res, '');
    });
    const started = Date.now();
    await withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.info(), { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(calls).toBe(2);
  });

  it('gives up after maxRetries with a retryable ElasticsearchError naming the call', async () => {
    server.setHandler((_req, res) => sendJson(res, 429, { error: { type: 'es_rejected_execution_exception', reason: 'too many' }, status: 429 }));
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.getCredentials('elastic/fleet-server'),
      { retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } }));
    expect(error).toBeInstanceOf(ElasticsearchError);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toBe('cluster prod: GET /_security/service/elastic/fleet-server/credential: 429 es_rejected_execution_exception: too many');
    expect(server.requests).toHaveLength(3);
  });

  it('never retries a POST on 502 (429 and 503 on a create are retried: test/cluster/retry-policy.test.ts)', async () => {
    server.setHandler((_req, res) => sendJson(res, 502, { error: { type: 'x', reason: 'bad gateway' }, status: 502 }, { 'retry-after': '0' }));
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.createToken('elastic/fleet-server', 't1')));
    expect((error as ElasticsearchError).status).toBe(502);
    expect(server.requests).toHaveLength(1);
  });

  it('turns a reset after sending a POST into ESCRED_CREATE_OUTCOME_UNKNOWN, sent once', async () => {
    server.setHandler((req) => req.socket.destroy());
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }, { urls: [server.url, server.url] }),
      (conn) => conn.createToken('elastic/fleet-server', 't1')));
    expect(error.code).toBe(ERROR_CODES.createOutcomeUnknown);
    expect(error.message).toContain('elastic/fleet-server/t1');
    expect(server.requests).toHaveLength(1);
  });

  it('fails over from a dead URL to a live one, for GET and for POST (never sent to the dead one)', async () => {
    const dead = await deadUrl();
    server.setHandler((req, res) => (req.method === 'POST'
      ? sendJson(res, 200, { created: true, token: { name: 't1', value: 'AAEAAsecret' } })
      : answerInfo(req, res, '')));
    await withConnection(cluster({ caFile: ca.caFile }, { urls: [dead, server.url] }), async (conn) => {
      expect((await conn.info()).clusterUuid).toBe('uuid-1');
      expect(await conn.createToken('elastic/fleet-server', 't1')).toEqual({ name: 't1', value: 'AAEAAsecret' });
      expect(conn.requestCount()).toBe(3); // dead + live, then straight to the live one
    });
  });

  it('fails with a retryable connection error when every URL is dead', async () => {
    const urls = [await deadUrl(), await deadUrl()];
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }, { urls }),
      (conn) => conn.info(), { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }));
    expect(error.code).toBe(ERROR_CODES.connectionFailed);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('times out a GET that gets no answer', async () => {
    server.setHandler(() => undefined);
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.info(),
      { timeoutMs: 300, retry: { maxRetries: 0 } }));
    expect(error.code).toBe(ERROR_CODES.connectionFailed);
    expect(error.message).toMatch(/timed out/);
  });
});

describe('answers', () => {
  it('reads delete 404 {found:false} as an answer', async () => {
    server.setHandler((_req, res) => sendJson(res, 404, { found: false }));
    expect(await withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.deleteToken('elastic/fleet-server', 'gone'))).toEqual({ found: false });
  });

  it('never puts a token value from an odd create answer into the error', async () => {
    server.setHandler((_req, res) => sendJson(res, 200, { created: true, token: { value: 'AAEAAleaked-secret' } }));
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.createToken('elastic/fleet-server', 't1')));
    expect(error.code).toBe(ERROR_CODES.createOutcomeUnknown);
    expect(JSON.stringify({ m: error.message, s: error.stack })).not.toContain('leaked-secret');
  });

  it('sends plain JSON accept, the auth header and no body', async () => {
    await withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.info());
    const headers = server.requests[0]?.headers;
    expect(headers).toMatchObject({ accept: 'application/json', authorization: `Basic ${Buffer.from('elastic:pw').toString('base64')}` });
  });

  it('refuses a 7.14+ server without X-elastic-product', async () => {
    server.setHandler((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(INFO)); });
    const error = await failure(() => withConnection(cluster({ caFile: ca.caFile }), (conn) => conn.info()));
    expect(error.code).toBe('ESCRED_NOT_ELASTICSEARCH');
  });
});

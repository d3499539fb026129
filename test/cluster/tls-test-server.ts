/**
 * A tiny HTTPS server for transport mechanics (TLS pin, failover, retry) that the emulator does not
 * make easy: its handler is plain node:https. Certificates: an EC CA and a leaf for 127.0.0.1
 * signed by it; the server sends leaf + CA, as Elasticsearch does.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TestCa {
  caFile: string;
  /** SHA-256 of the CA certificate, as ES prints it (upper case, colons) */
  caFingerprint: string;
  leafFingerprint: string;
  key: string;
  chain: string;
  dir: string;
}

export async function makeTestCa(): Promise<TestCa> {
  const ca = await generate([{ name: 'commonName', value: 'escred test CA' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  });
  const leaf = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec', algorithm: 'sha256', ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'escred-tls-'));
  const caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, ca.cert);
  return {
    caFile, dir, key: leaf.private, chain: `${leaf.cert.trim()}\n${ca.cert.trim()}\n`,
    caFingerprint: new X509Certificate(ca.cert).fingerprint256,
    leafFingerprint: new X509Certificate(leaf.cert).fingerprint256,
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  setHandler(handler: Handler): void;
  stop(): Promise<void>;
}

export async function startTestServer(tls: TestCa, handler: Handler): Promise<TestServer> {
  let current = handler;
  const requests: TestServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: tls.key, cert: tls.chain }, (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      current(req, res, body);
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    setHandler: (next) => { current = next; },
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch', ...headers });
  res.end(JSON.stringify(body));
}

/** A port that refuses connections: listen, note the port, close. */
export async function deadUrl(): Promise<string> {
  const { createServer: createTcp } = await import('node:net');
  const server = createTcp();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

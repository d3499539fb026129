import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors.js';

export interface HealthServerOptions {
  /** host:port; port 0 picks a free one */
  listen: string;
  isReady: () => boolean;
  /** more lines for /readyz, e.g. the leases this replica holds */
  readyDetail?: () => string;
  metrics: () => Promise<string>;
  metricsContentType: string;
}

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/** /healthz (the process answers), /readyz (a pass has succeeded), /metrics (Prometheus text). */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseListen(options.listen);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const isReady = options.isReady();
      const detail = options.readyDetail?.() ?? '';
      response.writeHead(isReady ? 200 : 503, { 'content-type': 'text/plain' }).end(`${isReady ? 'ready' : 'not ready'}\n${detail}`);
    } else if (path === '/metrics') {
      options.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.metricsContentType }).end(text),
        () => response.writeHead(500).end(),
      );
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ConfigError(`--listen ${options.listen}: ${error.message}`, { cause: error })));
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      // keep-alive scrapers must not hold the shutdown up
      server.closeAllConnections();
    }),
  };
}

/** "127.0.0.1:9464", "[::1]:0", ":9464" (loopback), "9464". */
export function parseListen(listen: string): { host: string; port: number } {
  const text = listen.trim();
  const colon = text.lastIndexOf(':');
  const rawHost = colon < 0 ? '' : text.slice(0, colon);
  const rawPort = colon < 0 ? text : text.slice(colon + 1);
  const port = Number(rawPort);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  if (!/^\d+$/.test(rawPort) || port > 65_535 || (host.includes(':') && !rawHost.startsWith('['))) {
    throw new ConfigError(`--listen must be host:port (e.g. 127.0.0.1:9464, port 0 for any free one), got '${listen}'`);
  }
  return { host: host || '127.0.0.1', port };
}

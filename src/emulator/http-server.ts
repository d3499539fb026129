/**
 * The HTTP(S) front: faults, counters, authentication, routing, media types and the wire details
 * the official clients rely on (spec section 13). Routes only see a RequestContext.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { authenticate } from './auth.js';
import { handleControl } from './control-endpoint.js';
import type { EmulatorState } from './emulator-state.js';
import { EsHttpError, EsPlainError, errorEnvelope } from './es-errors.js';
import { checkMediaType, responseContentType } from './media-type.js';
import { RequestContext } from './request-context.js';
import { matchRoute, type Reply, type Route } from './router.js';
import { statusFault } from './status-fault.js';
import { standIn } from './stand-in.js';

export interface HttpServerOptions {
  state: EmulatorState;
  routes: readonly Route[];
  counters: Map<string, number>;
  tls?: { key: string; cert: string };
  /** aborted by stop(): requests still waiting (latency) are dropped instead of touching the data folder */
  signal: AbortSignal;
}

interface Outcome {
  status: number;
  body: unknown;
  headers: Record<string, string | string[]>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function count(counters: Map<string, number>, key: string): void {
  counters.set(key, (counters.get(key) ?? 0) + 1);
  counters.set('total', (counters.get('total') ?? 0) + 1);
}

function toOutcome(error: unknown): Outcome {
  if (error instanceof EsHttpError) return { status: error.status, body: error.body(), headers: error.httpHeaders };
  if (error instanceof EsPlainError) return { status: error.status, body: error.body(), headers: error.httpHeaders };
  const reason = error instanceof Error ? error.message : String(error);
  return { status: 500, body: errorEnvelope(500, { type: 'exception', reason }), headers: {} };
}

async function dispatch(req: IncomingMessage, body: Buffer, url: URL, options: HttpServerOptions, clusterUuid?: string): Promise<Outcome> {
  const { state, routes } = options;
  const method = req.method ?? 'GET';
  // under a stand-in prefix, the request as the cluster behind it sees it
  const uri = clusterUuid ? `${url.pathname}${url.search}` : (req.url ?? '/');
  try {
    checkMediaType(req.headers, state.profile);
    const match = matchRoute(routes, method, uri, url.pathname);
    const principal = await authenticate(req.headers.authorization, uri, state);
    const ctx = new RequestContext({ method, path: url.pathname, uri, query: url.searchParams, params: match.params, body, principal, state, ...(clusterUuid ? { clusterUuid } : {}) });
    const reply: Reply = await match.route.handle(ctx);
    return { status: reply.status, body: reply.body, headers: {} };
  } catch (error) {
    return toOutcome(error);
  }
}

function send(req: IncomingMessage, res: ServerResponse, outcome: Outcome, state: EmulatorState, isPretty: boolean): void {
  const isText = typeof outcome.body === 'string';
  const text = isText ? (outcome.body as string) : `${JSON.stringify(outcome.body, null, isPretty ? 2 : undefined)}${isPretty ? '\n' : ''}`;
  const headers: Record<string, string | string[]> = {
    ...outcome.headers,
    'content-type': isText ? 'text/plain; charset=UTF-8' : responseContentType(req.headers),
    'content-length': String(Buffer.byteLength(text)),
  };
  if (state.profile.hasProductHeader) headers['X-elastic-product'] = 'Elasticsearch';
  res.writeHead(outcome.status, headers);
  res.end(text);
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const { url, clusterUuid } = standIn(new URL(req.url ?? '/', 'http://emulator'), options.state.clusterUuid);
  const method = req.method ?? 'GET';
  if (url.pathname === '/_emulator' || url.pathname.startsWith('/_emulator/')) {
    await handleControl(req, res, url, options);
    return;
  }
  const { state, routes, counters } = options;
  let key: string;
  try {
    key = `${method} ${matchRoute(routes, method, url.pathname, url.pathname).route.template}`;
  } catch {
    key = `${method} (unmatched)`;
  }
  count(counters, key);
  const fault = state.faults.take(method, url.pathname);
  if (fault?.action === 'reset') {
    req.socket.destroy();
    return;
  }
  const body = await readBody(req);
  if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs, undefined, { signal: options.signal }).catch(() => undefined);
  if (options.signal.aborted) {
    req.socket.destroy();
    return;
  }
  const outcome = fault?.action === 'status' ? statusFault(fault) : await dispatch(req, body, url, options, clusterUuid);
  if (fault?.action === 'lose-response') {
    // The request was handled (a create is committed) but the client never hears about it.
    req.socket.destroy();
    return;
  }
  if (fault?.action === 'misname-token') misnameToken(outcome, fault.tokenName);
  send(req, res, outcome, state, url.searchParams.has('pretty'));
}

/** The create happened as asked; only its answer claims another name. */
function misnameToken(outcome: Outcome, tokenName: string | undefined): void {
  const token = (outcome.body as { token?: { name?: unknown } } | undefined)?.token;
  if (token && typeof token.name === 'string') token.name = tokenName ?? `${token.name}-other`;
}

export function createEmulatorServer(options: HttpServerOptions): Server {
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) send(req, res, toOutcome(error), options.state, false);
      else res.destroy();
    });
  };
  const server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 5_000;
  return server;
}

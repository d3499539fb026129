/**
 * `/_emulator/` control endpoint for tests and benchmarks: unauthenticated, loopback only, not
 * counted, never faulted. PUT|GET|DELETE /_emulator/faults, GET|DELETE /_emulator/counters.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultSpec } from './fault-injector.js';
import type { EmulatorState } from './emulator-state.js';

/** What the control endpoint reads of the server's options (http-server.ts passes its own). */
export interface ControlEndpointOptions {
  state: EmulatorState;
  counters: Map<string, number>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'X-elastic-product': 'Elasticsearch' });
  res.end(text);
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : JSON.parse(text);
}

export async function handleControl(req: IncomingMessage, res: ServerResponse, url: URL, options: ControlEndpointOptions): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, { error: 'the /_emulator/ control endpoint is loopback only' });
  const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
  const { faults } = options.state;
  switch (route) {
    case 'PUT /_emulator/faults':
    case 'POST /_emulator/faults': {
      try {
        faults.set(parseFaultSpec(await readJson(req)));
      } catch (error) {
        return reply(res, 400, { error: error instanceof Error ? error.message : String(error) });
      }
      return reply(res, 200, { acknowledged: true });
    }
    case 'DELETE /_emulator/faults':
      faults.clear();
      return reply(res, 200, { acknowledged: true });
    case 'GET /_emulator/counters':
      return reply(res, 200, Object.fromEntries(options.counters));
    case 'DELETE /_emulator/counters':
      options.counters.clear();
      return reply(res, 200, { acknowledged: true });
    default:
      req.resume();
      return reply(res, 404, { error: `unknown control route [${route}]` });
  }
}

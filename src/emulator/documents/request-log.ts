/**
 * The record of the requests an emulator handled, with their `X-Opaque-Id` (Elasticsearch shows
 * that header in its slow, audit and deprecation logs and task lists; the tests read it here).
 * Listens on the server's 'request' event ahead of the handler, so no route has to cooperate.
 * The control endpoint (/_emulator/) is not recorded: it is not Elasticsearch.
 * As Elasticsearch does, the header is echoed in the response (Tasks API docs, "Identifying running
 * tasks": returned as a header in the response as well as in the task's headers).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  /** undefined when the request had no X-Opaque-Id */
  opaqueId: string | undefined;
  /** Date.now() when the request arrived */
  at: number;
}

/** Bounded, so a long benchmark does not grow without end. */
const MAX_RECORDED = 100_000;

export class RequestLog {
  private readonly entries: RecordedRequest[] = [];

  attach(server: Server): void {
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      const opaqueId = this.record(req);
      if (opaqueId !== undefined) res.setHeader('X-Opaque-Id', opaqueId);
    });
  }

  list(): RecordedRequest[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries.length = 0;
  }

  private record(req: IncomingMessage): string | undefined {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    if (path === '/_emulator' || path.startsWith('/_emulator/')) return undefined;
    const header = req.headers['x-opaque-id'];
    const opaqueId = Array.isArray(header) ? header.join(',') : header;
    if (this.entries.length >= MAX_RECORDED) this.entries.shift();
    this.entries.push({ method: req.method ?? 'GET', path, opaqueId, at: Date.now() });
    return opaqueId;
  }
}

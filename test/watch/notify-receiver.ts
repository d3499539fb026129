/** A real HTTP receiver on loopback for --notify tests: records each POST, answers as scripted. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  text: string;
  json: any;
}

/** 'ok' = 200; a number = that status; 'hang' = never answer (the client must time out) */
export type Answer = 'ok' | 'hang' | number | { status: number; headers: Record<string, string> };

export interface Receiver {
  url: string;
  received: Received[];
  /** answers for the next requests, in order; then 'ok' */
  script(...answers: Answer[]): void;
  /** resolves once `count` requests have arrived */
  waitFor(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const waiters: Array<{ count: number; resolve: (r: Received[]) => void }> = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, text, json: safeJson(text) });
      for (const w of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve([...received]);
      }
      const answer = answers.shift() ?? 'ok';
      if (answer === 'hang') return void hanging.add(response);
      if (answer === 'ok') return void response.end('ok');
      if (typeof answer === 'number') return void response.writeHead(answer).end();
      response.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/T0001/B0002/secret-webhook-key`, received,
    script: (...more) => void answers.push(...more),
    waitFor: (count) => (received.length >= count ? Promise.resolve([...received])
      : new Promise((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** a loopback port with nothing listening: connections are refused */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hooks/down`;
}

export async function notificationSchema() {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'notification.schema.json'), 'utf8')));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { EscredError } from '../errors.js';
import type { AuthConfig } from '../model.js';
import { describeAuth } from './auth-header.js';
import { ConnectionError, toConnectionError } from './connection-error.js';
import { ElasticsearchError, errorDetails, requiredPrivilegeHint } from './elasticsearch-error.js';
import { isRetryableAnswer, parseRetryAfterMs, retryDelayMs, type RetryOptions } from './retry-policy.js';
import { ERROR_CODES } from '../error-codes.js';

/** undici's headers/body timeouts fire first (with their clearer codes); the signal is the backstop for connect */
const ABORT_GRACE_MS = 100;

/**
 * The most escred reads of one answer. The largest answer it expects is a credentials GET: an index
 * token is `"<name>":{},` in it, at most 256 + 6 bytes (262; ~272 pretty-printed), so 100,000 tokens
 * of the longest names are about 27 MB, and the file tokens' node lists and `_nodes` failures of a
 * large cluster add some MB more. 64 MiB is twice that with room to spare, and small enough that a
 * proxy or a server answering an endless body (issue 20: 2.5 GB, then a V8 crash) costs a bounded
 * amount of memory and a named error instead.
 */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface EsTransportOptions {
  clusterName: string;
  /** base URLs without a trailing slash, tried in order */
  urls: string[];
  dispatcher: Dispatcher;
  authorization: string;
  auth: AuthConfig;
  /** the longest one call may take, connect, answer and retries included: a hanging cluster costs this, once */
  timeoutMs: number;
  retry: RetryOptions;
  userAgent: string;
  /** sent as X-Opaque-Id on every request (ES shows it in its slow, audit and deprecation logs and task lists) */
  opaqueId?: string;
  /** injectable for tests; default Math.random, a real sleep and Date.now */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface SendOptions {
  /** statuses that are answers, not errors (404 on delete) */
  acceptStatuses?: readonly number[];
  /** sent as JSON */
  body?: unknown;
  /** extra request headers of this call (e.g. X-Opaque-Id) */
  headers?: Readonly<Record<string, string>>;
}

export interface EsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** parsed JSON, or undefined for an empty or non-JSON body */
  body: unknown;
}

/** What a call on one cluster needs of its connection: its name (for errors) and send. */
export interface ClusterCaller {
  readonly clusterName: string;
  send(method: HttpMethod, path: string, options?: SendOptions): Promise<EsResponse>;
}

interface Attempt {
  retries: number;
  urlIndex: number;
  failedUrls: number;
  /** when the call's time is up (Date.now clock) */
  deadline: number;
}

/**
 * Sends requests to one cluster: failover across its URLs on connection errors, retries of
 * idempotent calls on 429/502/503/504 and connection errors (backoff with full jitter, Retry-After),
 * never a retry of a POST once it may have been sent. ES error answers become ElasticsearchError.
 */
export class EsTransport {
  private sent = 0;
  /** the URL that last worked: later calls start there instead of at a dead first URL */
  private preferredUrl = 0;

  constructor(private readonly options: EsTransportOptions) {}

  requestCount(): number {
    return this.sent;
  }

  async send(method: HttpMethod, path: string, sendOptions: SendOptions = {}): Promise<EsResponse> {
    const isIdempotent = method !== 'POST';
    const call = `${method} ${path}`;
    const attempt: Attempt = { retries: 0, urlIndex: this.preferredUrl, failedUrls: 0, deadline: this.now() + this.options.timeoutMs };
    for (;;) {
      const url = this.options.urls[attempt.urlIndex]!;
      let response: Dispatcher.ResponseData;
      try {
        this.sent += 1;
        response = await this.dispatch(method, url + path, attempt.deadline - this.now(), sendOptions);
      } catch (error) {
        const failure = toConnectionError(error, { clusterName: this.options.clusterName, call, url });
        if (this.now() >= attempt.deadline) throw this.outOfTime(failure, `${call} to ${url}`);
        await this.afterConnectionError(failure, attempt, isIdempotent);
        continue;
      }
      this.preferredUrl = attempt.urlIndex;
      if (isRetryableAnswer(method, response.statusCode) && attempt.retries < this.options.retry.maxRetries) {
        const retryAfter = headerValue(response.headers['retry-after']);
        const retryAfterMs = parseRetryAfterMs(retryAfter, this.now(), this.options.retry.maxRetryAfterMs);
        const delayMs = retryDelayMs(attempt.retries, retryAfterMs, this.options.retry, this.options.random ?? Math.random);
        // a retry that could not be answered in time is not worth waiting for: the caller gets this answer now
        if (this.now() + delayMs < attempt.deadline) {
          await response.body.dump();
          await this.wait(delayMs);
          attempt.retries += 1;
          continue;
        }
      }
      return this.readResponse(response, method, path, sendOptions);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The call's time ran out, waiting for an answer (`waitedFor`: "GET / to https://...") or before a
   * retry could fit: say how long it was given and how to give it more.
   */
  private outOfTime(failure: ConnectionError, waitedFor?: string): ConnectionError {
    const seconds = Math.round(this.options.timeoutMs / 100) / 10;
    const how = `(the timeout of one call, retries included; raise it with --timeout or the cluster's timeout in the manifest)`;
    const message = waitedFor
      ? `cluster ${this.options.clusterName}: ${waitedFor} timed out: no answer within ${seconds} s ${how}`
      : `${failure.message}; gave up after ${seconds} s ${how}`;
    return new ConnectionError(failure.code, message, {
      url: failure.url, cause: failure.cause, isRetryable: failure.isRetryable, mayHaveBeenSent: failure.mayHaveBeenSent,
      ...(failure.causeCode !== undefined ? { causeCode: failure.causeCode } : {}),
    });
  }

  /** Fails over to the next URL, backs off after every URL failed, or throws. */
  private async afterConnectionError(failure: ConnectionError, attempt: Attempt, isIdempotent: boolean): Promise<void> {
    if (failure.code === ERROR_CODES.tlsFailed) throw failure;
    // A POST that may have reached the server must not be sent again: the caller decides.
    if (!isIdempotent && failure.mayHaveBeenSent) throw failure;
    const urls = this.options.urls.length;
    attempt.failedUrls += 1;
    attempt.urlIndex = (attempt.urlIndex + 1) % urls;
    if (attempt.failedUrls < urls) return;
    if (!isIdempotent || attempt.retries >= this.options.retry.maxRetries) throw failure;
    attempt.failedUrls = 0;
    const delayMs = retryDelayMs(attempt.retries, undefined, this.options.retry, this.options.random ?? Math.random);
    if (this.now() + delayMs >= attempt.deadline) throw this.outOfTime(failure);
    await this.wait(delayMs);
    attempt.retries += 1;
  }

  /** `remainingMs` bounds connect, TLS handshake, the answer's headers and its body (undici's own timeouts and a signal) */
  private dispatch(method: HttpMethod, url: string, remainingMs: number, { body, headers }: SendOptions): Promise<Dispatcher.ResponseData> {
    const timeout = Math.max(1, remainingMs);
    return request(url, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeout + ABORT_GRACE_MS),
      dispatcher: this.options.dispatcher,
      headers: {
        authorization: this.options.authorization,
        // Plain JSON, not the compatible-with media type: ES 7.x would refuse compatible-with=8/9 (spec §13).
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        'user-agent': this.options.userAgent,
        ...(this.options.opaqueId === undefined ? {} : { 'x-opaque-id': this.options.opaqueId }),
        ...headers,
      },
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
  }

  private async readResponse(response: Dispatcher.ResponseData, method: HttpMethod, path: string, options: SendOptions): Promise<EsResponse> {
    const text = await readBounded(response.body);
    if (text === undefined) {
      throw badResponse(this.options.clusterName, `${method} ${path}`,
        `the body is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, the most escred reads of one answer ` +
        '(a credentials list of 100,000 tokens is about 27 MB): is this URL Elasticsearch, or a proxy in front of it?');
    }
    const body = parseJson(text);
    const status = response.statusCode;
    if ((status >= 200 && status < 300) || options.acceptStatuses?.includes(status)) {
      return { status, headers: response.headers, body };
    }
    const details = errorDetails(body, text);
    throw new ElasticsearchError({
      cluster: this.options.clusterName, call: `${method} ${path}`, status, ...details, hint: this.hint(status, method, path),
    });
  }

  private hint(status: number, method: string, path: string): string | undefined {
    if (status === 401) return `the cluster refused ${describeAuth(this.options.auth)}`;
    if (status === 403) return requiredPrivilegeHint(method, path);
    return undefined;
  }

  private async wait(ms: number): Promise<void> {
    await (this.options.sleep ?? delay)(ms);
  }
}

/** A 2xx body that must be JSON but is not: a proxy page, or not Elasticsearch at all. */
export function badResponse(clusterName: string, call: string, what: string): EscredError {
  return new EscredError('ESCRED_BAD_RESPONSE', `cluster ${clusterName}: ${call}: unexpected answer: ${what}`);
}

/** The body as text, or undefined once it passes MAX_RESPONSE_BYTES (the rest is not read: the stream is destroyed). */
async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  // TextDecoder drops a BOM, as undici's body.text() did
  return new TextDecoder().decode(Buffer.concat(chunks, size));
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

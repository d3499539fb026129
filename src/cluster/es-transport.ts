import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { EscredError } from '../errors.js';
import type { AuthConfig } from '../model.js';
import { describeAuth } from './auth-header.js';
import { ConnectionError, TLS_FAILED_CODE, toConnectionError } from './connection-error.js';
import { ElasticsearchError, errorDetails, requiredPrivilegeHint } from './elasticsearch-error.js';
import { isRetryableAnswer, parseRetryAfterMs, retryDelayMs, type RetryOptions } from './retry-policy.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface EsTransportOptions {
  clusterName: string;
  /** base URLs without a trailing slash, tried in order */
  urls: string[];
  dispatcher: Dispatcher;
  authorization: string;
  auth: AuthConfig;
  timeoutMs: number;
  retry: RetryOptions;
  userAgent: string;
  /** injectable for tests; default Math.random, a real sleep and Date.now */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface SendOptions {
  /** statuses that are answers, not errors (404 on delete) */
  acceptStatuses?: readonly number[];
}

export interface EsResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** parsed JSON, or undefined for an empty or non-JSON body */
  body: unknown;
}

interface Attempt {
  retries: number;
  urlIndex: number;
  failedUrls: number;
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
    const attempt: Attempt = { retries: 0, urlIndex: this.preferredUrl, failedUrls: 0 };
    for (;;) {
      const url = this.options.urls[attempt.urlIndex]!;
      let response: Dispatcher.ResponseData;
      try {
        this.sent += 1;
        response = await this.dispatch(method, url + path);
      } catch (error) {
        const failure = toConnectionError(error, { clusterName: this.options.clusterName, call, url });
        await this.afterConnectionError(failure, attempt, isIdempotent);
        continue;
      }
      this.preferredUrl = attempt.urlIndex;
      if (isRetryableAnswer(method, response.statusCode) && attempt.retries < this.options.retry.maxRetries) {
        await response.body.dump();
        const retryAfter = headerValue(response.headers['retry-after']);
        const now = (this.options.now ?? Date.now)();
        const retryAfterMs = parseRetryAfterMs(retryAfter, now, this.options.retry.maxRetryAfterMs);
        await this.wait(retryDelayMs(attempt.retries, retryAfterMs, this.options.retry, this.options.random ?? Math.random));
        attempt.retries += 1;
        continue;
      }
      return this.readResponse(response, method, path, sendOptions);
    }
  }

  /** Fails over to the next URL, backs off after every URL failed, or throws. */
  private async afterConnectionError(failure: ConnectionError, attempt: Attempt, isIdempotent: boolean): Promise<void> {
    if (failure.code === TLS_FAILED_CODE) throw failure;
    // A POST that may have reached the server must not be sent again: the caller decides.
    if (!isIdempotent && failure.mayHaveBeenSent) throw failure;
    const urls = this.options.urls.length;
    attempt.failedUrls += 1;
    attempt.urlIndex = (attempt.urlIndex + 1) % urls;
    if (attempt.failedUrls < urls) return;
    if (!isIdempotent || attempt.retries >= this.options.retry.maxRetries) throw failure;
    attempt.failedUrls = 0;
    await this.wait(retryDelayMs(attempt.retries, undefined, this.options.retry, this.options.random ?? Math.random));
    attempt.retries += 1;
  }

  private dispatch(method: HttpMethod, url: string): Promise<Dispatcher.ResponseData> {
    return request(url, {
      method,
      dispatcher: this.options.dispatcher,
      headers: {
        authorization: this.options.authorization,
        // Plain JSON, not the compatible-with media type: ES 7.x would refuse compatible-with=8/9 (spec §13).
        accept: 'application/json',
        'user-agent': this.options.userAgent,
      },
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
  }

  private async readResponse(response: Dispatcher.ResponseData, method: HttpMethod, path: string, options: SendOptions): Promise<EsResponse> {
    const text = await response.body.text();
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

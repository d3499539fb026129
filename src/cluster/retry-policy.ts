export interface RetryOptions {
  /** retries after the first attempt (0 = no retry) */
  maxRetries: number;
  /** the first backoff ceiling; doubles each retry */
  baseDelayMs: number;
  /** cap of the backoff ceiling */
  maxDelayMs: number;
  /** cap of a server's Retry-After, so a misbehaving proxy cannot park us for hours */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxRetries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/** Statuses worth retrying for idempotent calls: overload and gateway trouble. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Statuses after which a create (POST) is sent again, within the same bound and Retry-After.
 * Elasticsearch answers these before it writes anything (read in elastic/elasticsearch):
 * - 429: TransportBulkAction (a token create is a one-item bulk, IndexServiceAccountTokenStore.createToken)
 *   first reserves IndexingPressure (markCoordinatingOperationStarted, which throws
 *   EsRejectedExecutionException "rejected execution of coordinating operation" and undoes its own
 *   accounting; for a bulk of system indices only, as the security index is, it is called with
 *   forceExecution and does not reject) and then forks onto the write / system_write executor, whose
 *   full queue rejects the task before it runs; ExceptionsHelper.status maps EsRejectedExecutionException
 *   to 429 TOO_MANY_REQUESTS. (A 429 circuit_breaking_exception of the HTTP in-flight breaker also comes
 *   before the request is handled.)
 * - 503: SecurityIndexManager.prepareIndexIfNeededThenExecute throws SERVICE_UNAVAILABLE ("Cluster state
 *   has not been recovered yet, cannot write to the [...] index") before it runs the write, and a cluster
 *   block (cluster_block_exception, what the emulator's fault answers) stops a bulk before any shard.
 * 502 and 504 are not here: a gateway may have passed the request on and timed out on the answer.
 * And if a proxy's 429/503 ever hid a create that did happen, nothing is lost: the create uses
 * OpType.CREATE, so the retry gets 409 and apply replaces the token whose value it never saw.
 */
export const CREATE_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Whether an answer with this status is worth sending the request again (within maxRetries). */
export function isRetryableAnswer(method: string, status: number): boolean {
  return method === 'POST' ? CREATE_RETRYABLE_STATUSES.has(status) : RETRYABLE_STATUSES.has(status);
}

/** Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^retry)). */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After in milliseconds, capped; undefined when absent or unparsable. Accepts delta-seconds
 * and an HTTP date (RFC 9110 §10.2.3), which needs the current time: it is passed in.
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number, capMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  let delayMs: number;
  if (/^\d+$/.test(text)) {
    delayMs = Number(text) * 1000;
  } else {
    // Only an HTTP date (it has a weekday or month name): Date.parse reads "-1" as a year.
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    delayMs = Math.max(0, at - nowMs);
  }
  return Math.min(delayMs, capMs);
}

/** The wait before retry number `retry` (0-based): the server's Retry-After if it gave one, else backoff. */
export function retryDelayMs(
  retry: number, retryAfterMs: number | undefined, options: RetryOptions, random: () => number,
): number {
  return retryAfterMs ?? backoffDelayMs(retry, options, random);
}

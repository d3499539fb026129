/**
 * Elasticsearch REST error envelopes (spec section 3). Route handlers throw EsHttpError; the server
 * turns it into `{"error":{"root_cause":[...],...},"status":N}` plus its HTTP headers.
 */
export interface EsErrorCause {
  type: string;
  reason: string;
  /** `es.`-prefixed ES headers, rendered as top-level keys (index_uuid, shard, index, node_id, ...) */
  metadata?: Record<string, unknown>;
  /** non-`es.` headers, rendered under "header" (WWW-Authenticate on 401s) */
  headers?: Record<string, string[]>;
  causedBy?: EsErrorCause;
  /** stop the root_cause search here even though there is a cause (e.g. media_type_header_exception) */
  isRootCause?: boolean;
}

export class EsHttpError extends Error {
  readonly status: number;
  readonly cause_: EsErrorCause;
  /** HTTP response headers to add (e.g. WWW-Authenticate, Retry-After) */
  readonly httpHeaders: Record<string, string | string[]>;

  constructor(status: number, cause: EsErrorCause, httpHeaders: Record<string, string | string[]> = {}) {
    super(cause.reason);
    this.status = status;
    this.cause_ = cause;
    this.httpHeaders = httpHeaders;
  }

  body(): unknown {
    return errorEnvelope(this.status, this.cause_);
  }
}

/** A single value renders as a string, several as an array (ElasticsearchException.headerToXContent). */
function headerValues(values: string[]): string | string[] {
  return values.length === 1 ? (values[0] ?? '') : values;
}

export function causeToJson(cause: EsErrorCause, isRoot = false): Record<string, unknown> {
  const json: Record<string, unknown> = { type: cause.type, reason: cause.reason, ...cause.metadata };
  if (!isRoot && cause.causedBy) json.caused_by = causeToJson(cause.causedBy);
  if (cause.headers && Object.keys(cause.headers).length > 0) {
    json.header = Object.fromEntries(Object.entries(cause.headers).map(([name, values]) => [name, headerValues(values)]));
  }
  return json;
}

/** root_cause is the innermost cause (ElasticsearchException.guessRootCauses). */
function rootCause(cause: EsErrorCause): EsErrorCause {
  return cause.causedBy && !cause.isRootCause ? rootCause(cause.causedBy) : cause;
}

export function errorEnvelope(status: number, cause: EsErrorCause): unknown {
  return { error: { root_cause: [causeToJson(rootCause(cause), true)], ...causeToJson(cause) }, status };
}

export function simpleError(status: number, type: string, reason: string, metadata?: Record<string, unknown>): EsHttpError {
  return new EsHttpError(status, { type, reason, ...(metadata ? { metadata } : {}) });
}

export function illegalArgument(reason: string): EsHttpError {
  return simpleError(400, 'illegal_argument_exception', reason);
}

/** The challenges DefaultAuthenticationFailureHandler adds with the default realms and API keys enabled. */
export const AUTH_CHALLENGES = ['Basic realm="security" charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

export function unauthorized(reason: string, causedBy?: EsErrorCause): EsHttpError {
  const cause: EsErrorCause = { type: 'security_exception', reason, headers: { 'WWW-Authenticate': AUTH_CHALLENGES } };
  if (causedBy) cause.causedBy = causedBy;
  return new EsHttpError(401, cause, { 'WWW-Authenticate': AUTH_CHALLENGES });
}

export function forbidden(reason: string): EsHttpError {
  return simpleError(403, 'security_exception', reason);
}

/**
 * Errors raised outside the exception mechanism (405, unknown route) use ES's short form
 * `{"error":"<text>","status":N}`.
 */
export class EsPlainError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly httpHeaders: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): unknown {
    return { error: this.message, status: this.status };
  }
}

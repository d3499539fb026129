import { httpStatusCode } from '../error-codes.js';
import { EscredError } from '../errors.js';

export interface ElasticsearchErrorFields {
  cluster: string;
  /** e.g. "POST /_security/service/elastic/fleet-server/credential/token/x" */
  call: string;
  status: number;
  /** the ES error `type` (e.g. version_conflict_engine_exception), when the body was an ES error envelope */
  type?: string;
  reason?: string;
  /** extra advice (401/403), already part of the message */
  hint?: string;
}

/** Elasticsearch answered with an error status; its code is httpStatusCode(status) (ESCRED_ES_409 for a 409); 429 and 5xx are retryable. */
export class ElasticsearchError extends EscredError {
  readonly cluster: string;
  readonly call: string;
  readonly status: number;
  readonly type: string | undefined;
  readonly reason: string | undefined;
  readonly hint: string | undefined;

  constructor(fields: ElasticsearchErrorFields) {
    const what = [String(fields.status), fields.type].filter(Boolean).join(' ');
    const message = `cluster ${fields.cluster}: ${fields.call}: ${what}${fields.reason ? `: ${fields.reason}` : ''}` +
      (fields.hint ? ` (${fields.hint})` : '');
    super(httpStatusCode(fields.status), message, { isRetryable: fields.status === 429 || fields.status >= 500 });
    this.cluster = fields.cluster;
    this.call = fields.call;
    this.status = fields.status;
    this.type = fields.type;
    this.reason = fields.reason;
    this.hint = fields.hint;
  }
}

/** Elasticsearch answered with one of these error statuses. */
export function isHttpStatus(error: unknown, ...statuses: number[]): error is ElasticsearchError {
  return error instanceof ElasticsearchError && statuses.includes(error.status);
}

const MAX_REASON_LENGTH = 300;

/** type and reason from an ES error envelope (spec §3), or a short excerpt of a non-ES body (a proxy page). */
export function errorDetails(body: unknown, text: string): { type?: string; reason?: string } {
  if (isRecord(body) && isRecord(body.error)) {
    const type = typeof body.error.type === 'string' ? body.error.type : undefined;
    const reason = typeof body.error.reason === 'string' ? body.error.reason : undefined;
    return { type, reason };
  }
  // Some 4xx answers carry `error` as a plain string (old ES, proxies).
  if (isRecord(body) && typeof body.error === 'string') return { reason: body.error };
  const excerpt = text.replace(/\s+/g, ' ').trim();
  if (excerpt === '') return {};
  return { reason: excerpt.length > MAX_REASON_LENGTH ? `${excerpt.slice(0, MAX_REASON_LENGTH)}…` : excerpt };
}

/**
 * Which privilege a call needs (spec §6), for 403 hints. GET / and _cat/nodes need `monitor`;
 * GET accounts and credentials are also granted by `read_security` since 8.5.
 */
export function requiredPrivilegeHint(method: string, path: string): string {
  if (path.startsWith('/_security/service')) {
    if (method === 'GET') {
      return 'needs the cluster privilege manage_service_account (or read_security on 8.5+, manage_security, all)';
    }
    return 'needs the cluster privilege manage_service_account (or manage_security, all)';
  }
  if (path === '/' || path.startsWith('/?') || path.startsWith('/_cat/nodes')) {
    return 'needs the cluster privilege monitor (or manage, all)';
  }
  return 'the credentials lack a privilege this call needs';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

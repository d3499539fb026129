/**
 * Single-document calls with Elasticsearch's optimistic concurrency (issue 15), through a
 * ClusterConnection's transport (its retries, timeouts and failover). A 409 version conflict and a
 * 404 are answers here, not errors; any other error status stays an ElasticsearchError.
 * GET by id is realtime in Elasticsearch, so no write needs a refresh for the next read to see it.
 */
import type { ClusterConnection } from './cluster-connection.js';
import { isRecord } from './elasticsearch-error.js';
import { badResponse, type EsResponse } from './es-transport.js';

/** The pair a compare-and-set names: the document's last write. */
export interface DocumentVersion {
  seqNo: number;
  primaryTerm: number;
}

export type ReadResult<T> = { found: false } | { found: true; source: T; version: DocumentVersion };

/** `conflict`: the document exists (create) or has moved on since `expected` (replace, delete). */
export type WriteResult = { ok: true; version: DocumentVersion } | { ok: false; reason: 'conflict' };

export type DeleteResult = 'deleted' | 'conflict' | 'not_found';

type Connection = Pick<ClusterConnection, 'clusterName' | 'send'>;

export interface CallOptions {
  /** extra headers of each call, e.g. X-Opaque-Id */
  headers?: Readonly<Record<string, string>>;
}

function docPath(index: string, endpoint: '_doc' | '_create', id: string, query = ''): string {
  return `/${encodeURIComponent(index)}/${endpoint}/${encodeURIComponent(id)}${query}`;
}

function casQuery(expected: DocumentVersion): string {
  return `?if_seq_no=${expected.seqNo}&if_primary_term=${expected.primaryTerm}`;
}

function versionOf(connection: Connection, call: string, body: unknown): DocumentVersion {
  if (isRecord(body) && typeof body._seq_no === 'number' && typeof body._primary_term === 'number') {
    return { seqNo: body._seq_no, primaryTerm: body._primary_term };
  }
  throw badResponse(connection.clusterName, call, 'no _seq_no and _primary_term');
}

function isVersionConflict(response: EsResponse): boolean {
  return response.status === 409 && isRecord(response.body) && isRecord(response.body.error) && response.body.error.type === 'version_conflict_engine_exception';
}

function writeResult(connection: Connection, call: string, response: EsResponse): WriteResult {
  if (isVersionConflict(response)) return { ok: false, reason: 'conflict' };
  return { ok: true, version: versionOf(connection, call, response.body) };
}

/** GET /{index}/_doc/{id}: a missing document and a missing index are both `found: false`. */
export async function getDocument<T>(connection: Connection, index: string, id: string, options: CallOptions = {}): Promise<ReadResult<T>> {
  const path = docPath(index, '_doc', id);
  const response = await connection.send('GET', path, { acceptStatuses: [404], ...options });
  if (response.status === 404 || !isRecord(response.body) || response.body.found !== true) return { found: false };
  return { found: true, source: response.body._source as T, version: versionOf(connection, `GET ${path}`, response.body) };
}

/** PUT /{index}/_create/{id}: creates the index when it is missing; conflict when the document exists. */
export async function createDocument(connection: Connection, index: string, id: string, source: unknown, options: CallOptions = {}): Promise<WriteResult> {
  const path = docPath(index, '_create', id);
  const response = await connection.send('PUT', path, { body: source, acceptStatuses: [409], ...options });
  return writeResult(connection, `PUT ${path}`, response);
}

/** PUT /{index}/_doc/{id}?if_seq_no&if_primary_term: conflict when the document moved on or is gone. */
export async function replaceDocument(connection: Connection, index: string, id: string, source: unknown, expected: DocumentVersion, options: CallOptions = {}): Promise<WriteResult> {
  const path = docPath(index, '_doc', id, casQuery(expected));
  const response = await connection.send('PUT', path, { body: source, acceptStatuses: [409], ...options });
  return writeResult(connection, `PUT ${path}`, response);
}

/** DELETE /{index}/_doc/{id}?if_seq_no&if_primary_term */
export async function deleteDocument(connection: Connection, index: string, id: string, expected: DocumentVersion, options: CallOptions = {}): Promise<DeleteResult> {
  const path = docPath(index, '_doc', id, casQuery(expected));
  const response = await connection.send('DELETE', path, { acceptStatuses: [404, 409], ...options });
  if (isVersionConflict(response)) return 'conflict';
  return response.status === 404 ? 'not_found' : 'deleted';
}

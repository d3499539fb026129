/**
 * The error bodies of the document APIs, worded as Elasticsearch words them:
 * - VersionConflictEngineException: "[{id}]: version conflict, {explanation}", status 409, with the
 *   shard's index_uuid, shard and index (EngineException -> ElasticsearchException.setShard).
 *   Explanations: "document already exists (current version [v])" (VersionType.INTERNAL for
 *   op_type=create), and "required seqNo [s], primary term [t]. current document has seqNo [a]
 *   and primary term [b]" or "... but no document was found" (the seq_no constructor).
 * - IndexNotFoundException: "no such index [x]", 404, resource.type index_expression,
 *   resource.id x, index_uuid _na_, index x (answers recorded from real clusters).
 * - DocWriteRequest.validateSeqNoBasedCASParams and IndexRequest.validate: 400
 *   action_request_validation_exception "Validation Failed: 1: ...;".
 */
import { simpleError, type EsHttpError } from '../es-errors.js';
import type { StoredDocument, StoredIndex } from './document-store.js';

function shardMetadata(indexName: string, index: StoredIndex): Record<string, unknown> {
  return { index_uuid: index.uuid, shard: '0', index: indexName };
}

export function documentExists(indexName: string, index: StoredIndex, id: string, current: StoredDocument): EsHttpError {
  const reason = `[${id}]: version conflict, document already exists (current version [${current.version}])`;
  return simpleError(409, 'version_conflict_engine_exception', reason, shardMetadata(indexName, index));
}

export interface CasExpectation {
  seqNo: number;
  primaryTerm: number;
}

export function seqNoConflict(indexName: string, index: StoredIndex, id: string, wanted: CasExpectation, current: StoredDocument | undefined): EsHttpError {
  const found = current ? ` current document has seqNo [${current.seqNo}] and primary term [${current.primaryTerm}]` : ' but no document was found';
  const reason = `[${id}]: version conflict, required seqNo [${wanted.seqNo}], primary term [${wanted.primaryTerm}].${found}`;
  return simpleError(409, 'version_conflict_engine_exception', reason, shardMetadata(indexName, index));
}

export function indexNotFound(indexName: string): EsHttpError {
  return simpleError(404, 'index_not_found_exception', `no such index [${indexName}]`, {
    'resource.type': 'index_expression',
    'resource.id': indexName,
    index_uuid: '_na_',
    index: indexName,
  });
}

export function validationFailed(errors: string[]): EsHttpError {
  return simpleError(400, 'action_request_validation_exception', `Validation Failed: ${errors.map((error, i) => `${i + 1}: ${error};`).join('')}`);
}

/** [inferred] MetadataCreateIndexService.validateIndexOrAliasName, the rules a lease index name can break. */
export function invalidIndexName(indexName: string, why: string): EsHttpError {
  return simpleError(400, 'invalid_index_name_exception', `Invalid index name [${indexName}], ${why}`, { index_uuid: '_na_', index: indexName });
}

const FORBIDDEN_CHARS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

export function checkIndexName(indexName: string): void {
  if (indexName !== indexName.toLowerCase()) throw invalidIndexName(indexName, 'must be lowercase');
  if (indexName === '.' || indexName === '..') throw invalidIndexName(indexName, "must not be '.' or '..'");
  if (/^[_\-+]/.test(indexName)) throw invalidIndexName(indexName, "must not start with '_', '-', or '+'");
  if (FORBIDDEN_CHARS.some((char) => indexName.includes(char))) {
    throw invalidIndexName(indexName, `must not contain the following characters [${FORBIDDEN_CHARS.join(', ')}]`);
  }
  if (Buffer.byteLength(indexName) > 255) throw invalidIndexName(indexName, 'index name is too long, (' + Buffer.byteLength(indexName) + ' > 255)');
}

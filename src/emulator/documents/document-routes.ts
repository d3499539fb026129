/**
 * The document APIs a lease needs (issue 15): index (PUT|POST /{index}/_doc/{id}, POST /{index}/_doc),
 * create (PUT|POST /{index}/_create/{id}), get and delete (/{index}/_doc/{id}).
 * Order as in Elasticsearch: REST parsing (RestIndexAction / RestGetAction / RestDeleteAction) ->
 * unrecognized parameters -> request validation -> authorization of the document action on the
 * index name -> auto-creation (its own action, indices:admin/auto_create) -> the engine.
 * Responses as DocWriteResponse / GetResult render them; `_type: _doc` is there in 7.x only.
 */
import { simpleError } from '../es-errors.js';
import type { RequestContext } from '../request-context.js';
import type { Reply, Route } from '../router.js';
import { timeBasedId } from '../ids.js';
import { checkIndexName, documentExists, indexNotFound, seqNoConflict } from './document-errors.js';
import type { DocumentStore, StoredDocument, StoredIndex } from './document-store.js';
import { INDEX_ACTIONS, authorizeIndex, hasIndexPrivilege, indexDenied } from './index-privileges.js';
import { casExpectation, consumeUnmodelled, parseOpType, readCasParams, readRefresh, validateWrite, type OpType, type Refresh } from './write-params.js';

const WRITE_UNMODELLED = ['routing', 'timeout', 'wait_for_active_shards', 'pipeline', 'require_alias'];
const GET_UNMODELLED = ['realtime', 'refresh', 'routing', 'preference'];

function head(ctx: RequestContext, indexName: string, id: string): Record<string, unknown> {
  return ctx.state.profile.major === 7 ? { _index: indexName, _type: '_doc', _id: id } : { _index: indexName, _id: id };
}

/** One primary and the default one replica; the replica is assigned when there is a second node. */
function shards(ctx: RequestContext): { total: number; successful: number; failed: number } {
  return { total: 2, successful: ctx.state.nodes.length > 1 ? 2 : 1, failed: 0 };
}

function writeBody(ctx: RequestContext, indexName: string, id: string, doc: StoredDocument, result: string, refresh: Refresh): Record<string, unknown> {
  return {
    ...head(ctx, indexName, id),
    _version: doc.version,
    result,
    ...(refresh === 'true' ? { forced_refresh: true } : {}),
    _shards: shards(ctx),
    _seq_no: doc.seqNo,
    _primary_term: doc.primaryTerm,
  };
}

function readSource(ctx: RequestContext): unknown {
  const body = ctx.readBody();
  if (body.length === 0) throw simpleError(400, 'parse_exception', 'request body is required');
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // falls through to ES's mapping failure
  }
  throw simpleError(400, 'mapper_parsing_exception', 'failed to parse'); // [inferred] ES adds the parser's detail as caused_by
}

/** Authorizes the write, then the auto-creation of a missing index (TransportBulkAction.createIndex). */
function authorizeWrite(ctx: RequestContext, action: string, indexName: string, store: DocumentStore, willAutoCreate: boolean): void {
  const privileges = { profile: ctx.state.profile, roles: ctx.state.roles };
  authorizeIndex(ctx.principal, action, indexName, privileges);
  if (!willAutoCreate || store.index(indexName)) return;
  if (!hasIndexPrivilege(ctx.principal, INDEX_ACTIONS.autoCreate, indexName, privileges)) throw indexDenied(ctx.principal, INDEX_ACTIONS.autoCreate, indexName, privileges);
  checkIndexName(indexName);
}

function indexOp(store: DocumentStore, fixedOpType?: OpType, autoId = false) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const indexName = ctx.params.index ?? '';
    const rawOpType = ctx.param('op_type');
    if (fixedOpType === 'create' && rawOpType !== undefined && rawOpType.toLowerCase() !== 'create') {
      throw simpleError(400, 'illegal_argument_exception', `opType must be 'create', found: [${rawOpType}]`);
    }
    const refresh = readRefresh(ctx);
    const cas = readCasParams(ctx);
    const opType = parseOpType(rawOpType, fixedOpType ?? (autoId ? 'create' : 'index'));
    consumeUnmodelled(ctx, WRITE_UNMODELLED);
    const source = readSource(ctx);
    ctx.checkParams();
    const id = autoId ? timeBasedId() : (ctx.params.id ?? '');
    validateWrite(id, opType, cas);
    authorizeWrite(ctx, INDEX_ACTIONS.index, indexName, store, true);
    const wanted = casExpectation(cas);
    return store.transact(indexName, true, (index, helpers) => {
      const live = (index as StoredIndex).docs[id];
      if (opType === 'create' && live) throw documentExists(indexName, index as StoredIndex, id, live);
      if (wanted && (!live || live.seqNo !== wanted.seqNo || live.primaryTerm !== wanted.primaryTerm)) throw seqNoConflict(indexName, index as StoredIndex, id, wanted, live);
      const target = index as StoredIndex;
      const doc: StoredDocument = { source, seqNo: target.nextSeqNo, primaryTerm: target.primaryTerm, version: helpers.nextVersion(id, live) };
      target.nextSeqNo += 1;
      target.docs[id] = doc;
      return { status: live ? 200 : 201, body: writeBody(ctx, indexName, id, doc, live ? 'updated' : 'created', refresh) };
    });
  };
}

function getOp(store: DocumentStore) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const indexName = ctx.params.index ?? '';
    const id = ctx.params.id ?? '';
    consumeUnmodelled(ctx, GET_UNMODELLED);
    const includeSource = ctx.param('_source') !== 'false';
    ctx.checkParams();
    authorizeIndex(ctx.principal, INDEX_ACTIONS.get, indexName, { profile: ctx.state.profile, roles: ctx.state.roles });
    if (!store.index(indexName)) throw indexNotFound(indexName);
    const doc = store.get(indexName, id);
    if (!doc) return { status: 404, body: { ...head(ctx, indexName, id), found: false } };
    const body = { ...head(ctx, indexName, id), _version: doc.version, _seq_no: doc.seqNo, _primary_term: doc.primaryTerm, found: true };
    return { status: 200, body: includeSource ? { ...body, _source: doc.source } : body };
  };
}

function deleteOp(store: DocumentStore) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const indexName = ctx.params.index ?? '';
    const id = ctx.params.id ?? '';
    const refresh = readRefresh(ctx);
    const cas = readCasParams(ctx);
    consumeUnmodelled(ctx, ['routing', 'timeout', 'wait_for_active_shards']);
    ctx.checkParams();
    validateWrite(id, 'delete', cas);
    // A delete never creates its index (TransportBulkAction skips deletes with internal versioning).
    authorizeWrite(ctx, INDEX_ACTIONS.delete, indexName, store, false);
    if (!store.index(indexName)) throw indexNotFound(indexName);
    const wanted = casExpectation(cas);
    return store.transact(indexName, false, (index, helpers) => {
      const target = index as StoredIndex;
      const live = target.docs[id];
      if (wanted && (!live || live.seqNo !== wanted.seqNo || live.primaryTerm !== wanted.primaryTerm)) throw seqNoConflict(indexName, target, id, wanted, live);
      const tombstone: StoredDocument = { source: null, seqNo: target.nextSeqNo, primaryTerm: target.primaryTerm, version: helpers.nextVersion(id, live) };
      target.nextSeqNo += 1;
      delete target.docs[id];
      if (live) helpers.bury(id, tombstone.version);
      return { status: live ? 200 : 404, body: writeBody(ctx, indexName, id, tombstone, live ? 'deleted' : 'not_found', refresh) };
    });
  };
}

const DOC = '/{index}/_doc/{id}';
const CREATE = '/{index}/_create/{id}';
const WRITE_PARAMS = ['op_type', 'refresh', 'if_seq_no', 'if_primary_term', ...WRITE_UNMODELLED];

export function documentRoutes(store: DocumentStore): Route[] {
  const index = indexOp(store);
  const create = indexOp(store, 'create');
  return [
    { method: 'PUT', template: DOC, handle: index, params: WRITE_PARAMS },
    { method: 'POST', template: DOC, handle: index, params: WRITE_PARAMS },
    { method: 'POST', template: '/{index}/_doc', handle: indexOp(store, undefined, true), params: WRITE_PARAMS },
    { method: 'PUT', template: CREATE, handle: create, params: WRITE_PARAMS },
    { method: 'POST', template: CREATE, handle: create, params: WRITE_PARAMS },
    { method: 'GET', template: DOC, handle: getOp(store), params: [...GET_UNMODELLED, '_source'] },
    { method: 'DELETE', template: DOC, handle: deleteOp(store), params: ['refresh', 'if_seq_no', 'if_primary_term', 'routing', 'timeout', 'wait_for_active_shards'] },
  ];
}

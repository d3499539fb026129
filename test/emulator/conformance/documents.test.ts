/**
 * Conformance: the document APIs the lease uses (issue 15), over HTTPS, in a 7.x and a 9.x profile.
 * Sources (Elasticsearch, read through the search tool; facts only, no file copied):
 * create/10_with_id.yml (create, get, create again -> conflict), index/12_result.yml (created /
 * updated), index/20_optype.yml (op_type create then index -> _version 2), index/30_cas.yml
 * (if_seq_no/if_primary_term mismatch -> conflict, match -> _version 2), index/10_with_id.yml
 * (`_type: _doc` in 7.x, id over 512 bytes -> 400), delete/20_cas.yml (seq_no 0 then delete ->
 * seq_no 1), delete/12_result.yml (deleted, then not_found with 404), get/80_missing.yml and
 * delete/60_missing.yml (404), VersionConflictEngineException (reason wording), RestIndexAction
 * (routes, op_type rules of _create, auto id defaults to create), IndexRequest.validate and
 * DocWriteRequest.validateSeqNoBasedCASParams (400 wording), TransportBulkAction (a delete does
 * not create its index), DocWriteResponse (forced_refresh on refresh=true).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esError, isAtLeast, startHarness, type Harness, type Profile } from './harness.js';

const PROFILES: Profile[] = [
  { esVersion: '7.17.0', isTls: true },
  { esVersion: '9.4.0', isTls: true },
];

const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe.each(PROFILES)('document APIs, ES $esVersion', (profile) => {
  let h: Harness;
  const typed = isAtLeast(profile.esVersion, 8, 0) ? {} : { _type: '_doc' };
  // three nodes: the default one replica is assigned
  const shards = { total: 2, successful: 2, failed: 0 };
  beforeAll(async () => {
    h = await startHarness(profile);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('create with an id -> 201 created; GET finds it; create again -> 409 "document already exists"', async () => {
    const created = await h.call('PUT', '/docs-a/_create/1', json({ foo: 'bar' }));
    expect([created.status, created.json]).toEqual([201, { _index: 'docs-a', ...typed, _id: '1', _version: 1, result: 'created', _shards: shards, _seq_no: 0, _primary_term: 1 }]);
    expect(Object.keys(created.json)).toEqual(['_index', ...Object.keys(typed), '_id', '_version', 'result', '_shards', '_seq_no', '_primary_term']);
    const got = await h.call('GET', '/docs-a/_doc/1');
    expect([got.status, got.json]).toEqual([200, { _index: 'docs-a', ...typed, _id: '1', _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: { foo: 'bar' } }]);
    const again = await h.call('POST', '/docs-a/_create/1', json({ foo: 'bar' }));
    expect(again.status).toBe(409);
    const reason = '[1]: version conflict, document already exists (current version [1])';
    const uuid = again.json.error.index_uuid;
    expect(again.json).toEqual(esError(409, 'version_conflict_engine_exception', reason, { index_uuid: uuid, shard: '0', index: 'docs-a' }));
    expect(uuid).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('op_type=create twice -> 409; op_type=index -> 200 updated, _version 2, next seq_no', async () => {
    expect((await h.call('PUT', '/docs-b/_doc/1?op_type=create', json({ foo: 'bar' }))).status).toBe(201);
    expect((await h.call('PUT', '/docs-b/_doc/1?op_type=create', json({ foo: 'bar' }))).status).toBe(409);
    const updated = await h.call('PUT', '/docs-b/_doc/1?op_type=index', json({ foo: 'baz' }));
    expect([updated.status, updated.json]).toEqual([200, { _index: 'docs-b', ...typed, _id: '1', _version: 2, result: 'updated', _shards: shards, _seq_no: 1, _primary_term: 1 }]);
  });

  it('if_seq_no / if_primary_term: a mismatch -> 409 naming both pairs, a match -> _version 2', async () => {
    const first = (await h.call('PUT', '/docs-c/_doc/1', json({ foo: 'bar' }))).json;
    expect([first._seq_no, first._primary_term, first.result]).toEqual([0, 1, 'created']);
    const wrongSeqNo = await h.call('PUT', '/docs-c/_doc/1?if_seq_no=10000&if_primary_term=1', json({ foo: 'bar2' }));
    expect([wrongSeqNo.status, wrongSeqNo.json.error.reason]).toEqual([409, '[1]: version conflict, required seqNo [10000], primary term [1]. current document has seqNo [0] and primary term [1]']);
    const wrongTerm = await h.call('PUT', '/docs-c/_doc/1?if_seq_no=0&if_primary_term=1000', json({ foo: 'bar2' }));
    expect([wrongTerm.status, wrongTerm.json.error.type]).toEqual([409, 'version_conflict_engine_exception']);
    const matched = await h.call('PUT', '/docs-c/_doc/1?if_seq_no=0&if_primary_term=1', json({ foo: 'bar2' }));
    expect([matched.status, matched.json._version, matched.json._seq_no]).toEqual([200, 2, 1]);
    const missing = await h.call('PUT', '/docs-c/_doc/nobody?if_seq_no=0&if_primary_term=1', json({}));
    expect([missing.status, missing.json.error.reason]).toEqual([409, '[nobody]: version conflict, required seqNo [0], primary term [1]. but no document was found']);
  });

  it('delete with if_seq_no: mismatch -> 409, match -> deleted with the next seq_no; again -> 404 not_found', async () => {
    expect((await h.call('PUT', '/docs-d/_doc/1', json({ foo: 'bar' }))).json._seq_no).toBe(0);
    const conflict = await h.call('DELETE', '/docs-d/_doc/1?if_seq_no=2&if_primary_term=1');
    expect([conflict.status, conflict.json.error.reason]).toEqual([409, '[1]: version conflict, required seqNo [2], primary term [1]. current document has seqNo [0] and primary term [1]']);
    const deleted = await h.call('DELETE', '/docs-d/_doc/1?if_seq_no=0&if_primary_term=1');
    expect([deleted.status, deleted.json]).toEqual([200, { _index: 'docs-d', ...typed, _id: '1', _version: 2, result: 'deleted', _shards: shards, _seq_no: 1, _primary_term: 1 }]);
    const again = await h.call('DELETE', '/docs-d/_doc/1');
    expect([again.status, again.json.result, again.json._seq_no]).toEqual([404, 'not_found', 2]);
    const casOnMissing = await h.call('DELETE', '/docs-d/_doc/1?if_seq_no=1&if_primary_term=1');
    expect([casOnMissing.status, casOnMissing.json.error.reason]).toEqual([409, '[1]: version conflict, required seqNo [1], primary term [1]. but no document was found']);
    expect((await h.call('GET', '/docs-d/_doc/1')).json).toEqual({ _index: 'docs-d', ...typed, _id: '1', found: false });
  });

  it.each([
    ['GET', '/no-such-index/_doc/1'],
    ['DELETE', '/no-such-index/_doc/1'],
  ])('%s in a missing index -> 404 index_not_found_exception, and the index is not created', async (method, path) => {
    const reply = await h.call(method, path);
    const meta = { 'resource.type': 'index_expression', 'resource.id': 'no-such-index', index_uuid: '_na_', index: 'no-such-index' };
    expect([reply.status, reply.json]).toEqual([404, esError(404, 'index_not_found_exception', 'no such index [no-such-index]', meta)]);
  });

  it('a missing document in an existing index -> 404 found:false', async () => {
    await h.call('PUT', '/docs-e/_doc/present', json({}));
    const reply = await h.call('GET', '/docs-e/_doc/absent');
    expect([reply.status, reply.json]).toEqual([404, { _index: 'docs-e', ...typed, _id: 'absent', found: false }]);
  });

  it('refresh=true -> forced_refresh: true after result; POST /{index}/_doc makes a 20-char id with op_type create', async () => {
    const forced = await h.call('PUT', '/docs-f/_doc/1?refresh=true', json({ a: 1 }));
    expect(Object.keys(forced.json)).toEqual(['_index', ...Object.keys(typed), '_id', '_version', 'result', 'forced_refresh', '_shards', '_seq_no', '_primary_term']);
    expect(forced.json.forced_refresh).toBe(true);
    const auto = await h.call('POST', '/docs-f/_doc', json({ a: 2 }));
    expect([auto.status, auto.json.result, auto.json._seq_no]).toEqual([201, 'created', 1]);
    expect(auto.json._id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect((await h.call('GET', `/docs-f/_doc/${auto.json._id}`)).json._source).toEqual({ a: 2 });
  });

  it.each([
    ['/v/_doc/1?if_seq_no=0', 'action_request_validation_exception', 'Validation Failed: 1: ifSeqNo is set, but primary term is [0];'],
    ['/v/_doc/1?if_primary_term=3', 'action_request_validation_exception', 'Validation Failed: 1: ifSeqNo is unassigned, but primary term is [3];'],
    ['/v/_doc/1?op_type=create&if_seq_no=0&if_primary_term=1', 'action_request_validation_exception', 'Validation Failed: 1: create operations do not support compare and set. use index instead;'],
    ['/v/_create/1?if_seq_no=0&if_primary_term=1', 'action_request_validation_exception', 'Validation Failed: 1: create operations do not support compare and set. use index instead;'],
    ['/v/_doc/1?op_type=invalid', 'illegal_argument_exception', "opType must be 'create' or 'index', found: [invalid]"],
    ['/v/_create/1?op_type=index', 'illegal_argument_exception', "opType must be 'create', found: [index]"],
    ['/v/_doc/1?if_seq_no=-1&if_primary_term=1', 'illegal_argument_exception', 'sequence numbers must be non negative. got [-1].'],
    ['/v/_doc/1?if_seq_no=abc&if_primary_term=1', 'illegal_argument_exception', 'Failed to parse long parameter [if_seq_no] with value [abc]'],
    ['/v/_doc/1?refresh=sometimes', 'illegal_argument_exception', 'Unknown value for refresh: [sometimes].'],
    [`/v/_doc/${'a'.repeat(513)}`, 'action_request_validation_exception', `Validation Failed: 1: id [${'a'.repeat(513)}] is too long, must be no longer than 512 bytes but was: 513;`],
  ])('PUT %s -> 400 %s', async (path, type, reason) => {
    const reply = await h.call('PUT', path, json({ a: 1 }));
    expect([reply.status, reply.json]).toEqual([400, esError(400, type, reason)]);
    expect((await h.call('GET', '/v/_doc/1')).status).toBe(404);
  });

  it('no body -> 400 "request body is required"; an upper-case index name -> 400 invalid_index_name_exception', async () => {
    const noBody = await h.call('PUT', '/docs-g/_doc/1');
    expect([noBody.status, noBody.json]).toEqual([400, esError(400, 'parse_exception', 'request body is required')]);
    const upper = await h.call('PUT', '/Leases/_doc/1', json({}));
    expect([upper.status, upper.json]).toEqual([400, esError(400, 'invalid_index_name_exception', 'Invalid index name [Leases], must be lowercase', { index_uuid: '_na_', index: 'Leases' })]);
  });
});

/**
 * Query parameters of the document write APIs as RestIndexAction / RestDeleteAction parse them,
 * and the request validation of IndexRequest.validate / DocWriteRequest.validateSeqNoBasedCASParams.
 */
import { illegalArgument } from '../es-errors.js';
import { parseRefresh, type RequestContext } from '../request-context.js';
import { validationFailed, type CasExpectation } from './document-errors.js';

export type OpType = 'create' | 'index';
export type Refresh = 'true' | 'false' | 'wait_for';

/** SequenceNumbers.UNASSIGNED_SEQ_NO / UNASSIGNED_PRIMARY_TERM */
const UNASSIGNED_SEQ_NO = -2;
const UNASSIGNED_PRIMARY_TERM = 0;

/** RestRequest.paramAsLong: a value that is not a long is a 400. */
function paramAsLong(ctx: RequestContext, name: string, fallback: number): number {
  const raw = ctx.param(name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw illegalArgument(`Failed to parse long parameter [${name}] with value [${raw}]`);
  return Number(raw);
}

export interface CasParams {
  ifSeqNo: number;
  ifPrimaryTerm: number;
}

/** setIfSeqNo / setIfPrimaryTerm refuse negative values while the request is built. */
export function readCasParams(ctx: RequestContext): CasParams {
  const ifSeqNo = paramAsLong(ctx, 'if_seq_no', UNASSIGNED_SEQ_NO);
  if (ifSeqNo < 0 && ifSeqNo !== UNASSIGNED_SEQ_NO) throw illegalArgument(`sequence numbers must be non negative. got [${ifSeqNo}].`);
  const ifPrimaryTerm = paramAsLong(ctx, 'if_primary_term', UNASSIGNED_PRIMARY_TERM);
  if (ifPrimaryTerm < 0) throw illegalArgument(`primary term must be non negative. got [${ifPrimaryTerm}].`);
  return { ifSeqNo, ifPrimaryTerm };
}

export function casExpectation(cas: CasParams): CasExpectation | undefined {
  return cas.ifSeqNo === UNASSIGNED_SEQ_NO ? undefined : { seqNo: cas.ifSeqNo, primaryTerm: cas.ifPrimaryTerm };
}

/** IndexRequest.opType(String) */
export function parseOpType(value: string | undefined, fallback: OpType): OpType {
  if (value === undefined) return fallback;
  const lower = value.toLowerCase();
  if (lower === 'create' || lower === 'index') return lower;
  throw illegalArgument(`opType must be 'create' or 'index', found: [${value}]`);
}

export function readRefresh(ctx: RequestContext): Refresh {
  // WriteRequest.RefreshPolicy: no value -> NONE (false) for the document APIs; "" or "true" -> IMMEDIATE.
  const raw = ctx.param('refresh');
  return raw === undefined ? 'false' : parseRefresh(raw);
}

/** The parameters accepted and not modelled: read so that they are not "unrecognized". */
export function consumeUnmodelled(ctx: RequestContext, names: readonly string[]): void {
  for (const name of names) ctx.param(name);
}

const MAX_ID_BYTES = 512;

/** The validation errors of an index/create or delete request, in ES's order. */
export function validateWrite(id: string | undefined, opType: OpType | 'delete', cas: CasParams): void {
  const errors: string[] = [];
  if (opType === 'create' && (cas.ifSeqNo !== UNASSIGNED_SEQ_NO || cas.ifPrimaryTerm !== UNASSIGNED_PRIMARY_TERM)) {
    throw validationFailed(['create operations do not support compare and set. use index instead']);
  }
  if (cas.ifPrimaryTerm === UNASSIGNED_PRIMARY_TERM && cas.ifSeqNo !== UNASSIGNED_SEQ_NO) errors.push('ifSeqNo is set, but primary term is [0]');
  if (cas.ifPrimaryTerm !== UNASSIGNED_PRIMARY_TERM && cas.ifSeqNo === UNASSIGNED_SEQ_NO) errors.push(`ifSeqNo is unassigned, but primary term is [${cas.ifPrimaryTerm}]`);
  if (id !== undefined && Buffer.byteLength(id) > MAX_ID_BYTES) {
    errors.push(`id [${id}] is too long, must be no longer than ${MAX_ID_BYTES} bytes but was: ${Buffer.byteLength(id)}`);
  }
  if (errors.length > 0) throw validationFailed(errors);
}

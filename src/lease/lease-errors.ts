/** The three ways a lease can refuse a writer, each naming what an operator needs to act. */
import { EscredError } from '../errors.js';
import { describeHolding, type LeaseRecord } from './lease-record.js';

export interface LeaseWhere {
  cluster: string;
  index: string;
  id: string;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Another escred holds the lease (and has not been seen unrenewed for its whole duration). */
export class LeaseHeldError extends EscredError {
  constructor(readonly where: LeaseWhere, readonly holder: LeaseRecord, waitedMs: number) {
    super(
      'ESCRED_LEASE_HELD',
      `cluster ${where.cluster}: the lease ${where.index}/${where.id} is held by ${holder.holderId} (host ${holder.host}, pid ${holder.pid}) ` +
        `${describeHolding(holder)} since ${holder.acquiredAt}, last renewed ${holder.renewedAt} by its clock; waited ${seconds(waitedMs)}. ` +
        `A lease is taken over only after it was seen unrenewed for its duration (${seconds(holder.leaseDurationMs)}): ` +
        'wait longer (--lease-wait) or stop the other escred',
      { isRetryable: true },
    );
  }
}

/** The lease moved on (someone took it over) or is gone: stop writing before the next call. */
export class LeaseLostError extends EscredError {
  constructor(readonly where: LeaseWhere, why: string) {
    super('ESCRED_LEASE_LOST', `cluster ${where.cluster}: lost the lease ${where.index}/${where.id}: ${why}; no further write is sent`);
  }
}

/** The credentials may not use the lease index. */
export class LeasePermissionError extends EscredError {
  constructor(readonly where: LeaseWhere, call: string, reason: string | undefined, options: { cause?: unknown } = {}) {
    super(
      'ESCRED_LEASE_FORBIDDEN',
      `cluster ${where.cluster}: the credentials may not use the lease index [${where.index}] (${call}): ` +
        `grant them the index privileges create_index, write and read on [${where.index}]` +
        (reason ? ` (Elasticsearch said: ${reason})` : ''),
      options,
    );
  }
}

/** The document under escred's lease id is not a lease record escred wrote. */
export class LeaseRecordError extends EscredError {
  constructor(where: LeaseWhere, what: string) {
    super('ESCRED_LEASE_RECORD', `cluster ${where.cluster}: the document ${where.index}/${where.id} is not an escred lease (${what}); ` +
      'remove it or choose another lease index');
  }
}

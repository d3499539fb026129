/**
 * One holder id per escred process (issue 15): the lease records it, and every request carries it
 * as `X-Opaque-Id: escred/<holder id>`, which Elasticsearch shows in its slow, audit and
 * deprecation logs and in the task list, so an operator can tell which escred did what.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

let processHolderId: string | undefined;

/** `<host>-<pid>-<random>`: the random part tells apart two processes that reuse a pid (containers) */
export function holderIdOfThisProcess(): string {
  processHolderId ??= `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  return processHolderId;
}

export function opaqueIdOf(holderId: string): string {
  return `escred/${holderId}`;
}

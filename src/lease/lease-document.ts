/**
 * The lease document's reads and writes (issue 15): every call carries the holder's X-Opaque-Id,
 * a 403 becomes one error naming the index and the privileges to grant, and a write whose answer
 * was lost (the transport re-sends a PUT, which then meets its own first attempt as a 409) is
 * recognised by the record's random writeId.
 */
import { randomBytes } from 'node:crypto';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { createDocument, deleteDocument, getDocument, replaceDocument, type DeleteResult, type DocumentVersion } from '../cluster/document-calls.js';
import { isHttpStatus } from '../cluster/elasticsearch-error.js';
import { LeasePermissionError, LeaseRecordError, type LeaseWhere } from './lease-errors.js';
import { parseLeaseRecord, type LeaseRecord } from './lease-record.js';

export interface VersionedRecord {
  record: LeaseRecord;
  version: DocumentVersion;
}

export function newWriteId(): string {
  return randomBytes(9).toString('base64url');
}

export class LeaseDocument {
  private readonly options: { headers: Record<string, string> };

  constructor(
    private readonly connection: Pick<ClusterConnection, 'clusterName' | 'send'>,
    readonly where: LeaseWhere,
    holderId: string,
  ) {
    this.options = { headers: { 'x-opaque-id': `escred/${holderId}` } };
  }

  async read(): Promise<VersionedRecord | undefined> {
    const got = await this.call('GET', () => getDocument(this.connection, this.where.index, this.where.id, this.options));
    if (!got.found) return undefined;
    const record = parseLeaseRecord(got.source);
    if (typeof record === 'string') throw new LeaseRecordError(this.where, record);
    return { record, version: got.version };
  }

  /** Creates (expected undefined) or compare-and-sets; the new version, or undefined when another write won. */
  async write(record: LeaseRecord, expected: DocumentVersion | undefined): Promise<DocumentVersion | undefined> {
    const { index, id } = this.where;
    const written = await this.call('PUT', () =>
      expected ? replaceDocument(this.connection, index, id, record, expected, this.options) : createDocument(this.connection, index, id, record, this.options),
    );
    if (written.ok) return written.version;
    const current = await this.read();
    return current && current.record.writeId === record.writeId ? current.version : undefined;
  }

  delete(expected: DocumentVersion): Promise<DeleteResult> {
    return this.call('DELETE', () => deleteDocument(this.connection, this.where.index, this.where.id, expected, this.options));
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isHttpStatus(error, 403)) {
        throw new LeasePermissionError(this.where, `${method} ${this.where.index}/${this.where.id}`, error.reason, { cause: error });
      }
      throw error;
    }
  }
}

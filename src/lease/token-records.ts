/**
 * When escred created each token it holds (issue 23 §3: ages in `escred report`), kept in the
 * cluster next to its lease, so that the record survives the machine that made the token: one
 * document per cluster in the lease index, keyed by the cluster's UUID (as leases are, issue 21),
 * written by compare-and-set. The credentials API says nothing of a token's age, and a plain
 * token's name carries none. Nothing decides on these times: they are for people reading a report.
 * A cluster with `lease: off` keeps no records (escred writes no index there).
 */
import { createDocument, getDocument, replaceDocument, type DocumentVersion } from '../cluster/document-calls.js';
import type { ClusterConnection } from '../cluster/cluster-connection.js';
import { isRecord } from '../cluster/elasticsearch-error.js';
import type { LeaseConfig } from '../model.js';
import { DEFAULT_LEASE_INDEX } from './lease-manager.js';

export interface TokenRecord {
  principal: string;
  token: string;
  /** ISO 8601, the wall clock of the escred that created it */
  createdAt: string;
}

interface RecordsDocument {
  formatVersion: 1;
  tokens: TokenRecord[];
}

export interface TokenRecordChanges {
  created: Array<Omit<TokenRecord, 'createdAt'>>;
  deleted: Array<Omit<TokenRecord, 'createdAt'>>;
}

type Connection = Pick<ClusterConnection, 'clusterName' | 'send'>;

/** The document's place, or undefined with `lease: off`. */
export function tokenRecordsPlace(lease: LeaseConfig | undefined, clusterUuid: string): { index: string; id: string } | undefined {
  if (lease === 'off' || clusterUuid === '') return undefined;
  return { index: lease?.index ?? DEFAULT_LEASE_INDEX, id: `created-tokens-${clusterUuid}` };
}

export async function readTokenRecords(connection: Connection, place: { index: string; id: string }): Promise<TokenRecord[]> {
  return (await read(connection, place)).tokens;
}

const MAX_ATTEMPTS = 3;

/** Adds the tokens created (a replaced one gets a new time) and drops the deleted ones, by compare-and-set. */
export async function updateTokenRecords(connection: Connection, place: { index: string; id: string }, changes: TokenRecordChanges, now: Date): Promise<void> {
  if (changes.created.length + changes.deleted.length === 0) return;
  const key = (r: Omit<TokenRecord, 'createdAt'>) => `${r.principal}\u0000${r.token}`;
  const gone = new Set([...changes.deleted, ...changes.created].map(key));
  for (let attempt = 1; ; attempt += 1) {
    const current = await read(connection, place);
    const tokens = [...current.tokens.filter((r) => !gone.has(key(r))),
      ...changes.created.map((r) => ({ principal: r.principal, token: r.token, createdAt: now.toISOString() }))];
    const document: RecordsDocument = { formatVersion: 1, tokens };
    const written = current.version
      ? await replaceDocument(connection, place.index, place.id, document, current.version)
      : await createDocument(connection, place.index, place.id, document);
    if (written.ok || attempt >= MAX_ATTEMPTS) return;
  }
}

async function read(connection: Connection, place: { index: string; id: string }): Promise<{ tokens: TokenRecord[]; version?: DocumentVersion }> {
  const found = await getDocument<unknown>(connection, place.index, place.id);
  if (!found.found) return { tokens: [] };
  const source = found.source;
  const tokens = isRecord(source) && Array.isArray(source.tokens) ? source.tokens.filter(isTokenRecord) : [];
  return { tokens, version: found.version };
}

function isTokenRecord(value: unknown): value is TokenRecord {
  return isRecord(value) && typeof value.principal === 'string' && typeof value.token === 'string' && typeof value.createdAt === 'string';
}

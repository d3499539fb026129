/**
 * The chaos test's invariants, read from the emulators' request records (method, path,
 * X-Opaque-Id, arrival time): pure functions, so that each one says exactly what it found.
 */
import type { RecordedRequest } from '../../src/emulator/documents/request-log.js';
import type { ChaosCluster } from './chaos-harness.js';

export interface TokenWrite {
  /** the manifest's name */
  cluster: string;
  /** the Elasticsearch cluster written (emulator and stand-in label), whatever the manifest calls it */
  physical: string;
  token: string;
  method: string;
  holder: string;
  at: number;
}

const TOKEN_PATH = /^\/_stand-in\/([^/]+)\/_security\/service\/([^/]+)\/([^/]+)\/credential\/token\/([^/]+)$/;
const LEASE_PATH = /^\/_stand-in\/([^/]+)\/escred-leases\/_doc\/([^/?]+)$/;

/** escred's token creates and deletes, by manifest cluster (a stand-in cluster of an emulator, and an account) */
export function tokenWrites(records: ReadonlyArray<{ emulator: 0 | 1; request: RecordedRequest }>, clusters: readonly ChaosCluster[]): TokenWrite[] {
  return records.flatMap(({ emulator, request }) => {
    const match = TOKEN_PATH.exec(request.path);
    if (!match || !['POST', 'PUT', 'DELETE'].includes(request.method) || !request.opaqueId?.startsWith('escred/')) return [];
    const standIn = match[1]!;
    const principal = `${decodeURIComponent(match[2]!)}/${decodeURIComponent(match[3]!)}`;
    const cluster = clusters.find((c) => c.emulator === emulator && c.standIn === standIn && c.principal === principal);
    return cluster ? [{
      cluster: cluster.name, physical: `${emulator}/${standIn}`, token: decodeURIComponent(match[4]!), method: request.method, holder: request.opaqueId, at: request.at,
    }] : [];
  }).sort((a, b) => a.at - b.at);
}

/** Deletes of lease documents (a release with nothing pending), by the Elasticsearch cluster they were in. */
export function leaseDeletes(records: ReadonlyArray<{ emulator: 0 | 1; request: RecordedRequest }>): Array<{ physical: string; holder: string; at: number }> {
  return records.flatMap(({ emulator, request }) => {
    const match = LEASE_PATH.exec(request.path);
    return match && request.method === 'DELETE' && request.opaqueId ? [{ physical: `${emulator}/${match[1]!}`, holder: request.opaqueId, at: request.at }] : [];
  });
}

/**
 * No two holders write one cluster (the Elasticsearch cluster, under any of its names) in overlapping terms. A holder writes only with at least half
 * its term left since its last renewal was sent, and a contender takes over only after seeing that
 * renewal unchanged for the whole term: so between one holder's last write and the next holder's
 * first, at least half a term passes, unless the first released the lease (DELETE of its document).
 */
export function overlappingTerms(
  writes: readonly TokenWrite[], releases: ReadonlyArray<{ physical: string; holder: string; at: number }>, leaseMs: number, slackMs: number,
): string[] {
  const problems: string[] = [];
  const clusters = new Set(writes.map((w) => w.physical));
  for (const cluster of clusters) {
    const segments: Array<{ holder: string; start: number; end: number }> = [];
    for (const write of writes.filter((w) => w.physical === cluster)) {
      const last = segments.at(-1);
      if (last?.holder === write.holder) last.end = write.at;
      else segments.push({ holder: write.holder, start: write.at, end: write.at });
    }
    for (let i = 1; i < segments.length; i += 1) {
      const before = segments[i - 1]!;
      const after = segments[i]!;
      const gap = after.start - before.end;
      const wasReleased = releases.some((d) => d.physical === cluster && d.holder === before.holder && d.at >= before.end && d.at <= after.start);
      if (!wasReleased && gap < leaseMs / 2 - slackMs) {
        problems.push(`cluster ${cluster}: ${after.holder} wrote ${gap} ms after ${before.holder}'s last write, without a release (half a term is ${leaseMs / 2} ms)`);
      }
    }
  }
  return problems;
}

/** creates per token beyond what the changes allow: one per reason to create (declared, deleted out of band) plus the faults' budget */
export function repeatedCreates(writes: readonly TokenWrite[], reasons: ReadonlyMap<string, number>, faultBudget: number): string[] {
  const creates = new Map<string, number>();
  for (const w of writes.filter((w) => w.method !== 'DELETE')) creates.set(`${w.cluster}/${w.token}`, (creates.get(`${w.cluster}/${w.token}`) ?? 0) + 1);
  return [...creates].filter(([key, n]) => n > (reasons.get(key) ?? 0) + faultBudget).map(([key, n]) => `${key}: created ${n} times, ${reasons.get(key) ?? 0} reasons`);
}

/** deletes of tokens escred must never delete: not owned (no `${prefix}-`), or protected (`${prefix}-keep-`) */
export function forbiddenDeletes(writes: readonly TokenWrite[], clusters: readonly ChaosCluster[]): string[] {
  return writes.filter((w) => w.method === 'DELETE').filter((w) => {
    const prefix = clusters.find((c) => c.name === w.cluster)!.prefix;
    return !w.token.startsWith(`${prefix}-`) || w.token.startsWith(`${prefix}-keep-`);
  }).map((w) => `${w.cluster}/${w.token} deleted by ${w.holder}`);
}

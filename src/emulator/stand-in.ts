/**
 * Stand-in clusters, for tests and benches only: `https://host:port/_stand-in/<label>/...` is the
 * same emulator answering GET / with a cluster UUID of its own per label (derived, stable), so that
 * one emulator process can stand in for many clusters. escred keys its leases by the cluster UUID
 * (issue 21) and refuses a manifest naming one cluster twice; tests that spread many manifest
 * clusters over one emulator give each its own stand-in URL. Everything else (tokens, users, the
 * lease index) is shared, as the tests that use it expect. Elasticsearch has no such prefix.
 */
import { createHash } from 'node:crypto';

const PREFIX = /^\/_stand-in\/([A-Za-z0-9_-]{1,64})(\/.*)?$/;

export function standIn(url: URL, clusterUuid: string): { url: URL; clusterUuid?: string } {
  const match = PREFIX.exec(url.pathname);
  if (!match) return { url };
  const inner = new URL(`${match[2] ?? '/'}${url.search}`, 'http://emulator');
  return { url: inner, clusterUuid: standInUuid(clusterUuid, match[1]!) };
}

/** 22 characters of base64url, like a real cluster UUID */
export function standInUuid(clusterUuid: string, label: string): string {
  return createHash('sha256').update(`${clusterUuid}/${label}`).digest('base64url').slice(0, 22);
}

import type { DesiredCluster } from '../model.js';
import { DIAGNOSTIC_CODES, warningAt, type Diagnostic } from './diagnostic.js';

/**
 * Two clusters of the manifest at the same URL are one Elasticsearch cluster managed twice: each
 * plan sees the other's tokens, and with `prune` one may delete what the other made. Warned at the
 * later cluster, with a note at the first one, so both places are named. URLs compare as origins
 * and paths (scheme and host case-insensitive, a default port and a trailing slash ignored).
 */
export function sharedUrlWarnings(clusters: readonly DesiredCluster[]): Diagnostic[] {
  const firstAt = new Map<string, DesiredCluster>();
  const diagnostics: Diagnostic[] = [];
  for (const cluster of clusters) {
    const warned = new Set<string>();
    for (const url of new Set(cluster.urls.map(comparableUrl).filter((u): u is string => u !== undefined))) {
      const first = firstAt.get(url);
      if (!first) {
        firstAt.set(url, cluster);
        continue;
      }
      if (first.name === cluster.name || warned.has(first.name)) continue; // a duplicate name is an error of its own
      warned.add(first.name);
      diagnostics.push({
        ...warningAt(cluster.source, DIAGNOSTIC_CODES.sharedUrl, `cluster "${cluster.name}" has the same URL as cluster "${first.name}" (${url}): ` +
          'one Elasticsearch cluster managed twice, where each plan sees the other\'s tokens and prune may delete them'),
        related: [{ ...first.source, message: `cluster "${first.name}" is declared here with that URL` }],
      });
    }
  }
  return diagnostics;
}

function comparableUrl(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined; // an invalid URL has its own error
  }
}

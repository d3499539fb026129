import { createHash } from 'node:crypto';
import type { ObservedCluster } from '../model.js';

/**
 * Identifies the cluster state a plan was made from: its UUID, the token names of every observed
 * account, and the user-managed accounts (roles, enabled, description, kept fields) when they were read. Node answers are left out on purpose: a node that was down during plan and
 * is back at apply changes no index token, so it must not make the plan stale.
 */
export function observedDigest(cluster: ObservedCluster): string {
  const accounts = [...cluster.serviceAccounts]
    .sort((a, b) => (a.principal < b.principal ? -1 : 1))
    .map((a) => [a.principal, [...a.indexTokens].sort(), Object.keys(a.fileTokens).sort()]);
  // description and kept fields too: a saved plan's PUT sends them back, so one changed since would be overwritten
  const userManaged = cluster.userManaged?.accounts.map((a) => [a.principal, a.roles, a.isEnabled, a.description ?? null, a.keptFields ?? null]);
  const canonical = JSON.stringify(userManaged ? [cluster.clusterUuid, accounts, userManaged] : [cluster.clusterUuid, accounts]);
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

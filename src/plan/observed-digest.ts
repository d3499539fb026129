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

/**
 * The same state in parts: `tokens <principal>` per observed service account (a short digest of its
 * token names), and per user-managed account `roles <principal>` (a short digest) and
 * `enabled <principal>` ("true" or "false"). A stale saved plan is refused by observedDigest; these
 * let the refusal say what changed.
 */
export function observedParts(cluster: ObservedCluster): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const a of cluster.serviceAccounts) parts[`tokens ${a.principal}`] = shortDigest([[...a.indexTokens].sort(), Object.keys(a.fileTokens).sort()]);
  for (const a of cluster.userManaged?.accounts ?? []) {
    parts[`roles ${a.principal}`] = shortDigest(a.roles);
    parts[`enabled ${a.principal}`] = String(a.isEnabled);
  }
  return parts;
}

/** What differs between two observedParts, in words: "the tokens of elastic/kibana", "the roles of user-managed account team/a". */
export function describePartChanges(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.filter((key) => before[key] !== after[key]).flatMap((key) => {
    const kind = key.slice(0, key.indexOf(' '));
    const principal = key.slice(key.indexOf(' ') + 1);
    if (kind === 'tokens') return [`the tokens of ${principal}`];
    if (before[key] === undefined) return kind === 'roles' ? [`user-managed account ${principal} is new`] : [];
    if (after[key] === undefined) return kind === 'roles' ? [`user-managed account ${principal} is gone`] : [];
    return [kind === 'roles' ? `the roles of user-managed account ${principal}`
      : `user-managed account ${principal} is now ${after[key] === 'true' ? 'enabled' : 'disabled'}`];
  });
}

function shortDigest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

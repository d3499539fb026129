/**
 * Leftover tokens of a declared user-managed account the cluster does not have (issue 22): Elasticsearch refuses
 * to create an account that still has tokens ("cannot create service account [...] because it has leftover service
 * tokens"), which is what a forced delete, or an account deleted by hand with force, leaves behind. The plan sees
 * it coming: where the account's own owns/prune/protect allow deleting every leftover token (deletionVerdict, the
 * rule for any token delete), the create deletes them first and the declared tokens are made anew; otherwise the
 * cluster's plan is an error naming the account and each token that stays, since the create could only fail.
 */
import type { DesiredAccount, DesiredCluster, ObservedCluster } from '../model.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import type { ClusterPlanError } from './plan-types.js';

export interface LeftoverTokens {
  /** principal -> the leftover tokens the account's create deletes first (all of them deletable) */
  deletable: Map<string, string[]>;
  /** set when some account has a leftover token the manifest does not let escred delete */
  error?: ClusterPlanError;
}

function whyKept(account: DesiredAccount, token: string): string | undefined {
  const verdict = deletionVerdict(account, token);
  if (verdict.kind === 'allowed') return undefined;
  if (verdict.kind === 'protected') return `${token} (protect '${verdict.pattern}')`;
  return verdict.kind === 'unowned' ? `${token} (no owns pattern matches it)` : `${token} (prune is off)`;
}

export function leftoverTokens(cluster: DesiredCluster, observed: ObservedCluster): LeftoverTokens {
  const result: LeftoverTokens = { deletable: new Map() };
  if (!observed.userManaged) return result;
  const existing = new Set(observed.userManaged.accounts.map((a) => a.principal));
  const problems: string[] = [];
  for (const account of cluster.serviceAccounts) {
    if (!account.userManaged || existing.has(account.principal)) continue;
    const tokens = observed.serviceAccounts.find((a) => a.principal === account.principal)?.indexTokens ?? [];
    if (tokens.length === 0) continue;
    const kept = tokens.map((token) => whyKept(account, token)).filter((why): why is string => why !== undefined);
    if (kept.length === 0) result.deletable.set(account.principal, [...tokens].sort());
    else problems.push(`${account.principal} has leftover tokens escred may not delete: ${kept.join(', ')}`);
  }
  if (problems.length > 0) {
    result.error = { code: 'ESCRED_LEFTOVER_TOKENS',
      message: `Elasticsearch refuses to create a service account that still has tokens, and on cluster ${cluster.name} ${problems.join('; ')}; ` +
        'own them with prune: owned and owns (not protect) on the account, or delete them by hand' };
  }
  return result;
}

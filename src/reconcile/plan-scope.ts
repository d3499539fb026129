/**
 * `--cluster NAME` and `--account NS/SVC` (Terraform's -target): plan and apply only part of the
 * manifest. The scope narrows the desired state before anything is opened, so no other cluster is
 * asked or written; a saved plan records its scope and is applied with the same one.
 */
import { ConfigError } from '../errors.js';
import type { DesiredState } from '../model.js';
import type { PlanScope } from '../plan/plan-scope.js';

export type { PlanScope } from '../plan/plan-scope.js';

export function scopeFrom(options: { cluster?: string[]; account?: string[] }): PlanScope | undefined {
  const clusters = [...new Set(options.cluster ?? [])];
  const accounts = [...new Set(options.account ?? [])];
  return clusters.length + accounts.length > 0 ? { clusters, accounts } : undefined;
}

/**
 * The part of the manifest in scope. With accounts named, undeclared user-managed accounts are out
 * of scope too (none is deleted): only the named accounts are touched. A name the manifest does
 * not have is an error, so a typo never plans "no changes".
 */
export function scopeDesired(desired: DesiredState, scope: PlanScope): DesiredState {
  const known = desired.clusters.map((c) => c.name);
  for (const name of scope.clusters) {
    if (!known.includes(name)) throw new ConfigError(`--cluster ${name}: the manifest has no cluster ${name} (it has: ${known.join(', ') || 'none'})`);
  }
  const clusters = desired.clusters.filter((c) => scope.clusters.length === 0 || scope.clusters.includes(c.name));
  if (scope.accounts.length === 0) return { ...desired, clusters };
  const scoped = clusters.map((cluster) => ({
    ...cluster,
    serviceAccounts: cluster.serviceAccounts.filter((a) => scope.accounts.includes(a.principal)),
    userManagedAccounts: { ...cluster.userManagedAccounts, prune: 'none' as const, owns: [] },
  }));
  for (const principal of scope.accounts) {
    if (!scoped.some((c) => c.serviceAccounts.some((a) => a.principal === principal))) {
      throw new ConfigError(`--account ${principal}: no cluster in scope declares the service account ${principal}`);
    }
  }
  return { ...desired, clusters: scoped.filter((c) => c.serviceAccounts.length > 0) };
}

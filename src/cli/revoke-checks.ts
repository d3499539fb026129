/** What `escred revoke` refuses before anything is written: a typo, a protected token without --include-protected. */
import { ConfigError, SafetyError } from '../errors.js';
import { deletionVerdict, describeVerdict } from '../ownership/deletion-verdict.js';
import type { Revocation } from '../plan/plan-revocations.js';
import type { Plan } from '../plan/plan-types.js';
import type { Pass } from '../reconcile/open-pass.js';

/** The account must be declared; a named protected token needs --include-protected (the write gate refuses it too). */
export function assertRevocable(pass: Pass, revocations: readonly Revocation[]): void {
  for (const revocation of revocations) {
    const { cluster, principal } = revocation;
    const account = pass.desired.clusters.find((c) => c.name === cluster)?.serviceAccounts.find((a) => a.principal === principal);
    if (!account) throw new ConfigError(`the manifest declares no account ${principal} on cluster ${cluster}; escred revoke works on declared accounts`);
    if (revocation.includeProtected) continue;
    for (const token of revocation.tokens) {
      const verdict = deletionVerdict(account, token);
      if (verdict.kind === 'protected') {
        throw new SafetyError('ESCRED_REVOKE_PROTECTED', `${token} of ${principal} on cluster ${cluster} is protected (${describeVerdict(verdict)}): ` +
          'escred revoke refuses it without --include-protected; nothing was written');
      }
    }
  }
}

/** A named token the cluster does not have is an error, so a typo never reports "nothing to revoke" as success. */
export function assertRevocationsFound(plan: Plan): void {
  const missing = plan.clusters.flatMap((c) => c.warnings.filter((w) => w.code === 'ESCRED_REVOKE_NOT_FOUND').map((w) => `${w.token} (${c.cluster})`));
  if (missing.length > 0) {
    throw new ConfigError(`escred revoke: the cluster has no index token ${missing.join(', ')} in that account; nothing was written`);
  }
}

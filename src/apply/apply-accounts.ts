/**
 * User-managed service accounts, applied around their tokens so that nothing fails half way
 * (spec user-managed-service-accounts.md section 9): creates and updates before any token call
 * (a token of an account that does not exist yet is refused), deletes last, only once every token
 * delete of that account is done (Elasticsearch refuses to delete an account that has tokens, and
 * escred never forces: a forced delete leaves tokens that block the account's re-creation).
 */
import { errorMessage } from '../errors.js';
import { accountWriteOf, type AccountAction } from '../plan/account-actions.js';
import type { ClusterPlan } from '../plan/plan-types.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import type { AuditLog } from './audit-log.js';
import { deleteAudited } from './audited-calls.js';
import type { ChangeEntry } from './change-set.js';
import type { GatedClusterApi } from './write-gate.js';

export interface AccountApplyContext {
  audit: AuditLog;
  concurrency: number;
  isStopped: () => boolean;
  record: (entry: ChangeEntry) => void;
  notStartedDetail: string;
}

function entry(cluster: string, action: AccountAction, outcome: ChangeEntry['outcome'], detail?: string): ChangeEntry {
  return { cluster, principal: action.principal, token: '', action: action.kind, outcome, ...(detail ? { detail } : {}) };
}

/** Creates and updates; returns the principals whose write failed (their token creates are held back). */
export async function applyAccountUpserts(cluster: ClusterPlan, api: GatedClusterApi, context: AccountApplyContext): Promise<Set<string>> {
  const failed = new Set<string>();
  const upserts = (cluster.accountActions ?? []).filter((a) => a.kind !== 'delete-account');
  await mapConcurrent(upserts, context.concurrency, async (action) => {
    if (context.isStopped()) return context.record(entry(cluster.cluster, action, 'skipped', context.notStartedDetail));
    const audit = { cluster: cluster.cluster, account: action.principal, action: 'put-account' as const };
    try {
      if (action.kind === 'create-account') await deleteLeftovers(cluster.cluster, action.principal, action.leftoverTokens ?? [], api, context);
      const { created } = await api.putUserManagedAccount(action.principal, accountWriteOf(action));
      await context.audit.record({ ...audit, outcome: 'ok' });
      context.record(entry(cluster.cluster, action, created ? 'created' : 'updated'));
    } catch (error) {
      failed.add(action.principal);
      await context.audit.record({ ...audit, outcome: 'failed', detail: errorMessage(error) });
      context.record(entry(cluster.cluster, action, 'failed', errorMessage(error)));
    }
  });
  return failed;
}

/** Elasticsearch refuses to create an account that still has tokens: the plan's leftovers go first, each recorded. */
async function deleteLeftovers(cluster: string, principal: string, tokens: readonly string[], api: GatedClusterApi, context: AccountApplyContext): Promise<void> {
  for (const token of tokens) {
    const key = { cluster, principal, token };
    try {
      const found = await deleteAudited(key, api, 'leftover', context); // the gate judges each by the account's own rules
      context.record({ ...key, action: 'delete', outcome: found ? 'deleted' : 'already-absent', detail: 'a leftover token: deleted before its account is created' });
    } catch (error) {
      context.record({ ...key, action: 'delete', outcome: 'failed', detail: errorMessage(error) });
      throw error;
    }
  }
}

/** Deletes, after the token deletes; `isBlocked(principal)` says a token of it is still there (or failed). */
export async function applyAccountDeletes(
  cluster: ClusterPlan, api: GatedClusterApi, context: AccountApplyContext, holdBack: (principal: string) => string | undefined,
): Promise<void> {
  const deletes = (cluster.accountActions ?? []).filter((a) => a.kind === 'delete-account');
  await mapConcurrent(deletes, context.concurrency, async (action) => {
    if (context.isStopped()) return context.record(entry(cluster.cluster, action, 'skipped', context.notStartedDetail));
    const why = holdBack(action.principal);
    if (why) return context.record(entry(cluster.cluster, action, 'skipped', why));
    const audit = { cluster: cluster.cluster, account: action.principal, action: 'delete-account' as const };
    try {
      const { found } = await api.deleteUserManagedAccount(action.principal); // the gate judges the account itself
      await context.audit.record({ ...audit, outcome: found ? 'ok' : 'not-found' });
      context.record(entry(cluster.cluster, action, found ? 'deleted' : 'already-absent'));
    } catch (error) {
      await context.audit.record({ ...audit, outcome: 'failed', detail: errorMessage(error) });
      context.record(entry(cluster.cluster, action, 'failed', errorMessage(error)));
    }
  });
}

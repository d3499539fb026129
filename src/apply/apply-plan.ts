import { errorMessage, hasErrorCode, isSinkError } from '../errors.js';
import type { ClusterPlan, Plan, PlanAction, TokenKey } from '../plan/plan-types.js';
import { mapConcurrent } from '../support/map-concurrent.js';
import type { ApplyContext } from './apply-context.js';
import type { WriteOptions } from './apply-ports.js';
import type { ChangeEntry, ChangeSet } from './change-set.js';
import { deleteAudited } from './audited-calls.js';
import { createToken } from './create-token.js';
import { applyAccountDeletes, applyAccountUpserts } from './apply-accounts.js';
import { CallLimiter } from './call-limiter.js';
import { NO_REFRESH, RefreshFence, runFencedPhase } from './refresh-fence.js';
import { keeperOf, verificationFailedDetail, verifyKeepers, VERIFY_FAILED_CODE, type Verification } from './verify-stored-token.js';
import type { GatedClusterApi } from './write-gate.js';

/** The detail of an action skipped because the apply was interrupted before it started. */
export const NOT_STARTED_DETAIL = 'not started: the apply was interrupted';

/**
 * Carries out a plan. Per cluster: every create and replace first (each value durable in the
 * sink before its chain goes on), then deletes, and only when nothing failed, so a rotation's old
 * generation never goes before the new one is safe, and verified: every new value and the value of
 * each generation that stays must authenticate before any delete (verify-stored-token.ts).
 * A sink failure stops the whole apply.
 * Clusters go at once, within one bound of calls in flight; refresh per write: see refresh-fence.ts.
 */
export async function applyPlan(plan: Plan, context: ApplyContext): Promise<ChangeSet> {
  const state = { isAborted: false };
  const tell = (entry: ChangeEntry) => {
    // not told one by one (an interrupted 200-token apply would print 190 lines): the interrupt report sums them up
    if (entry.detail !== NOT_STARTED_DETAIL) context.onChange?.(entry);
  };
  const limiter = new CallLimiter(context.concurrency);
  const perCluster = plan.clusters.map(() => [] as ChangeEntry[]);
  await Promise.all(plan.clusters.map((cluster, index) => applyCluster(cluster, context, state, (entry) => {
    perCluster[index]!.push(entry);
    tell(entry);
  }, limiter)));
  const entries = perCluster.flat(); // in plan order, whatever order the clusters finished in
  const isIncomplete = entries.some((e) => e.outcome === 'failed' || e.detail === NOT_STARTED_DETAIL);
  return { entries, hasFailures: isIncomplete || state.isAborted };
}

async function applyCluster(
  cluster: ClusterPlan,
  context: ApplyContext,
  state: { isAborted: boolean },
  record: (entry: ChangeEntry) => void,
  limiter: CallLimiter,
): Promise<void> {
  const skip = (action: PlanAction, detail: string) =>
    record({ cluster: cluster.cluster, principal: action.principal, token: action.token, action: action.kind, outcome: 'skipped', detail });
  const notStarted = (action: PlanAction) => skip(action, NOT_STARTED_DETAIL);
  const isStopped = () => context.stopSignal?.aborted === true;
  const api = context.gate.cluster(cluster.cluster);
  const accounts = accountContext(cluster, context, state, record);
  if (cluster.error || !api) {
    const why = cluster.error?.message ?? 'no connection to this cluster';
    cluster.actions.forEach((a) => skip(a, why));
    (cluster.accountActions ?? []).forEach((a) => record({ cluster: cluster.cluster, principal: a.principal, token: '', action: a.kind, outcome: 'skipped', detail: why }));
    return;
  }
  const writes = cluster.actions.filter((a) => a.kind !== 'delete');
  const deletes = cluster.actions.filter((a) => a.kind === 'delete');
  const failedAccounts = await applyAccountUpserts(cluster, api, accounts);
  let hasFailed = failedAccounts.size > 0;
  const fence = new RefreshFence(api);
  const runWrites = (batch: readonly PlanAction[], options: WriteOptions) => mapConcurrent(batch, context.concurrency, (action) => limiter.run(async () => {
    if (isStopped()) return notStarted(action);
    if (state.isAborted) return skip(action, 'apply stopped after an earlier failure');
    if (failedAccounts.has(action.principal)) return skip(action, `held back: account ${action.principal} could not be written`);
    const entry = await runWrite(cluster.cluster, action, api, context, state, options);
    fence.note(options, action.principal, action.token, entry.outcome === 'failed' ? 'unknown' : 'present');
    if (entry.outcome === 'failed') hasFailed = true;
    record(entry);
  })).then(() => undefined);
  // With deletes to follow, the last delete carries the refresh wait; without, the last create does.
  if (deletes.length > 0) await runWrites(writes, NO_REFRESH);
  else await runFencedPhase(writes, runWrites);
  // verified rotation: the generation that stays must authenticate with its stored value before any older one goes
  const kept = state.isAborted || hasFailed || isStopped() ? new Map<string, Verification>()
    : await verifyKeepers(cluster.cluster, deletes, api, context.sink, (work) => limiter.run(work));
  const undeleted = new Set<string>();
  const runDeletes = (batch: readonly PlanAction[], options: WriteOptions) => mapConcurrent(batch, context.concurrency, (action) => limiter.run(async () => {
    if (isStopped()) return notStarted(action);
    if (state.isAborted || hasFailed) {
      undeleted.add(action.principal);
      return skip(action, 'held back: a create on this cluster failed, deletions wait for the next apply');
    }
    const keeper = kept.get(keeperOf(action) ?? '');
    if (keeper?.kind === 'failed') {
      undeleted.add(action.principal);
      const keeperName = action.kind === 'delete' ? action.rotation?.generation ?? '' : '';
      return record({ cluster: cluster.cluster, principal: action.principal, token: action.token, action: 'delete', outcome: 'failed',
        detail: verificationFailedDetail(keeperName, keeper.reason), code: VERIFY_FAILED_CODE, unverifiedToken: keeperName });
    }
    const done = await runDelete(cluster.cluster, action, api, context, options, keeper?.kind === 'skipped' ? keeper.note : undefined);
    fence.note(options, action.principal, action.token, done.outcome === 'failed' ? 'unknown' : 'absent');
    if (done.outcome === 'failed') undeleted.add(action.principal);
    record(done);
  })).then(() => undefined);
  await runFencedPhase(deletes, runDeletes);
  await fence.settle();
  await applyAccountDeletes(cluster, api, accounts, (principal) => undeleted.has(principal)
    ? `held back: a token of ${principal} is still there, and Elasticsearch refuses to delete an account with tokens` : undefined);
}

function accountContext(cluster: ClusterPlan, context: ApplyContext, state: { isAborted: boolean }, record: (entry: ChangeEntry) => void) {
  return { audit: context.audit, concurrency: context.concurrency, record, notStartedDetail: NOT_STARTED_DETAIL,
    isStopped: () => context.stopSignal?.aborted === true || state.isAborted || cluster.error !== undefined };
}

async function runWrite(
  cluster: string,
  action: PlanAction,
  api: GatedClusterApi,
  context: ApplyContext,
  state: { isAborted: boolean },
  options: WriteOptions,
): Promise<ChangeEntry> {
  const key: TokenKey = { cluster, principal: action.principal, token: action.token };
  const base = { cluster, principal: action.principal, token: action.token, action: action.kind } as const;
  try {
    if (action.kind === 'replace') {
      await deleteAudited(key, api, action.revoke ? 'revoke' : 'replace', context, NO_REFRESH);
      // the old value authenticates nothing now; were it left, a run stopped before the new store would leave
      // an intent next to a listed key, which the next plan reads as "stored" (unsecuredIntents, issue 21)
      await context.sink.forget(key);
    }
    const result = await createToken(key, api, context, options);
    const outcome = result.isAdopted ? 'adopted' : action.kind === 'replace' || result.wasReplaced ? 'replaced' : 'created';
    return { ...base, outcome, ...(result.detail ? { detail: result.detail } : {}) };
  } catch (error) {
    if (isSinkError(error)) state.isAborted = true;
    const isUnverified = hasErrorCode(error, VERIFY_FAILED_CODE);
    return { ...base, outcome: 'failed', detail: errorMessage(error), ...(isUnverified ? { code: VERIFY_FAILED_CODE, unverifiedToken: action.token } : {}) };
  }
}

async function runDelete(
  cluster: string, action: PlanAction, api: GatedClusterApi, context: ApplyContext, options: WriteOptions, note?: string,
): Promise<ChangeEntry> {
  const key: TokenKey = { cluster, principal: action.principal, token: action.token };
  const base = { cluster, principal: action.principal, token: action.token, action: 'delete' } as const;
  try {
    const found = await deleteAudited(key, api, action.kind === 'delete' && action.revoke ? 'revoke' : 'prune', context, options);
    await context.sink.forget(key).catch(() => undefined); // a stale value left behind is harmless; never fail a done delete
    return { ...base, outcome: found ? 'deleted' : 'already-absent', ...(note ? { detail: note } : {}) };
  } catch (error) {
    return { ...base, outcome: 'failed', detail: errorMessage(error) };
  }
}


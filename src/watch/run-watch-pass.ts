import type { ChangeSet } from '../apply/change-set.js';
import type { ClusterConnectionOptions } from '../cluster/cluster-connection.js';
import { ConfigError, EscredError, errorMessage } from '../errors.js';
import { hasChanges, isRealDrift, summarize, type Plan } from '../plan/plan-types.js';
import { inventoryAfter, overdueTokens } from './pass-inventory.js';
import type { OverdueToken } from './notify-events.js';
import { ManifestInvalidError } from '../reconcile/load-desired.js';
import type { ConnectionCache } from '../reconcile/connection-cache.js';
import { deliverFileTokens, type FileTokensTarget } from '../reconcile/deliver-pass.js';
import type { Pass } from '../reconcile/open-pass.js';
import { reconcile, type ReconcileAdapter } from '../reconcile/reconcile-pass.js';
import { planPass, type PlannedPass } from '../reconcile/plan-pass.js';
import { leaseOffWarnings, READ_LEASE_INTENTS } from '../reconcile/lease-pass.js';
import { CLUSTER_NAMED_TWICE_CODE } from '../reconcile/cluster-identity.js';
import type { StandingWarnings } from './standing-warnings.js';
import type { WatchLeases } from './watch-leases.js';
import { logPlan, logManifestInvalid } from './log-plan.js';
import type { WatchLogger } from './watch-logger.js';
import type { PassResult, WatchMetrics } from './watch-metrics.js';
import type { PassTrigger, PassVerdict } from './watch-scheduler.js';

export interface WatchPassOptions {
  manifestArgs: readonly string[];
  cwd: string;
  stateDir?: string;
  /** --apply: repair drift; otherwise report it */
  isApplying: boolean;
  /** calls in flight per cluster when applying */
  concurrency: number;
  connection?: ClusterConnectionOptions;
  /** the daemon's connections, kept from pass to pass */
  connectionCache?: ConnectionCache;
  /** with --apply, where file tokens are delivered (rendered files or this node's own file) */
  fileTokens?: FileTokensTarget;
  log: WatchLogger;
  metrics: WatchMetrics;
  now?: () => number;
  /** with --apply: the pass reconciles only the clusters whose lease this replica holds (issue 15) */
  leases?: WatchLeases;
  /** the daemon's: a manifest warning is logged when it appears, not on every pass */
  warnings?: StandingWarnings;
}

export interface WatchPassRecord {
  trigger: PassTrigger;
  verdict: PassVerdict;
  result: PassResult;
  startedAtMs: number;
  durationMs: number;
  /** drift left after the pass (after the apply, with --apply) */
  hasRemainingChanges: boolean;
  changeSet?: ChangeSet;
  /** the plan left after the pass (after the apply, with --apply), for notifications; start-watch keeps it out of the history */
  plan?: Plan;
  /** current generations whose rotation is overdue (issue 23 §4: a rotation-overdue notification) */
  overdue?: OverdueToken[];
  /** why the pass failed before it could plan: an invalid manifest, a sink or connection that could not be opened */
  error?: { message: string; code?: string };
  /** with --apply: declared clusters no replica of the fleet has held for their lease duration plus a pass (issue 21) */
  unreconciled?: Array<{ cluster: string; code: string; message: string }>;
  /** the manifest could not be used (invalid, deleted, a cluster named twice): the daemon released its leases and is not ready */
  isManifestUnusable?: boolean;
}

export const UNRECONCILED_CODE = 'ESCRED_CLUSTER_UNRECONCILED';

/**
 * One reconcile pass, level-based: reread the whole manifest, observe every cluster, plan, and with
 * --apply carry the plan out through applyPass (the same safety rules as `escred apply`: a plan
 * error such as max-deletions skips that cluster). An invalid manifest throws in openPass before
 * any cluster call, so it changes nothing and the last good state stays as it is.
 */
export async function runWatchPass(trigger: PassTrigger, options: WatchPassOptions): Promise<WatchPassRecord> {
  const now = options.now ?? Date.now;
  const startedAtMs = now();
  const finish = (fields: Omit<WatchPassRecord, 'trigger' | 'startedAtMs' | 'durationMs'>): WatchPassRecord => {
    const durationMs = now() - startedAtMs;
    options.metrics.recordPass(fields.result, durationMs / 1000);
    if (fields.verdict === 'ok') options.metrics.recordSuccess(now());
    options.log(fields.verdict === 'ok' ? 'info' : 'error', 'pass-end', {
      detail: `${trigger} pass ${fields.result} in ${durationMs} ms`, trigger, result: fields.result, durationMs,
    });
    return { trigger, startedAtMs, durationMs, ...fields };
  };
  options.log('info', 'pass-start', { detail: `${trigger} pass`, trigger });
  let declared: Pass['desired'] | undefined;
  try {
    const adapter = watchAdapter(options, now);
    const outcome = await reconcile<'delivered'>({ ...adapter, onOpened: (pass) => {
      declared = pass.desired; // every cluster of the manifest, before the leases narrow the pass to the ones held
      adapter.onOpened?.(pass);
    } });
    if (outcome.kind === 'cancelled') throw new EscredError('ESCRED_PASS_NOT_PLANNED', 'the pass made no plan');
    const planned = outcome.planned.plan;
    const changeSet = outcome.applied?.changeSet;
    let remaining = outcome.applied?.after.plan ?? planned;
    // the nodes pick delivered files up on their own schedule; the next pass checks them
    if (outcome.delivered === 'delivered') {
      remaining = withoutFileTokenDrift(remaining);
    }
    if (outcome.applied && hasChanges(remaining)) logPlan(options.log, remaining, 'drift-remaining');
    options.metrics.setDrift(outcome.pass.desired, remaining);
    const report = inventoryAfter(outcome.pass.desired, outcome.planned, changeSet, now());
    options.metrics.setTokens(report);
    const unreconciled = reportUnreconciled(options, declared ?? outcome.pass.desired, remaining);
    const verdict = verdictOf(planned, remaining, changeSet);
    const hasRemainingChanges = hasChanges(remaining);
    const result: PassResult = verdict !== 'ok' ? 'error' : unreconciled.length > 0 ? 'unreconciled' : hasRemainingChanges ? 'drift' : 'success';
    return finish({ verdict, result, hasRemainingChanges, plan: remaining, overdue: overdueTokens(report), ...(changeSet ? { changeSet } : {}),
      ...(unreconciled.length > 0 ? { unreconciled } : {}) });
  } catch (error) {
    // a manifest file gone (or unreadable) is a ConfigError before the pass could open
    const isManifestUnusable = error instanceof ManifestInvalidError || isNamedTwice(error) || (declared === undefined && error instanceof ConfigError);
    if (isManifestUnusable) {
      // leases it cannot use would block every other writer for as long as this daemon runs
      await options.leases?.releaseAll();
      options.metrics.setReconciled([], new Set());
    }
    if (error instanceof ManifestInvalidError) {
      logManifestInvalid(options.log, error);
      return finish({ verdict: 'failed', result: 'invalid_manifest', hasRemainingChanges: false, error: passError(error), isManifestUnusable });
    }
    options.log('error', 'pass-error', { detail: errorMessage(error), code: codeOf(error) });
    const result = isNamedTwice(error) ? 'invalid_manifest' : 'error';
    return finish({ verdict: isRetryable(error) ? 'retryable' : 'failed', result, hasRemainingChanges: false, error: passError(error), ...(isManifestUnusable ? { isManifestUnusable } : {}) });
  }
}

/**
 * The daemon's side of the one reconcile pass: no confirmation, report-only unless --apply, the
 * daemon's own leases (narrowed to the clusters this replica holds), reporting through logs and metrics.
 */
function watchAdapter(options: WatchPassOptions, now: () => number): ReconcileAdapter<'delivered'> {
  const leases = options.leases;
  return {
    open: {
      manifestArgs: options.manifestArgs, cwd: options.cwd, isApplying: options.isApplying,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.connection ? { connection: options.connection } : {}),
      ...(options.connectionCache ? { connectionCache: options.connectionCache } : {}),
    },
    onOpened: (pass) => {
      for (const d of options.warnings?.fresh(pass.diagnostics) ?? pass.diagnostics) options.log('warn', 'manifest-warning', { detail: `${d.file}:${d.line}:${d.col}: ${d.message}`, code: d.code });
      if (options.isApplying) for (const line of leaseOffWarnings(pass.desired)) options.log('warn', 'lease-off', { detail: line });
    },
    // report-only takes no lease but reads the intents kept in them (issue 21), as plan does
    leases: leases && options.isApplying ? (pass, work) => leases.run(pass, work) : READ_LEASE_INTENTS,
    isApplying: options.isApplying,
    plan: async (pass) => {
      const planned = await planPass(pass, { nowMs: now(), ...(options.fileTokens ? { fileTokensTarget: options.fileTokens } : {}) });
      logPlan(options.log, planned.plan);
      return planned;
    },
    apply: {
      concurrency: options.concurrency,
      clock: () => new Date(now()),
      onChange: (entry) => {
        options.metrics.recordChange(entry);
        options.log(entry.outcome === 'failed' ? 'error' : 'info', 'change', {
          cluster: entry.cluster, account: entry.principal, token: entry.token,
          detail: `${entry.action}: ${entry.outcome}${entry.detail ? ` (${entry.detail})` : ''}`, action: entry.action, outcome: entry.outcome,
        });
      },
    },
    // files are rewritten only where they differ: this also restores a file edited by hand that the nodes have not read yet
    ...(options.fileTokens ? { deliver: (pass: Pass, planned: PlannedPass) => deliverAndLog(pass, planned, options.fileTokens!, options.log) } : {}),
  };
}

async function deliverAndLog(pass: Pass, planned: PlannedPass, target: FileTokensTarget, log: WatchLogger): Promise<'delivered'> {
  for (const { cluster, delivery } of await deliverFileTokens(pass, planned, target, { isDryRun: false })) {
    for (const file of delivery.files.filter((f) => f.isChanged || f.fixes.length > 0)) {
      log('info', 'file-tokens-written', { cluster, detail: [file.path, ...file.fixes].join('; ') });
    }
    for (const removed of delivery.removed) log('info', 'file-tokens-removed', { cluster, detail: removed.path });
  }
  return 'delivered';
}

/**
 * Nothing unreconciled reads as success (issue 21): a declared cluster that no replica of the fleet
 * holds is logged, counted in escred_cluster_reconciled (0), and turns the pass result into
 * `unreconciled`; so does a cluster whose plan failed.
 */
function reportUnreconciled(options: WatchPassOptions, declared: Pass['desired'], remaining: Plan): NonNullable<WatchPassRecord['unreconciled']> {
  const unheld = options.leases?.unreconciled() ?? [];
  for (const u of unheld) options.log('error', 'cluster-unreconciled', { cluster: u.cluster, detail: u.detail, code: UNRECONCILED_CODE });
  const failed = remaining.clusters.filter((c) => c.error).map((c) => c.cluster);
  options.metrics.setReconciled(declared.clusters.map((c) => c.name), new Set([...unheld.map((u) => u.cluster), ...failed]));
  return unheld.map((u) => ({ cluster: u.cluster, code: UNRECONCILED_CODE, message: u.detail }));
}

function isNamedTwice(error: unknown): boolean {
  return error instanceof EscredError && error.code === CLUSTER_NAMED_TWICE_CODE;
}

function withoutFileTokenDrift(plan: Plan): Plan {
  const clusters = plan.clusters.map((c) => ({ ...c, fileTokenDrift: c.fileTokenDrift.filter((d) => !isRealDrift(d)) }));
  return { ...plan, clusters, summary: summarize(clusters) };
}

/**
 * A cluster error says whether retrying may help (overload, connection trouble: the transport's
 * own retries are spent by then); a wrong cluster, bad TLS, 401/403 or max-deletions do not,
 * until something changes.
 */
function verdictOf(planned: Plan, remaining: Plan, changeSet: ChangeSet | undefined): PassVerdict {
  const errors = [...planned.clusters, ...remaining.clusters].flatMap((c) => (c.error ? [c.error] : []));
  if (errors.some((e) => e.isRetryable === true)) return 'retryable';
  if (errors.length > 0) return 'failed';
  // the next pass observes afresh and plans only what is still missing, so retrying an apply is safe
  if (changeSet?.hasFailures) return 'retryable';
  return 'ok';
}

function isRetryable(error: unknown): boolean {
  return error instanceof EscredError ? error.isRetryable : true;
}

/** the same words as the pass-error log line: error messages are built without secrets */
function passError(error: unknown): { message: string; code?: string } {
  const code = codeOf(error);
  return { message: errorMessage(error), ...(code ? { code } : {}) };
}

function codeOf(error: unknown): string | undefined {
  return error instanceof EscredError ? error.code : undefined;
}

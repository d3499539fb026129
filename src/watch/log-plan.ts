import { isRealDrift, type Plan } from '../plan/plan-types.js';
import { describeDrift } from '../plan/render-human.js';
import { describeAccountAction } from '../plan/account-actions.js';
import type { ManifestInvalidError } from '../reconcile/load-desired.js';
import type { WatchLogger } from './watch-logger.js';

/** One line per difference, per unobserved cluster and per warning, then a summary line. Names only, never values. */
export function logPlan(log: WatchLogger, plan: Plan, event = 'drift'): void {
  for (const cluster of plan.clusters) {
    if (cluster.error) {
      log('error', 'cluster-error', { cluster: cluster.cluster, detail: cluster.error.message, code: cluster.error.code });
    }
    for (const action of cluster.accountActions ?? []) {
      log('info', event, { cluster: cluster.cluster, account: action.principal, detail: `${action.kind}: ${describeAccountAction(action)}`, action: action.kind });
    }
    for (const action of cluster.actions) {
      log('info', event, { cluster: cluster.cluster, account: action.principal, token: action.token, detail: `${action.kind}: ${action.reason}`, action: action.kind });
    }
    for (const drift of cluster.fileTokenDrift) {
      const isDrift = isRealDrift(drift);
      log(isDrift ? 'info' : 'warn', isDrift ? `file-${event}` : 'file-token-unknown', {
        cluster: cluster.cluster, account: drift.principal, token: drift.token, detail: `file token ${describeDrift(drift)}`,
      });
    }
    for (const warning of cluster.warnings) {
      log('warn', 'plan-warning', { cluster: cluster.cluster, account: warning.principal, token: warning.token, detail: warning.message, code: warning.code });
    }
  }
  const s = plan.summary;
  log('info', 'plan', {
    detail: `${s.create} to create, ${s.replace} to replace, ${s.delete} to delete, ${s.fileTokenDrift} file-token drift, ${s.errors} cluster errors`,
    create: s.create, replace: s.replace, delete: s.delete, fileTokenDrift: s.fileTokenDrift, errors: s.errors,
  });
}

/** Every diagnostic, with its place, so the fix can be found from the log alone; nothing was changed. */
export function logManifestInvalid(log: WatchLogger, error: ManifestInvalidError): void {
  for (const d of error.diagnostics) {
    log(d.severity === 'error' ? 'error' : 'warn', 'manifest-diagnostic', { detail: `${d.file}:${d.line}:${d.col}: ${d.message}`, code: d.code });
  }
  log('error', 'manifest-invalid', { detail: `${error.message}; nothing changed, the clusters keep the last applied state until the manifest is fixed` });
}

import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { AuditLog } from '../apply/audit-log.js';
import type { ChangeEntry, ChangeSet } from '../apply/change-set.js';
import type { ObservedCluster } from '../model.js';
import { tokenKey } from '../plan/build-plan.js';
import type { Pass } from './open-pass.js';
import { planPass, type PlannedPass } from './plan-pass.js';

export interface ApplyPassOptions {
  /** calls in flight per cluster */
  concurrency: number;
  /** default `<stateDir>/audit.log` */
  auditPath?: string;
  clock?: () => Date;
  onChange?: (entry: ChangeEntry) => void;
  /** once aborted (a first Ctrl-C), no new call starts; see ApplyContext.stopSignal */
  stopSignal?: AbortSignal;
}

export interface AppliedPass {
  changeSet: ChangeSet;
  /** the plan made from a fresh observation after the calls: what is still different */
  after: PlannedPass;
}

/** Carries out a plan made in this pass (or a saved one checked against it), then looks again. */
export async function applyPass(pass: Pass, planned: PlannedPass, options: ApplyPassOptions): Promise<AppliedPass> {
  const clock = options.clock ?? (() => new Date());
  await pass.journal.settle(harmlessIntents(pass.journal.pendingKeys(), planned.observed));
  const changeSet = await applyPlan(planned.plan, {
    apis: pass.connections,
    sink: pass.sink,
    journal: pass.journal,
    audit: new AuditLog(options.auditPath ?? join(pass.stateDir, 'audit.log'), clock),
    concurrency: options.concurrency,
    ...(options.onChange ? { onChange: options.onChange } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
  });
  const after = await planPass(pass, { nowMs: clock().getTime() });
  return { changeSet, after };
}

/**
 * An intent whose token the cluster does not have lost nothing: the create never happened (or
 * was undone), and the plan creates it like any missing token.
 */
function harmlessIntents(pending: ReadonlySet<string>, observed: readonly ObservedCluster[]): string[] {
  const existing = new Set<string>();
  for (const cluster of observed) {
    for (const account of cluster.serviceAccounts) {
      for (const token of account.indexTokens) existing.add(tokenKey({ cluster: cluster.name, principal: account.principal, token }));
    }
  }
  const observedClusters = new Set(observed.map((c) => c.name));
  return [...pending].filter((key) => observedClusters.has(key.split('/')[0] ?? '') && !existing.has(key));
}

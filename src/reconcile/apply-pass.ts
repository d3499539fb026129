import { join } from 'node:path';
import { applyPlan } from '../apply/apply-plan.js';
import { AuditLog } from '../apply/audit-log.js';
import { WriteGate } from '../apply/write-gate.js';
import type { ChangeEntry, ChangeSet } from '../apply/change-set.js';
import type { ObservedCluster } from '../model.js';
import { tokenKey } from '../plan/build-plan.js';
import { summarize, type Plan } from '../plan/plan-types.js';
import type { Pass } from './open-pass.js';
import type { PlannedPass } from './plan-pass.js';

export interface ApplyPassOptions {
  /** calls in flight per cluster */
  concurrency: number;
  /** default `<stateDir>/audit.log` */
  auditPath?: string;
  /** `escred revoke --reason`: written on every audit line of the run */
  auditReason?: string;
  clock?: () => Date;
  onChange?: (entry: ChangeEntry) => void;
  /** once aborted (a first Ctrl-C), no new call starts; see ApplyContext.stopSignal */
  stopSignal?: AbortSignal;
}

export interface AppliedPass {
  changeSet: ChangeSet;
  /** what is still different after the calls: the plan's actions that did not succeed, and its cluster errors */
  after: PlannedPass;
}

/**
 * Carries out a plan made in this pass (or a saved one checked against it). It does not observe
 * again: the plan was made from an observation of this same pass, and Elasticsearch answered each
 * create and delete, so the change set says exactly what is now different (the actions that failed
 * or were skipped). A second observation would cost every cluster another GET / and one GET per
 * account (4 minutes on a cluster with a minute of latency) to learn nothing a success answer had
 * not said; a change made by hand meanwhile is found by the next plan, as it would be a second later.
 * File tokens are checked by observing again, but only where that is the point: `apply --wait`.
 */
export async function applyPass(pass: Pass, planned: PlannedPass, options: ApplyPassOptions): Promise<AppliedPass> {
  const clock = options.clock ?? (() => new Date());
  await settleIntents(pass, planned);
  const gate = new WriteGate({
    desired: pass.desired, apis: pass.connections, sinkKeys: planned.sinkKeys ?? null,
    ...(planned.maxDeletionsOverride !== undefined ? { maxDeletionsOverride: planned.maxDeletionsOverride } : {}),
    ...(planned.revocations ? { revocations: planned.revocations } : {}),
    disabledAccounts: new Set(planned.observed.flatMap((cluster) =>
      (cluster.userManaged?.accounts ?? []).filter((a) => !a.isEnabled).map((a) => `${cluster.name}/${a.principal}`))),
  });
  const changeSet = await applyPlan(planned.plan, {
    gate,
    sink: pass.sink,
    journal: pass.journal,
    audit: new AuditLog(options.auditPath ?? join(pass.stateDir, 'audit.log'), clock, options.auditReason),
    concurrency: options.concurrency,
    ...(options.onChange ? { onChange: options.onChange } : {}),
    ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
  });
  return { changeSet, after: { ...planned, plan: remainingPlan(planned.plan, changeSet) } };
}

const DONE: ReadonlySet<ChangeEntry['outcome']> = new Set(['created', 'adopted', 'updated', 'replaced', 'deleted', 'already-absent']);

/** The plan minus the actions the change set reports done; errors, warnings and file-token drift stay. */
export function remainingPlan(plan: Plan, changeSet: ChangeSet): Plan {
  const done = new Set(changeSet.entries.filter((e) => DONE.has(e.outcome)).map((e) => `${e.cluster}\n${e.principal}\n${e.token}\n${e.action}`));
  const clusters = plan.clusters.map((cluster) => ({
    ...cluster,
    actions: cluster.actions.filter((a) => !done.has(`${cluster.cluster}\n${a.principal}\n${a.token}\n${a.kind}`)),
    ...(cluster.accountActions
      ? { accountActions: cluster.accountActions.filter((a) => !done.has(`${cluster.cluster}\n${a.principal}\n\n${a.kind}`)) } : {}),
  }));
  return { ...plan, clusters, summary: summarize(clusters) };
}

/** Drops the intents that lost nothing (see harmlessIntents): run before the writes, and by a pass that has none to make. */
export async function settleIntents(pass: Pass, planned: PlannedPass): Promise<void> {
  const harmless = harmlessIntents(pass.journal.pendingKeys(), planned.observed, planned.sinkKeys ?? null);
  if (harmless.length > 0) await pass.journal.settle(harmless); // nothing to drop: no journal write, no CAS on a lease
}

/**
 * An intent whose token the cluster does not have lost nothing: the create never happened (or
 * was undone), and the plan creates it like any missing token. One whose value the sink lists
 * lost nothing either: the run stopped after the store (see unsecuredIntents).
 */
function harmlessIntents(pending: ReadonlySet<string>, observed: readonly ObservedCluster[], sinkKeys: ReadonlySet<string> | null): string[] {
  const stored = [...pending].filter((key) => sinkKeys?.has(key));
  const existing = new Set<string>();
  for (const cluster of observed) {
    for (const account of cluster.serviceAccounts) {
      for (const token of account.indexTokens) existing.add(tokenKey({ cluster: cluster.name, principal: account.principal, token }));
    }
  }
  const observedClusters = new Set(observed.map((c) => c.name));
  return [...stored, ...[...pending].filter((key) => observedClusters.has(key.split('/')[0] ?? '') && !existing.has(key) && !sinkKeys?.has(key))];
}

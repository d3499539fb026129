/**
 * THE reconcile pass, written once (shared/design.md): open → leases → observe and plan → confirm →
 * renew → apply (through the write gate) → deliver. `apply`, `rotate`, node mode (src/cli/run-apply.ts)
 * and `watch` (src/watch/run-watch-pass.ts) are adapters: each brings how it plans (fresh, or a
 * saved plan checked against a re-plan), how it confirms, how it holds leases, and how it reports.
 * The ordering that matters for safety lives here only: leases are held before the plan is made,
 * renewed by compare-and-set right before the batch of writes, and file tokens are delivered only
 * once every index-token write went well (values reach the sink inside applyPass, before anything else,
 * and are verified there before any older generation is deleted: src/apply/apply-plan.ts).
 */
import type { ChangeEntry } from '../apply/change-set.js';
import type { Plan } from '../plan/plan-types.js';
import { applyPass, settleIntents, type AppliedPass, type ApplyPassOptions } from './apply-pass.js';
import { openPass, type Pass, type PassOptions } from './open-pass.js';
import { recordTokenChanges } from './record-tokens-pass.js';
import type { PlannedPass } from './plan-pass.js';

/** Holds the leases a pass writes under for the time of `work`: the CLI takes and releases them, a daemon keeps them. */
export type LeaseHolder = <T>(pass: Pass, work: (leased: Pass, renewBeforeWrites: () => Promise<void>) => Promise<T>) => Promise<T>;

/** Runs the write phase; the CLI's version lets a first Ctrl-C stop new calls while the ones under way finish. */
export type WriteRunner = <T>(work: (stopSignal?: AbortSignal) => Promise<T>) => Promise<{ result: T; isInterrupted: boolean }>;

const RUN_PLAINLY: WriteRunner = async (work) => ({ result: await work(), isInterrupted: false });

export interface ReconcileAdapter<D> {
  open: PassOptions;
  leases: LeaseHolder;
  /** the plan to carry out; undefined when there is none to carry out (e.g. it could not be made) */
  plan(pass: Pass): Promise<PlannedPass | undefined>;
  /** false: report only, nothing is written */
  isApplying: boolean;
  /** asked before any write (the adapter decides whether a plan without changes needs a yes); false cancels */
  confirm?(planned: PlannedPass): Promise<boolean>;
  /** after opening: e.g. the CLI's --show-secrets sink that also prints each value */
  decorate?(pass: Pass): Pass;
  runWrites?: WriteRunner;
  apply: Omit<ApplyPassOptions, 'stopSignal'> & { onChange?: (entry: ChangeEntry) => void };
  /** file-token delivery after the index tokens (or in their place when there are none to write) */
  deliver?(pass: Pass, planned: PlannedPass): Promise<D>;
  /** the pass is open: manifest warnings and the like, before any cluster call */
  onOpened?(pass: Pass): void;
}

export type ReconcileOutcome<D> =
  | { kind: 'cancelled'; pass: Pass; planned?: PlannedPass }
  | { kind: 'done'; pass: Pass; planned: PlannedPass; applied?: AppliedPass; isInterrupted: boolean; delivered?: D };

/** The plan has index-token or account writes (or a cluster error that applyPass reports as skipped work). */
export function hasIndexWork(plan: Plan): boolean {
  return plan.clusters.some((c) => c.actions.length > 0 || (c.accountActions?.length ?? 0) > 0 || c.error !== undefined);
}

/** One pass, from opening the manifest to delivering file tokens; the pass is closed before this returns. */
export async function reconcile<D>(adapter: ReconcileAdapter<D>): Promise<ReconcileOutcome<D>> {
  const opened = await openPass(adapter.open);
  try {
    const pass = adapter.decorate ? adapter.decorate(opened) : opened;
    adapter.onOpened?.(pass);
    return await adapter.leases(pass, (pass, renewBeforeWrites) => carryOut(pass, adapter, renewBeforeWrites));
  } finally {
    await opened.close();
  }
}

async function carryOut<D>(pass: Pass, adapter: ReconcileAdapter<D>, renewBeforeWrites: () => Promise<void>): Promise<ReconcileOutcome<D>> {
  const planned = await adapter.plan(pass);
  if (!planned) return { kind: 'cancelled', pass };
  if (!adapter.isApplying) return { kind: 'done', pass, planned, isInterrupted: false };
  if (adapter.confirm && !(await adapter.confirm(planned))) return { kind: 'cancelled', pass, planned };
  const hasWork = hasIndexWork(planned.plan);
  if (!hasWork) {
    await settleIntents(pass, planned); // a stale intent next to a stored value goes, even when nothing is written
    const delivered = adapter.deliver ? await adapter.deliver(pass, planned) : undefined;
    return { kind: 'done', pass, planned, isInterrupted: false, ...(delivered !== undefined ? { delivered } : {}) };
  }
  const run = adapter.runWrites ?? RUN_PLAINLY;
  const { result: applied, isInterrupted } = await run(async (stopSignal) => {
    await renewBeforeWrites(); // compare-and-set right before the batch of writes: a lost lease stops here
    const done = await applyPass(pass, planned, { ...adapter.apply, ...(stopSignal ? { stopSignal } : {}) });
    // when escred made each token, kept in the cluster for `escred report` (never fails a done apply)
    await recordTokenChanges(pass, planned.plan, done.changeSet, adapter.apply.clock?.() ?? new Date());
    return done;
  });
  if (isInterrupted || applied.changeSet.hasFailures || !adapter.deliver) return { kind: 'done', pass, planned, applied, isInterrupted };
  // file tokens only once every index token went well; the nodes as the plan saw them, at its instant
  const delivered = await adapter.deliver(pass, applied.after);
  return { kind: 'done', pass, planned, applied, isInterrupted, delivered };
}

/**
 * Ctrl-C during `escred apply` and `escred rotate`, as Terraform does it: the first SIGINT or
 * SIGTERM stops starting new calls and lets the ones in flight finish (their values reach the
 * sink), then apply reports what was done and what was not and exits 130; a second one exits 130
 * at once, with a warning. Temp files of writes under way are removed on exit (write-file-atomic).
 */
import { countOutcomes } from '../apply/change-set.js';
import { NOT_STARTED_DETAIL } from '../apply/apply-plan.js';
import type { AppliedPass } from '../reconcile/apply-pass.js';
import { writeErr, writeOut } from './terminal.js';
import { applyResultDocument } from './views/json-output.js';

/** 128 + SIGINT, what a shell reports for a process stopped by Ctrl-C (Terraform exits 130 too). */
export const INTERRUPTED_EXIT_CODE = 130;

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
/** names listed in the report; the rest are counted (the JSON output lists them all) */
const LISTED_NOT_STARTED = 10;

export interface Interruptible<T> {
  result: T;
  isInterrupted: boolean;
}

export interface InterruptIo {
  writeErr: (text: string) => void;
  /** the second signal: leave now (process.exit runs the 'exit' listeners that remove temp files) */
  exit: (code: number) => void;
  /** where the signals come from: the process, or a test's EventEmitter */
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

const processIo: InterruptIo = { writeErr, exit: (code) => process.exit(code), signals: process };

/** Runs `work` with SIGINT/SIGTERM turned into its stop signal; the process's own handling is back afterwards. */
export async function runInterruptible<T>(work: (stopSignal: AbortSignal) => Promise<T>, io: InterruptIo = processIo): Promise<Interruptible<T>> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      io.writeErr(`\n${signal} again: stopping at once. A token created by a call in flight may have no value in the sink; ` +
        'its intent is kept (in the lease of the cluster, or in the local journal with lease: off) and the next escred apply replaces it.');
      io.exit(INTERRUPTED_EXIT_CODE);
      return;
    }
    controller.abort();
    io.writeErr(`\n${signal} received: no new calls are started; the calls in flight finish and their values go to the sink. ` +
      'Interrupt again to stop at once.');
  };
  for (const signal of SIGNALS) io.signals.on(signal, onSignal);
  try {
    const result = await work(controller.signal);
    return { result, isInterrupted: controller.signal.aborted };
  } finally {
    for (const signal of SIGNALS) io.signals.off(signal, onSignal);
  }
}

/**
 * What an interrupted apply did and did not do; returns the exit code, 130. With --output json,
 * the apply document (schemas/apply-output.schema.json) with `isInterrupted: true`: the actions
 * not started are in `changes` (skipped, NOT_STARTED_DETAIL) and in `remaining`.
 */
export function reportInterrupted(applied: AppliedPass, output: 'human' | 'json'): number {
  const { changeSet } = applied;
  const notStarted = changeSet.entries.filter((e) => e.detail === NOT_STARTED_DETAIL);
  if (output === 'json') {
    const document = applyResultDocument({ changeSet, remaining: applied.after.plan });
    writeOut(JSON.stringify({ ...document, isInterrupted: true }, null, 2));
    return INTERRUPTED_EXIT_CODE;
  }
  const c = countOutcomes(changeSet);
  const done = [`${c.created} created`, `${c.replaced} replaced`, `${c.deleted + c['already-absent']} deleted`, `${c.failed} failed`];
  const lines = [
    '',
    `Apply interrupted. Done: ${done.join(', ')}. Not started: ${notStarted.length} of ${changeSet.entries.length} planned changes.`,
  ];
  if (notStarted.length > 0) {
    lines.push('Not started:');
    for (const e of notStarted.slice(0, LISTED_NOT_STARTED)) lines.push(`  ${e.action} ${e.cluster} ${e.principal} ${e.token}`);
    if (notStarted.length > LISTED_NOT_STARTED) lines.push(`  ... and ${notStarted.length - LISTED_NOT_STARTED} more`);
  }
  lines.push('Every token reported created or replaced has its value in the secret sink. Run escred apply again for the rest.');
  writeOut(lines.join('\n'));
  return INTERRUPTED_EXIT_CODE;
}

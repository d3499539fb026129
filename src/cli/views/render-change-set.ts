import type { ChangeEntry, ChangeSet } from '../../apply/change-set.js';
import { countOutcomes } from '../../apply/change-set.js';
import type { Plan } from '../../plan/plan-types.js';

const SYMBOL: Record<ChangeEntry['outcome'], string> = {
  created: '+', adopted: '=', updated: '~', replaced: '±', deleted: '-', 'already-absent': '-', skipped: '!', failed: '✗',
};

/** One line per change as it happens: past tense, with the reason when there is one. */
export function renderChange(entry: ChangeEntry): string {
  const detail = entry.detail ? `: ${entry.detail}` : '';
  const what = entry.token === '' ? `account ${entry.principal}` : `${entry.principal} ${entry.token}`;
  return `${SYMBOL[entry.outcome]} ${entry.cluster} ${what}: ${entry.outcome}${detail}`;
}

export interface ApplyOutcome {
  changeSet: ChangeSet;
  /** what is still different after the apply (failed and skipped actions, clusters that could not be observed) */
  remaining: Plan;
  /** apply --wait that ran out of time before every declared node reported its file tokens */
  fileTokensTimedOutAfterSeconds?: number;
}

/**
 * The apply headline. "Apply complete!" only when the exit code is 0: nothing failed, every planned
 * action was done, every cluster was observed and, with --wait, every node reported its file tokens.
 */
export function renderApplySummary(outcome: ApplyOutcome): string {
  const c = countOutcomes(outcome.changeSet);
  const parts = [`${c.created} created`, ...(c.adopted > 0 ? [`${c.adopted} adopted`] : []), ...(c.updated > 0 ? [`${c.updated} updated`] : []), `${c.replaced} replaced`,
    `${c.deleted + c['already-absent']} deleted`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  const reasons = incompleteReasons(outcome);
  const head = outcome.changeSet.hasFailures ? 'Apply failed.'
    : reasons.length > 0 ? `Apply incomplete: ${reasons.join('; ')}.` : 'Apply complete!';
  return `${head} Resources: ${parts.join(', ')}.`;
}

export function isApplyComplete(outcome: ApplyOutcome): boolean {
  return !outcome.changeSet.hasFailures && incompleteReasons(outcome).length === 0;
}

function incompleteReasons(outcome: ApplyOutcome): string[] {
  const { remaining } = outcome;
  const failed = remaining.clusters.filter((cl) => cl.error);
  const undone = remaining.clusters.reduce((sum, cl) => sum + (cl.error ? 0 : cl.actions.length + (cl.accountActions?.length ?? 0)), 0);
  const reasons: string[] = [];
  if (failed.length > 0) {
    reasons.push(`${failed.length} of ${plural(remaining.clusters.length, 'cluster')} could not be observed ` +
      `(${failed.map((cl) => cl.cluster).join(', ')}), nothing was changed there`);
  }
  if (undone > 0) reasons.push(`${plural(undone, 'planned change')} not made`);
  if (outcome.fileTokensTimedOutAfterSeconds !== undefined) {
    reasons.push(`not every declared node reported its file tokens within ${outcome.fileTokensTimedOutAfterSeconds} s`);
  }
  return reasons;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

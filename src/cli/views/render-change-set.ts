import type { ChangeEntry, ChangeSet } from '../../apply/change-set.js';
import { countOutcomes } from '../../apply/change-set.js';

const SYMBOL: Record<ChangeEntry['outcome'], string> = {
  created: '+', replaced: '±', deleted: '-', 'already-absent': '-', skipped: '!', failed: '✗',
};

/** One line per change as it happens: past tense, with the reason when there is one. */
export function renderChange(entry: ChangeEntry): string {
  const detail = entry.detail ? `: ${entry.detail}` : '';
  return `${SYMBOL[entry.outcome]} ${entry.cluster} ${entry.principal} ${entry.token}: ${entry.outcome}${detail}`;
}

export function renderApplySummary(changeSet: ChangeSet): string {
  const c = countOutcomes(changeSet);
  const head = changeSet.hasFailures ? 'Apply failed.' : 'Apply complete!';
  const parts = [`${c.created} created`, `${c.replaced} replaced`, `${c.deleted + c['already-absent']} deleted`];
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  return `${head} Resources: ${parts.join(', ')}.`;
}

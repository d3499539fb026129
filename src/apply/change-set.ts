/** What apply did, in past tense (Flux's ChangeSet): exactly one entry per planned action. */
/** adopted: a create found the token already there, and the sink holds its value; nothing was written */
export type ChangeOutcome = 'created' | 'adopted' | 'updated' | 'replaced' | 'deleted' | 'already-absent' | 'skipped' | 'failed';

export interface ChangeEntry {
  cluster: string;
  principal: string;
  /** '' for an action on a user-managed account itself */
  token: string;
  action: 'create' | 'replace' | 'delete' | 'create-account' | 'update-account' | 'delete-account';
  outcome: ChangeOutcome;
  /** why, in words: "response lost; replaced", "secret sink failed: ...; the token was deleted again" */
  detail?: string;
  /** a failed entry's error code, e.g. ESCRED_VERIFY_FAILED (verified rotation) */
  code?: string;
  /** ESCRED_VERIFY_FAILED: the token whose stored value failed the check (the new one, or the generation that stays) */
  unverifiedToken?: string;
}

export interface ChangeSet {
  entries: ChangeEntry[];
  /** true when any entry failed or the apply stopped early */
  hasFailures: boolean;
}

export function countOutcomes(changeSet: ChangeSet): Record<ChangeOutcome, number> {
  const counts: Record<ChangeOutcome, number> = { created: 0, adopted: 0, updated: 0, replaced: 0, deleted: 0, 'already-absent': 0, skipped: 0, failed: 0 };
  for (const entry of changeSet.entries) counts[entry.outcome] += 1;
  return counts;
}

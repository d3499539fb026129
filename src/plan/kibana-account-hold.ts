/**
 * An account Kibana created or last changed (its creator or editor is Kibana's own service account) is Kibana's:
 * Kibana keeps its credential and its workloads depend on it. escred deletes such an account only when
 * `userManagedAccounts.owns` names it without a wildcard; a pattern that merely matches it holds the deletion
 * back, and the plan says why (issue 22). `protect` needs nothing here: a protected account is never deleted.
 */
import { KIBANA_SERVICE_ACCOUNT } from '../es/kibana-accounts.js';
import type { ObservedUserManagedAccount } from '../model.js';
import type { PlanWarning } from './plan-types.js';

function kibanaWrote(account: ObservedUserManagedAccount): string | undefined {
  if (account.editor?.principal === KIBANA_SERVICE_ACCOUNT) return 'last changed';
  return account.creator?.principal === KIBANA_SERVICE_ACCOUNT ? 'created' : undefined;
}

/** The deletion's reason says it is Kibana's account, deleted because owns names it: the explicit decision, stated. */
export function kibanaDeletionNote(account: ObservedUserManagedAccount): string {
  const by = kibanaWrote(account);
  return by ? `; Kibana (${KIBANA_SERVICE_ACCOUNT}) ${by} it, and owns names it without a wildcard` : '';
}

export function kibanaAccountHold(account: ObservedUserManagedAccount, owner: string): PlanWarning | undefined {
  const by = kibanaWrote(account);
  if (!by || !owner.includes('*')) return undefined;
  return { principal: account.principal, code: 'ESCRED_KIBANA_ACCOUNT_KEPT',
    message: `user-managed service account ${account.principal} is not declared and matches owns '${owner}', but Kibana (${KIBANA_SERVICE_ACCOUNT}) ${by} it: ` +
      `escred keeps it and its tokens; to delete it, name it in userManagedAccounts.owns without a wildcard` };
}

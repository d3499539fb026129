/**
 * A saved plan travels (a CI artifact from the pull request's job to the job that holds the
 * credentials), so apply re-plans from the manifest it names and the cluster as it is, and takes
 * only actions the planner would make itself (Terraform refuses a plan that does not match its
 * configuration). Pure: an edited plan file cannot widen what apply may do.
 */
import type { AccountAction } from './account-actions.js';
import type { ClusterPlan, Plan, PlanAction } from './plan-types.js';

function tokenActionKey(cluster: string, action: PlanAction): string {
  return JSON.stringify([cluster, action.kind, action.principal, action.token]);
}

/** An account action is the same when every field but its reason is: what it writes, and what it saw. */
function accountActionKey(cluster: string, action: AccountAction): string {
  const fields = Object.entries(action).filter(([key]) => key !== 'reason').sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([cluster, fields]);
}

function describeToken(cluster: string, action: PlanAction): string {
  return `${action.kind} ${action.principal} ${action.token} on cluster ${cluster}`;
}

function describeAccount(cluster: string, action: AccountAction): string {
  return `${action.kind} ${action.principal} on cluster ${cluster}`;
}

/** The saved plan's actions that the planner does not make from this manifest and this state, in words. */
export function actionsNotReplanned(saved: Plan, replanned: Plan): string[] {
  const byCluster = new Map(replanned.clusters.map((c) => [c.cluster, c]));
  const unplanned: string[] = [];
  for (const cluster of saved.clusters) {
    const again: ClusterPlan | undefined = byCluster.get(cluster.cluster);
    const tokens = new Set((again?.actions ?? []).map((a) => tokenActionKey(cluster.cluster, a)));
    const accounts = new Set((again?.accountActions ?? []).map((a) => accountActionKey(cluster.cluster, a)));
    for (const action of cluster.actions ?? []) {
      if (!tokens.has(tokenActionKey(cluster.cluster, action))) unplanned.push(describeToken(cluster.cluster, action));
    }
    for (const action of cluster.accountActions ?? []) {
      if (!accounts.has(accountActionKey(cluster.cluster, action))) unplanned.push(describeAccount(cluster.cluster, action));
    }
  }
  return unplanned;
}

/** The part of a manifest a partial plan covers (`--cluster`, `--account`, as Terraform's -target). */
export interface PlanScope {
  /** cluster names of the manifest; empty = every cluster */
  clusters: string[];
  /** account principals; empty = every account */
  accounts: string[];
}

/** "--cluster prod --account elastic/kibana", as a person would type it again */
export function describeScope(scope: PlanScope): string {
  return [...scope.clusters.map((c) => `--cluster ${c}`), ...scope.accounts.map((a) => `--account ${a}`)].join(' ');
}

export function partialPlanWarning(scope: PlanScope): string {
  return `this plan is partial (${describeScope(scope)}): other clusters and accounts of the manifest were not looked at, ` +
    'and their differences are neither shown nor changed';
}

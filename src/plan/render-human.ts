import { PLAN_WARNING_CODES } from '../error-codes.js';
import type { ClusterPlan, FileTokenDrift, Plan, PlanAction, PlanWarning } from './plan-types.js';
import { changedPrincipals, hasChanges, isUnknownDrift } from './plan-types.js';
import { describeAccountAction, type AccountAction } from './account-actions.js';
import { partialPlanWarning } from './plan-scope.js';

export interface RenderOptions {
  /** colours only on a TTY and never with NO_COLOR: the caller decides */
  isColor: boolean;
}

type Paint = (code: number, text: string) => string;

const SYMBOLS: Record<PlanAction['kind'], { symbol: string; color: number }> = {
  create: { symbol: '+', color: 32 },
  replace: { symbol: '±', color: 33 },
  delete: { symbol: '-', color: 31 },
};

/** A plan a reviewer reads in a pull request: one line per change, reasons included, a summary last. */
export function renderHumanPlan(plan: Plan, options: RenderOptions): string {
  const paint: Paint = options.isColor ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const sections = plan.clusters.map((cluster) => renderCluster(cluster, paint)).filter((s) => s.length > 0);
  const partial = plan.scope ? [`${paint(33, 'Warning:')} ${partialPlanWarning(plan.scope)}.`] : [];
  return [...partial, ...sections, renderSummary(plan, paint)].join('\n\n') + '\n';
}

const ACCOUNT_SYMBOLS: Record<AccountAction['kind'], { symbol: string; color: number; verb: string }> = {
  'create-account': { symbol: '+', color: 32, verb: 'create' },
  'update-account': { symbol: '~', color: 33, verb: 'update' },
  'delete-account': { symbol: '-', color: 31, verb: 'delete' },
};

function renderCluster(cluster: ClusterPlan, paint: Paint): string {
  const lines: string[] = [];
  const accountActions = cluster.accountActions ?? [];
  for (const principal of changedPrincipals(cluster)) {
    lines.push(`  ${principal}`);
    for (const action of accountActions.filter((a) => a.principal === principal)) {
      const { symbol, color, verb } = ACCOUNT_SYMBOLS[action.kind];
      lines.push(`    ${paint(color, `${symbol} ${verb} account ${principal}`)}  ${describeAccountAction(action)}`);
    }
    const actions = cluster.actions.filter((a) => a.principal === principal);
    const width = Math.max(0, ...actions.map((a) => a.token.length));
    for (const action of actions) {
      const { symbol, color } = SYMBOLS[action.kind];
      lines.push(`    ${paint(color, `${symbol} ${action.kind.padEnd(7)} ${action.token.padEnd(width)}`)}  ${action.reason}`);
    }
    for (const drift of cluster.fileTokenDrift.filter((d) => d.principal === principal)) {
      lines.push(`    ${paint(36, `~ drift   file token ${drift.token}`)}: ${describeDrift(drift)}`);
    }
  }
  for (const line of warningLines(cluster.warnings)) lines.push(`  ${paint(33, 'warning:')} ${line}`);
  if (cluster.error) lines.push(`  ${paint(31, 'error:')} ${cluster.error.message}`);
  if (lines.length === 0) return '';
  const header = cluster.clusterUuid
    ? `cluster ${cluster.cluster} (uuid ${cluster.clusterUuid}, Elasticsearch ${cluster.version})`
    : `cluster ${cluster.cluster}`;
  return [paint(1, header), ...lines].join('\n');
}

/** tokens nobody owns, per account, above which one line stands for them all (the JSON plan lists every one) */
const UNOWNED_LISTED_ONE_BY_ONE = 3;
const UNOWNED_NAMES_SHOWN = 3;

/**
 * One line per warning, except tokens nobody owns: an account with many of them (a cluster full of
 * tokens made by hand) gets one line, "elastic/kibana: 200 tokens nobody owns (first: a, b, c ...)",
 * instead of 200. The order of the first appearance is kept.
 */
export function warningLines(warnings: readonly PlanWarning[]): string[] {
  const unowned = new Map<string, string[]>();
  for (const w of warnings) {
    if (w.code === PLAN_WARNING_CODES.unownedToken && w.principal !== undefined && w.token !== undefined) unowned.set(w.principal, [...(unowned.get(w.principal) ?? []), w.token]);
  }
  const lines: string[] = [];
  const summarized = new Set<string>();
  for (const w of warnings) {
    const names = w.code === PLAN_WARNING_CODES.unownedToken && w.principal !== undefined ? unowned.get(w.principal) : undefined;
    if (names && names.length > UNOWNED_LISTED_ONE_BY_ONE) {
      if (summarized.has(w.principal!)) continue;
      summarized.add(w.principal!);
      const first = names.slice(0, UNOWNED_NAMES_SHOWN).join(', ');
      lines.push(`${w.principal!}: ${names.length} tokens nobody owns (first: ${first} ...): not declared and no owns pattern matches them, ` +
        'escred leaves them alone (--output json lists them all)');
      continue;
    }
    lines.push(`${w.principal ? `${w.principal}: ` : ''}${w.message}`);
  }
  return lines;
}


export function describeDrift(drift: FileTokenDrift): string {
  const parts = [
    drift.missingOn.length > 0 ? `missing on ${drift.missingOn.join(', ')}` : '',
    drift.unexpectedOn.length > 0 ? `present but not declared on ${drift.unexpectedOn.join(', ')}` : '',
    drift.unknownOn.length > 0 ? `unknown on ${drift.unknownOn.join(', ')} (node did not answer)` : '',
  ];
  const text = parts.filter(Boolean).join('; ');
  return drift.reason ? `${drift.reason}: ${text}` : text;
}

/**
 * The last line. It never says "No changes" while something could not be checked: a failed
 * cluster leads the line ("Plan failed for 1 of 2 clusters."), and file tokens on nodes that did
 * not answer are counted on their own, since unknown is not in sync.
 */
function renderSummary(plan: Plan, paint: Paint): string {
  const { create, replace, delete: deletions, fileTokenDrift, warnings, errors } = plan.summary;
  const suffix = warnings > 0 ? ` (${plural(warnings, 'warning')})` : '';
  const changes = `${accountSummary(plan)}${create} to create, ${replace} to replace, ${deletions} to delete, ${plural(fileTokenDrift, 'file token')} drifted.`;
  const unchecked = uncheckedFileTokens(plan);
  const uncheckedTail = unchecked ? ` ${capitalize(unchecked)}.` : '';
  if (errors > 0) {
    const observed = plan.clusters.length - errors;
    const rest = hasChanges(plan) ? ` The others: ${changes}`
      : observed > 0 ? ` Nothing to change in the ${plural(observed, 'cluster')} that could be observed.` : '';
    return `${paint(1, `Plan failed for ${errors} of ${plural(plan.clusters.length, 'cluster')}.`)}${rest}${uncheckedTail}${suffix}`;
  }
  if (hasChanges(plan)) return `${paint(1, 'Plan:')} ${changes}${uncheckedTail}${suffix}`;
  if (unchecked) return `${paint(1, 'Plan incomplete:')} ${unchecked}; nothing else to change.${suffix}`;
  return `${paint(1, 'No changes.')} The clusters match the manifest.${suffix}`;
}

/** "accounts: 1 to create, 1 to update. ", only when the plan changes user-managed accounts */
function accountSummary(plan: Plan): string {
  const { accountCreate = 0, accountUpdate = 0, accountDelete = 0 } = plan.summary;
  if (accountCreate + accountUpdate + accountDelete === 0) return '';
  const parts = [[accountCreate, 'to create'], [accountUpdate, 'to update'], [accountDelete, 'to delete']].filter(([n]) => n !== 0);
  return `${plural(accountCreate + accountUpdate + accountDelete, 'account')} (${parts.map(([n, what]) => `${n} ${what}`).join(', ')}); tokens: `;
}

/** "could not check 1 file token on node-2 (the node did not answer)", or '' when every node answered */
export function uncheckedFileTokens(plan: Plan): string {
  const drifts = plan.clusters.flatMap((c) => c.fileTokenDrift.filter(isUnknownDrift));
  if (drifts.length === 0) return '';
  const nodes = [...new Set(drifts.flatMap((d) => d.unknownOn))].sort();
  return `could not check ${plural(drifts.length, 'file token')} on ${nodes.join(', ')} (${nodes.length === 1 ? 'the node' : 'the nodes'} did not answer)`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import type { ClusterPlan, FileTokenDrift, Plan, PlanAction } from './plan-types.js';
import { hasChanges, isUnknownDrift } from './plan-types.js';

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
  return [...sections, renderSummary(plan, paint)].join('\n\n') + '\n';
}

function renderCluster(cluster: ClusterPlan, paint: Paint): string {
  const lines: string[] = [];
  const principals = [...new Set([...cluster.actions, ...cluster.fileTokenDrift].map((x) => x.principal))];
  for (const principal of principals) {
    lines.push(`  ${principal}`);
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
  for (const warning of cluster.warnings) lines.push(`  ${paint(33, 'warning:')} ${warning.principal ? `${warning.principal}: ` : ''}${warning.message}`);
  if (cluster.error) lines.push(`  ${paint(31, 'error:')} ${cluster.error.message}`);
  if (lines.length === 0) return '';
  const header = cluster.clusterUuid
    ? `cluster ${cluster.cluster} (uuid ${cluster.clusterUuid}, Elasticsearch ${cluster.version})`
    : `cluster ${cluster.cluster}`;
  return [paint(1, header), ...lines].join('\n');
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
  const changes = `${create} to create, ${replace} to replace, ${deletions} to delete, ${plural(fileTokenDrift, 'file token')} drifted.`;
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

import { describeAccountAction, type AccountAction } from './account-actions.js';
import type { ClusterPlan, Plan, PlanAction } from './plan-types.js';
import { accountChanges, changedPrincipals, hasChanges, isRealDrift } from './plan-types.js';
import { formatDuration } from './duration.js';
import { describeDrift, uncheckedFileTokens, warningLines } from './render-human.js';
import { partialPlanWarning } from './plan-scope.js';

/**
 * GitHub refuses a comment body over 65,536 characters: the REST API answers 422 "Body is too
 * long (maximum is 65536 characters)" (quoted in telia-oss/github-pr-resource#259 and
 * danger/danger#424, from POST /repos/{owner}/{repo}/issues/{n}/comments). Measurements since
 * (dead-claudia/github-limits#13) find the real unit is closer to bytes, so we count UTF-8 bytes,
 * which is never fewer than characters and so satisfies both readings.
 */
export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** the most UTF-8 bytes the text may take; default leaves 1,536 bytes of the comment limit for a marker and a footer */
  maxBytes?: number;
  /** where the reader finds the whole plan when this one is cut short */
  fullPlanHint?: string;
}

const DEFAULT_MAX_BYTES = GITHUB_COMMENT_LIMIT - 1_536;
const DEFAULT_HINT = 'the full plan is the JSON plan: `escred plan --output json` (in CI, the plan artifact of this run)';
const SYMBOLS: Record<PlanAction['kind'], string> = { create: '+', replace: '!', delete: '-' };
const ACCOUNT_SYMBOLS: Record<AccountAction['kind'], [string, string]> = {
  'create-account': ['+', 'create'], 'update-account': ['!', 'update'], 'delete-account': ['-', 'delete'],
};

/**
 * A plan as one pull-request comment: headline, errors and warnings in plain sight, a table of
 * changes per cluster, then each cluster's changes in a collapsible section. Plans hold token
 * names, never values, so nothing here can be a secret. Cut to fit the comment limit: whole
 * detail sections are dropped from the end first, then lines, with a note saying so.
 */
export function renderMarkdownPlan(plan: Plan, options: MarkdownOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const hint = options.fullPlanHint ?? DEFAULT_HINT;
  const partial = plan.scope ? [`> [!WARNING]\n> ${escapeText(capitalizeFirst(partialPlanWarning(plan.scope)))}.`] : [];
  const head = [headline(plan), ...partial, ...problems(plan), table(plan)].join('\n\n');
  const details = plan.clusters.filter(hasDetails).map(clusterDetails);
  const full = [head, ...details].join('\n\n') + '\n';
  if (byteLength(full) <= maxBytes) return full;

  const note = (omitted: string) => `> [!NOTE]\n> Cut short to fit one GitHub comment (${GITHUB_COMMENT_LIMIT.toLocaleString('en-US')} characters): ${omitted}; ${hint}.`;
  const reserve = byteLength(note(`${plan.clusters.length} of ${plan.clusters.length} clusters' details omitted`)) + 4;
  const kept: string[] = [];
  let used = byteLength(head);
  for (const section of details) {
    if (used + 2 + byteLength(section) + reserve > maxBytes) break;
    kept.push(section);
    used += 2 + byteLength(section);
  }
  const omitted = details.length - kept.length;
  const headFitted = used + reserve <= maxBytes ? head : cutLines(head, maxBytes - reserve);
  const what = headFitted === head ? `details of ${omitted} of ${details.length} clusters omitted` : 'the summary itself was cut and every cluster\'s details omitted';
  return [headFitted, ...kept, note(what)].join('\n\n') + '\n';
}

function headline(plan: Plan): string {
  const { create, replace, delete: deletions, fileTokenDrift, errors } = plan.summary;
  const changes = `${accountsHeadline(plan)}${create} to create, ${replace} to replace, ${deletions} to delete, ${plural(fileTokenDrift, 'file token')} drifted`;
  const unchecked = uncheckedFileTokens(plan);
  if (errors > 0) {
    const rest = plan.clusters.length > errors ? `\n\nThe ${plural(plan.clusters.length - errors, 'cluster')} that could be planned: ${changes}.` : '';
    return `### :x: escred plan failed for ${errors} of ${plural(plan.clusters.length, 'cluster')}${rest}`;
  }
  if (hasChanges(plan)) return `### escred plan: ${changes}${unchecked ? '\n\n:warning: Incomplete: ' + escapeText(unchecked) + '.' : ''}`;
  if (unchecked) return `### :warning: escred plan incomplete\n\n${escapeText(capitalize(unchecked))}; nothing else to change.`;
  return '### escred plan: no changes\n\nThe clusters match the manifest.';
}

/** errors and warnings are what a reviewer must not miss: never inside a collapsed section */
function problems(plan: Plan): string[] {
  const errors = plan.clusters.flatMap((c) => (c.error ? [`- **${escapeText(c.cluster)}**: ${escapeText(c.error.message)} (\`${escapeCode(c.error.code)}\`)`] : []));
  // tokens nobody owns come one line per account, as in the human plan (the JSON plan lists each)
  const warnings = plan.clusters.flatMap((c) => warningLines(c.warnings).map((line) => `- **${escapeText(c.cluster)}** ${escapeText(line)}`));
  return [
    ...(errors.length > 0 ? [`> [!CAUTION]\n> **Errors** (nothing will be written to these clusters)\n\n${errors.join('\n')}`] : []),
    ...(warnings.length > 0 ? [`**Warnings**\n\n${warnings.join('\n')}`] : []),
  ];
}

/** one row per cluster; an Accounts column only when the plan changes user-managed accounts */
function table(plan: Plan): string {
  const hasAccounts = accountChanges(plan.summary) > 0;
  const rows = plan.clusters.map((c) => {
    const count = (kind: PlanAction['kind']) => c.actions.filter((a) => a.kind === kind).length;
    const unknown = c.fileTokenDrift.filter((d) => d.unknownOn.length > 0).length;
    const status = c.error ? ':x: failed' : unknown > 0 ? ':warning: unchecked' : hasClusterChanges(c) ? 'changes' : 'in sync';
    const drift = c.fileTokenDrift.filter(isRealDrift).length;
    const accounts = hasAccounts ? ` ${(c.accountActions ?? []).length} |` : '';
    return `| ${escapeCell(c.cluster)} |${accounts} ${count('create')} | ${count('replace')} | ${count('delete')} | ${drift} | ${unknown} | ${c.warnings.length} | ${status} |`;
  });
  const [head, rule] = hasAccounts ? [' Accounts |', '--:|'] : ['', ''];
  return [`| Cluster |${head} Create | Replace | Delete | File-token drift | Unchecked | Warnings | Status |`, `|---|${rule}--:|--:|--:|--:|--:|--:|---|`, ...rows].join('\n');
}

function clusterDetails(cluster: ClusterPlan): string {
  const lines: string[] = [];
  const accountActions = cluster.accountActions ?? [];
  for (const principal of changedPrincipals(cluster)) {
    lines.push(`  ${principal}`);
    for (const action of accountActions.filter((a) => a.principal === principal)) {
      const [symbol, verb] = ACCOUNT_SYMBOLS[action.kind];
      lines.push(`${symbol} ${verb.padEnd(7)} account ${principal}  ${describeAccountAction(action)}`);
    }
    const actions = cluster.actions.filter((a) => a.principal === principal);
    const width = Math.max(0, ...actions.map((a) => a.token.length));
    for (const action of actions) {
      lines.push(`${SYMBOLS[action.kind]} ${action.kind.padEnd(7)} ${action.token.padEnd(width)}  ${action.reason}${rotationNote(action)}`);
    }
    for (const drift of cluster.fileTokenDrift.filter((d) => d.principal === principal)) {
      lines.push(`${isRealDrift(drift) ? '!' : '#'} drift   file token ${drift.token}: ${describeDrift(drift)}`);
    }
  }
  const about = cluster.clusterUuid ? ` (uuid ${escapeCode(cluster.clusterUuid)}, Elasticsearch ${escapeText(cluster.version)})` : '';
  const summary = `<summary><b>${escapeText(cluster.cluster)}</b>${about}: ${clusterCounts(cluster)}</summary>`;
  // a diff block colours + and - lines on GitHub; a fence longer than any backtick run cannot be closed early
  const body = lines.join('\n');
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(body) + 1));
  return `<details>${summary}\n\n${fence}diff\n${body}\n${fence}\n\n</details>`;
}

function rotationNote(action: PlanAction): string {
  if (action.kind === 'replace' || !action.rotation) return '';
  return ` (rotate every ${formatDuration(action.rotation.everyMs)}, overlap ${formatDuration(action.rotation.overlapMs)})`;
}

function clusterCounts(cluster: ClusterPlan): string {
  const accounts = cluster.accountActions?.length ?? 0;
  const parts = accounts > 0 ? [`${plural(accounts, 'account')} to change`] : [];
  parts.push(...(['create', 'replace', 'delete'] as const)
    .map((kind) => [kind, cluster.actions.filter((a) => a.kind === kind).length] as const)
    .filter(([, n]) => n > 0).map(([kind, n]) => `${n} to ${kind}`));
  const drifted = cluster.fileTokenDrift.filter(isRealDrift).length;
  const unchecked = cluster.fileTokenDrift.length - drifted;
  if (drifted > 0) parts.push(`${plural(drifted, 'file token')} drifted`);
  if (unchecked > 0) parts.push(`${plural(unchecked, 'file token')} unchecked`);
  return parts.join(', ');
}

function hasDetails(cluster: ClusterPlan): boolean {
  return cluster.actions.length + cluster.fileTokenDrift.length + (cluster.accountActions?.length ?? 0) > 0;
}

function hasClusterChanges(cluster: ClusterPlan): boolean {
  return cluster.actions.length > 0 || (cluster.accountActions?.length ?? 0) > 0 || cluster.fileTokenDrift.some(isRealDrift);
}

/** "2 accounts (1 to create, 1 to update); tokens: ", only when the plan changes user-managed accounts */
function accountsHeadline(plan: Plan): string {
  const { accountCreate = 0, accountUpdate = 0, accountDelete = 0 } = plan.summary;
  const total = accountChanges(plan.summary);
  if (total === 0) return '';
  const parts = ([[accountCreate, 'create'], [accountUpdate, 'update'], [accountDelete, 'delete']] as const).filter(([n]) => n > 0);
  return `${plural(total, 'account')} (${parts.map(([n, verb]) => `${n} to ${verb}`).join(', ')}); tokens: `;
}

/** keeps whole lines from the top while they fit */
function cutLines(text: string, maxBytes: number): string {
  const out: string[] = [];
  let used = 0;
  for (const line of text.split('\n')) {
    if (used + byteLength(line) + 1 > maxBytes) break;
    out.push(line);
    used += byteLength(line) + 1;
  }
  return out.join('\n');
}

/** Text from clusters (error bodies) must not open HTML tags, break a list item or a table row. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

function escapeCell(text: string): string {
  return escapeText(text).replace(/\|/g, '\\|');
}

function escapeCode(text: string): string {
  return escapeText(text).replace(/`/g, "'");
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

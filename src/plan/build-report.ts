/**
 * The audit inventory (issue 23 §3), pure like buildPlan: every token each declared account has in
 * its cluster, index and file, with its status, rotation, age where escred can know it (a
 * generation's name, else escred's record of creating it), next rotation, whether the sink holds
 * its value, and the manifest policy's violations.
 */
import type { AuditPolicy, DesiredAccount, DesiredCluster, DesiredState, ObservedAccount, ObservedCluster, RotationPolicy } from '../model.js';
import { deletionVerdict } from '../ownership/deletion-verdict.js';
import { generationTime } from '../ownership/generation-name.js';
import { formatDuration } from './duration.js';
import type { ClusterPlanError } from './plan-types.js';
import { REPORT_FORMAT_VERSION, type Report, type ReportAccount, type ReportToken, type TokenStatus } from './report-types.js';
import { securedKey } from './secured-tokens.js';

export interface ReportInput {
  desired: DesiredState;
  observed: readonly ObservedCluster[];
  /** clusters that could not be observed */
  errors: ReadonlyMap<string, ClusterPlanError>;
  /** keys the sink holds; null when it cannot tell */
  sinkKeys: ReadonlySet<string> | null;
  /** per cluster: `principal/token` -> when escred created it (ISO 8601) */
  created: ReadonlyMap<string, ReadonlyMap<string, string>>;
  nowMs: number;
}

interface Classified {
  status: TokenStatus;
  declaredAs?: string;
  rotate?: RotationPolicy;
  time?: number;
}

export function buildReport(input: ReportInput): Report {
  const tokens: ReportToken[] = [];
  const accounts: ReportAccount[] = [];
  const clusters = input.desired.clusters.map((cluster) => {
    const observed = input.observed.find((o) => o.name === cluster.name);
    const error = input.errors.get(cluster.name);
    if (!observed || error) return { cluster: cluster.name, clusterUuid: observed?.clusterUuid ?? '', error: { code: error?.code ?? 'ESCRED_NOT_OBSERVED', message: error?.message ?? 'not observed' } };
    for (const account of cluster.serviceAccounts) {
      accounts.push(reportAccount(cluster.name, account, observed));
      const observedAccount = observed.serviceAccounts.find((a) => a.principal === account.principal);
      if (observedAccount) tokens.push(...accountTokens(input, cluster, account, observedAccount));
    }
    return { cluster: cluster.name, clusterUuid: observed.clusterUuid };
  });
  return {
    formatVersion: REPORT_FORMAT_VERSION, generatedAt: new Date(input.nowMs).toISOString(), clusters, accounts, tokens,
    summary: {
      tokens: tokens.length, overdue: tokens.filter((t) => t.isOverdue).length,
      violations: tokens.reduce((sum, t) => sum + t.violations.length, 0), unknownAge: tokens.filter((t) => t.ageSource === 'unknown').length,
    },
  };
}

function reportAccount(cluster: string, account: DesiredAccount, observed: ObservedCluster): ReportAccount {
  const entry: ReportAccount = { cluster, account: account.principal, declaredAt: `${account.source.file}:${account.source.line}` };
  if (account.userManaged) {
    const seen = observed.userManaged?.accounts.find((a) => a.principal === account.principal);
    entry.userManaged = { roles: seen?.roles ?? account.userManaged.roles, isEnabled: seen ? seen.isEnabled : null };
  }
  return entry;
}

function accountTokens(input: ReportInput, cluster: DesiredCluster, account: DesiredAccount, observed: ObservedAccount): ReportToken[] {
  const isHeld = (token: string) => (input.sinkKeys ? input.sinkKeys.has(securedKey(cluster.name, account.principal, token)) : null);
  const index = classify(account.tokens, observed.indexTokens, isHeld, (name) => undeclaredStatus(account, name));
  const files = classify(account.fileTokens, Object.keys(observed.fileTokens).sort(), isHeld, () => 'unowned');
  return [...index.map((c) => ({ ...c, kind: 'index' as const })), ...files.map((c) => ({ ...c, kind: 'file' as const }))]
    .map(({ name, kind, ...classified }) => row(input, cluster, account.principal, name, kind, classified, isHeld(name)));
}

function undeclaredStatus(account: DesiredAccount, name: string): TokenStatus {
  const verdict = deletionVerdict(account, name);
  return verdict.kind === 'protected' ? 'protected' : verdict.kind === 'unowned' ? 'unowned' : 'owned-undeclared';
}

/** Each name the cluster has: a declared plain name, a generation (the newest held one is current), or undeclared. */
function classify(
  declared: ReadonlyArray<{ name: string; rotate?: RotationPolicy }>, names: readonly string[],
  isHeld: (token: string) => boolean | null, undeclared: (name: string) => TokenStatus,
): Array<Classified & { name: string }> {
  const plain = new Set(declared.filter((t) => !t.rotate).map((t) => t.name));
  const current = new Map<string, string>();
  for (const token of declared.filter((t) => t.rotate)) {
    const generations = names.filter((n) => !plain.has(n) && generationTime(token.name, n) !== null && isHeld(n) !== false)
      .sort((a, b) => generationTime(token.name, a)! - generationTime(token.name, b)!);
    if (generations.length > 0) current.set(token.name, generations.at(-1)!);
  }
  return names.map((name) => {
    if (plain.has(name)) return { name, status: 'declared', declaredAs: name };
    const base = declared.find((t) => t.rotate && generationTime(t.name, name) !== null);
    if (!base) return { name, status: undeclared(name) };
    return { name, status: current.get(base.name) === name ? 'current-generation' : 'retiring-generation', declaredAs: base.name,
      rotate: base.rotate!, time: generationTime(base.name, name)! };
  });
}

function row(
  input: ReportInput, cluster: DesiredCluster, account: string, token: string, kind: 'index' | 'file', c: Classified, holdsValue: boolean | null,
): ReportToken {
  const recorded = kind === 'index' ? input.created.get(cluster.name)?.get(`${account}/${token}`) : undefined;
  const createdMs = c.time ?? (recorded ? Date.parse(recorded) : undefined);
  const ageMs = createdMs === undefined ? undefined : Math.max(0, input.nowMs - createdMs);
  const dueMs = c.status === 'current-generation' && c.rotate && c.time !== undefined ? c.time + c.rotate.everyMs : undefined;
  const isOverdue = dueMs !== undefined && dueMs < input.nowMs;
  return {
    cluster: cluster.name, account, token, kind, status: c.status, ...(c.declaredAs ? { declaredAs: c.declaredAs } : {}),
    rotation: c.rotate ? { every: formatDuration(c.rotate.everyMs), overlap: formatDuration(c.rotate.overlapMs) } : null,
    createdAt: createdMs === undefined ? null : new Date(createdMs).toISOString(),
    ageSeconds: ageMs === undefined ? null : Math.floor(ageMs / 1000),
    ageSource: c.time !== undefined ? 'generation-name' : recorded ? 'escred-record' : 'unknown',
    nextRotationDue: dueMs === undefined ? null : new Date(dueMs).toISOString(), isOverdue,
    sink: { holdsValue, key: holdsValue ? securedKey(cluster.name, account, token) : null },
    violations: cluster.policy ? violations(cluster.policy, kind, c.status, ageMs, isOverdue) : [],
  };
}

function violations(policy: AuditPolicy, kind: 'index' | 'file', status: TokenStatus, ageMs: number | undefined, isOverdue: boolean): string[] {
  const found: string[] = [];
  if (policy.maxAgeMs !== undefined && ageMs !== undefined && ageMs > policy.maxAgeMs) {
    found.push(`maxAge: ${formatDuration(ageMs)} old, more than ${formatDuration(policy.maxAgeMs)}`);
  }
  if (policy.requireRotation && kind === 'index' && status === 'declared') found.push('requireRotation: declared without rotate');
  if (policy.requireRotation && isOverdue) found.push('requireRotation: the rotation is overdue');
  if (policy.forbidUnowned && kind === 'index' && status === 'unowned') found.push('forbidUnowned: an unowned token');
  return found;
}

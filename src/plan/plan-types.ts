/**
 * The plan is plain, versioned data (Terraform's internal/plans): rendering is separate from
 * diffing, and a saved plan is applied exactly as it was shown. Present tense: create, delete.
 */
import type { ErrorCode, PlanWarningCode } from '../error-codes.js';
import type { AccountAction } from './account-actions.js';
import type { PlanScope } from './plan-scope.js';

export const PLAN_FORMAT_VERSION = 1;

/** A token whose value would be handed to the sink: index-backed (API) or file-backed. */
export interface TokenKey {
  cluster: string;
  principal: string;
  token: string;
}

export interface RotationInfo {
  /** the generation that triggered the action, absent when there was none */
  generation?: string;
  ageMs?: number;
  everyMs: number;
  overlapMs: number;
}

export type PlanAction =
  | { kind: 'create'; principal: string; token: string; reason: string; rotation?: RotationInfo; revoke?: true }
  /** delete then create: the token exists but its value is lost to us */
  | { kind: 'replace'; principal: string; token: string; reason: string; revoke?: true }
  /** `revoke`: part of an `escred revoke` (src/plan/plan-revocations.ts); its deletes go through the gate's 'revoke' rule */
  | { kind: 'delete'; principal: string; token: string; reason: string; rotation?: RotationInfo; revoke?: true };

export interface FileTokenDrift {
  principal: string;
  token: string;
  /** nodes that should have the token and answered without it */
  missingOn: string[];
  /** nodes that have it but are not declared for it */
  unexpectedOn: string[];
  /** nodes that failed to answer (or were not asked): their state is unknown, never "absent" */
  unknownOn: string[];
  /** why, for rotated file tokens: "rotate: ci-20261001T000000Z is 31d old, every 30d" */
  reason?: string;
}

export interface PlanWarning {
  principal?: string;
  token?: string;
  code: PlanWarningCode;
  message: string;
}

export interface ClusterPlan {
  cluster: string;
  clusterUuid: string;
  version: string;
  /** digest of the observed state this plan was made from; apply refuses the plan when it changed */
  observedDigest: string;
  /** the same state in parts (see observedParts), so that a refusal says what changed; absent in older plans */
  observedParts?: Record<string, string>;
  actions: PlanAction[];
  /** user-managed service accounts themselves (Elasticsearch 9.6+); absent when the manifest has none */
  accountActions?: AccountAction[];
  fileTokenDrift: FileTokenDrift[];
  warnings: PlanWarning[];
  /** set when the plan for this cluster cannot be carried out (e.g. too many deletions) */
  error?: ClusterPlanError;
}

export interface ClusterPlanError {
  code: ErrorCode;
  message: string;
  /** a later attempt may succeed (overload, connection trouble); absent for plan errors such as max-deletions */
  isRetryable?: boolean;
}

export interface PlanSummary {
  create: number;
  replace: number;
  delete: number;
  fileTokenDrift: number;
  /** file tokens some declared node did not report on (it failed to answer): not checked, so not "in sync" */
  fileTokensUnknown: number;
  accountCreate: number;
  accountUpdate: number;
  accountDelete: number;
  warnings: number;
  /** clusters that could not be observed or planned */
  errors: number;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  clusters: ClusterPlan[];
  summary: PlanSummary;
  /** set on a partial plan (--cluster, --account): only this part of the manifest was planned */
  scope?: PlanScope;
}

export function hasChanges(plan: Plan): boolean {
  const { create, replace, delete: deletions, fileTokenDrift } = plan.summary;
  return create + replace + deletions + fileTokenDrift + accountChanges(plan.summary) > 0;
}

export function accountChanges(summary: PlanSummary): number {
  return (summary.accountCreate ?? 0) + (summary.accountUpdate ?? 0) + (summary.accountDelete ?? 0);
}

/**
 * Something could not be checked: a cluster failed, or a node did not answer for a file token.
 * Such a plan never says "No changes", and plan --detailed-exitcode does not exit 0 on it.
 */
export function hasUnchecked(plan: Plan): boolean {
  return plan.summary.errors + (plan.summary.fileTokensUnknown ?? 0) > 0;
}

/** a node that should have (or may have) the token did not answer: its state is unknown */
export function isUnknownDrift(drift: FileTokenDrift): boolean {
  return drift.unknownOn.length > 0;
}

/** missing or unexpected somewhere: a change to make; unknown-only entries say what could not be checked */
export function isRealDrift(drift: FileTokenDrift): boolean {
  return drift.missingOn.length + drift.unexpectedOn.length > 0;
}

/** The principals a cluster plan touches, in the order renderings list them: account changes, tokens, file-token drift. */
export function changedPrincipals(cluster: ClusterPlan): string[] {
  return [...new Set([...(cluster.accountActions ?? []), ...cluster.actions, ...cluster.fileTokenDrift].map((x) => x.principal))];
}

export function summarize(clusters: ClusterPlan[]): PlanSummary {
  const count = (kind: PlanAction['kind']) =>
    clusters.reduce((sum, c) => sum + c.actions.filter((a) => a.kind === kind).length, 0);
  const countAccounts = (kind: AccountAction['kind']) =>
    clusters.reduce((sum, c) => sum + (c.accountActions ?? []).filter((a) => a.kind === kind).length, 0);
  return {
    create: count('create'),
    replace: count('replace'),
    delete: count('delete'),
    fileTokenDrift: clusters.reduce((sum, c) => sum + c.fileTokenDrift.filter(isRealDrift).length, 0),
    fileTokensUnknown: clusters.reduce((sum, c) => sum + c.fileTokenDrift.filter(isUnknownDrift).length, 0),
    accountCreate: countAccounts('create-account'),
    accountUpdate: countAccounts('update-account'),
    accountDelete: countAccounts('delete-account'),
    warnings: clusters.reduce((sum, c) => sum + c.warnings.length, 0),
    errors: clusters.filter((c) => c.error).length,
  };
}

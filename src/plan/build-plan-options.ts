/** What buildPlan takes besides the desired and observed states; here so that the planner's steps see it without importing build-plan back. */
import type { Revocation } from './plan-revocations.js';
import type { TokenKey } from './plan-types.js';
import type { SecuredTokensOptions } from './secured-tokens.js';

/** `escred rotate CLUSTER ACCOUNT TOKEN [--revoke-old]` */
export interface ForcedRotation extends TokenKey {
  isRevokingOld: boolean;
}

export interface BuildPlanOptions extends SecuredTokensOptions {
  /** the planner's only clock */
  nowMs: number;
  /**
   * file-token names in the service_tokens files escred delivers (`cluster/principal` -> names),
   * when delivery is part of the run: rotation counts them as existing even before the nodes do
   */
  deliveredFileTokens?: ReadonlyMap<string, readonly string[]>;
  forcedRotations?: readonly ForcedRotation[];
  /** `escred revoke`: only these accounts are planned, and only their revocations (plan-revocations.ts) */
  revocations?: readonly Revocation[];
  /** --max-deletions: overrides every cluster's maxDeletions after a human reviewed the plan */
  maxDeletionsOverride?: number;
}

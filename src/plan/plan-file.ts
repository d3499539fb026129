import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError, SafetyError } from '../errors.js';
import type { ObservedCluster } from '../model.js';
import { writeFileAtomic } from '../support/write-file-atomic.js';
import { describePartChanges, observedDigest, observedParts } from './observed-digest.js';
import { PLAN_FORMAT_VERSION, type Plan } from './plan-types.js';

/** What `escred plan --out` writes: the plan plus what it was made from. Never holds a secret. */
export interface PlanFile {
  kind: 'escred-plan';
  formatVersion: typeof PLAN_FORMAT_VERSION;
  createdAt: string;
  /** the planner's clock: apply re-plans at the same instant, so rotation names and decisions match */
  plannedAtMs?: number;
  /** --max-deletions the plan was made with: the re-plan and the write gate hold the same limit */
  maxDeletionsOverride?: number;
  manifestFiles: string[];
  /** digest of the manifest's meaning when the plan was made; apply refuses the plan if it changed */
  manifestDigest: string;
  /** --cluster / --account of a partial plan; apply opens the manifest with the same scope */
  scope?: { clusters: string[]; accounts: string[] };
  plan: Plan;
}

export async function savePlanFile(path: string, file: PlanFile): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
}

export async function loadPlanFile(path: string): Promise<PlanFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path}: not a readable escred plan file (${(error as Error).message})`, { cause: error });
  }
  const file = parsed as Partial<PlanFile>;
  if (file.kind !== 'escred-plan' || !file.plan) throw new ConfigError(`${path}: not an escred plan file`);
  if (file.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new ConfigError(`${path}: plan format ${String(file.formatVersion)} is not supported (this escred writes format ${PLAN_FORMAT_VERSION})`);
  }
  return file as PlanFile;
}

/**
 * A saved plan is applied only to the clusters it was made for, in the state it saw
 * (Terraform's "Saved plan is stale"). Throws before anything is written.
 */
export function assertPlanIsCurrent(plan: Plan, observed: readonly ObservedCluster[]): void {
  for (const clusterPlan of plan.clusters) {
    if (clusterPlan.error) continue;
    const now = observed.find((c) => c.name === clusterPlan.cluster);
    if (!now) throw new SafetyError('ESCRED_PLAN_STALE', `the plan is for cluster ${clusterPlan.cluster}, which the manifest no longer declares`);
    if (now.clusterUuid !== clusterPlan.clusterUuid) {
      throw new SafetyError('ESCRED_PLAN_WRONG_CLUSTER',
        `the plan was made for cluster ${clusterPlan.cluster} with uuid ${clusterPlan.clusterUuid}, but ${now.clusterUuid} answers there now; make a new plan`);
    }
    if (observedDigest(now) !== clusterPlan.observedDigest) {
      throw new SafetyError('ESCRED_PLAN_STALE',
        `cluster ${clusterPlan.cluster} changed since the plan was made (${whatChanged(clusterPlan.observedParts, now)}); run escred plan again`);
    }
  }
}

function whatChanged(before: Readonly<Record<string, string>> | undefined, now: ObservedCluster): string {
  const changes = before ? describePartChanges(before, observedParts(now)) : [];
  // a plan file from before observedParts, or a change the parts do not hold
  if (changes.length === 0) return 'its service tokens or user-managed accounts differ';
  const shown = changes.slice(0, 5).join('; ');
  return changes.length > 5 ? `${shown}; and ${changes.length - 5} more` : shown;
}

export function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

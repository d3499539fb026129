import { isRealDrift, isUnknownDrift, type FileTokenDrift, type Plan } from '../plan/plan-types.js';
import { describeDrift } from '../plan/render-human.js';
import type { Pass } from './open-pass.js';
import { planPass, type PlannedPass } from './plan-pass.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** a line for a person while the wait goes on ("still waiting (5 s): ..."), about every 5 s after the first 2 s */
  onProgress?: (line: string) => void;
}

/** first progress line after this, then one every PROGRESS_EVERY_MS: a quick wait stays silent */
const PROGRESS_AFTER_MS = 2_000;
const PROGRESS_EVERY_MS = 5_000;

/**
 * What `--wait` still waits for: a node that should have a file token and answered without it, has
 * one it should not, or did not answer at all (unknown is not in sync), and a cluster that could
 * not be observed.
 */
export function unsettledFileTokens(plan: Plan): Array<{ cluster: string; drift: FileTokenDrift }> {
  return plan.clusters.flatMap((c) => c.fileTokenDrift
    .filter((d) => isRealDrift(d) || isUnknownDrift(d))
    .map((drift) => ({ cluster: c.cluster, drift })));
}

function isSettled(plan: Plan): boolean {
  return plan.summary.errors === 0 && unsettledFileTokens(plan).length === 0;
}

/**
 * `apply --wait`: observes again until every declared node reports its file tokens (nodes reload
 * service_tokens on their own schedule, as ECK waits before switching Kibana to a token), or the
 * time is up. Returns the last observation either way; the caller decides what a timeout means.
 */
export async function waitForFileTokens(pass: Pass, first: PlannedPass, options: WaitOptions): Promise<{ planned: PlannedPass; isSettled: boolean }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  const deadline = started + options.timeoutMs;
  let nextProgress = started + PROGRESS_AFTER_MS;
  let planned = first;
  while (!isSettled(planned.plan)) {
    if (now() >= deadline) return { planned, isSettled: false };
    if (options.onProgress && now() >= nextProgress) {
      options.onProgress(`still waiting (${Math.round((now() - started) / 1000)} s): ${describeUnsettled(planned.plan)}`);
      nextProgress = now() + PROGRESS_EVERY_MS;
    }
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - now())));
    planned = await planPass(pass, { nowMs: now() });
  }
  return { planned, isSettled: true };
}

/** "e2e elastic/kibana kibana-file: unknown on node-2 (node did not answer)"; the failed clusters by name */
export function describeUnsettled(plan: Plan): string {
  const failed = plan.clusters.filter((c) => c.error).map((c) => `cluster ${c.cluster} could not be observed`);
  const drifts = unsettledFileTokens(plan).map(({ cluster, drift }) => `${cluster} ${drift.principal} ${drift.token}: ${describeDrift(drift)}`);
  return [...failed, ...drifts].join('; ');
}

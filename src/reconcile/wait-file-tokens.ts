import { isRealDrift, type Plan } from '../plan/plan-types.js';
import type { Pass } from './open-pass.js';
import { planPass, type PlannedPass } from './plan-pass.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Nodes that should have a file token and answered without it, or have one they should not. */
function hasFileTokenDrift(plan: Plan): boolean {
  return plan.clusters.some((c) => c.fileTokenDrift.some(isRealDrift));
}

/**
 * `apply --wait`: observes again until every declared node reports its file tokens (nodes reload
 * service_tokens on their own schedule, as ECK waits before switching Kibana to a token), or the
 * time is up. Returns the last observation either way; the caller decides what a timeout means.
 */
export async function waitForFileTokens(pass: Pass, first: PlannedPass, options: WaitOptions): Promise<{ planned: PlannedPass; isSettled: boolean }> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  let planned = first;
  while (hasFileTokenDrift(planned.plan)) {
    if (now() >= deadline) return { planned, isSettled: false };
    await sleep(Math.min(options.intervalMs ?? 1000, Math.max(0, deadline - now())));
    planned = await planPass(pass, { nowMs: now() });
  }
  return { planned, isSettled: true };
}

import { deliverFileTokens, type ClusterDelivery, type FileTokensTarget } from '../reconcile/deliver-pass.js';
import type { Pass } from '../reconcile/open-pass.js';
import type { PlannedPass } from '../reconcile/plan-pass.js';
import { describeUnsettled, unsettledFileTokens, waitForFileTokens } from '../reconcile/wait-file-tokens.js';
import { describeDrift } from '../plan/render-human.js';
import type { ApplyCommandOptions } from './command-options.js';
import { writeErr, writeOut } from './terminal.js';
import { renderDeliveries } from './views/render-deliveries.js';

const DEFAULT_WAIT_SECONDS = 120;

export interface AppliedFileTokens {
  planned: PlannedPass;
  exitCode: number;
  deliveries: ClusterDelivery[];
  /** with --wait: whether every declared node reported its file tokens in time, and what was still different */
  wait?: { seconds: number; isSettled: boolean; unsettled: string };
}

/** Writes the service_tokens files (secrets to the sink first), then with --wait watches the nodes pick them up. */
export async function applyFileTokens(
  pass: Pass,
  planned: PlannedPass,
  target: FileTokensTarget,
  options: ApplyCommandOptions,
): Promise<AppliedFileTokens> {
  const deliveries = await deliverFileTokens(pass, planned, target, { isDryRun: false });
  const isHuman = options.output === 'human';
  if (isHuman) writeOut(`\nservice_tokens files:\n${renderDeliveries(deliveries, { isDryRun: false }) || '  (no cluster declares file tokens)'}`);
  if (options.wait === undefined) return { planned, exitCode: 0, deliveries };
  const seconds = options.wait === true ? DEFAULT_WAIT_SECONDS : options.wait;
  if (isHuman) writeOut(`\nWaiting up to ${seconds} s for every declared node to report its file tokens...`);
  // progress goes to stderr: stdout stays one JSON document in JSON mode
  const waited = await waitForFileTokens(pass, planned, { timeoutMs: seconds * 1000, onProgress: (line) => writeErr(line) });
  const wait = { seconds, isSettled: waited.isSettled, unsettled: describeUnsettled(waited.planned.plan) };
  if (waited.isSettled) {
    if (isHuman) writeOut('Every declared node reports its file tokens.');
    return { planned: waited.planned, exitCode: 0, deliveries, wait };
  }
  if (isHuman) {
    writeOut(`Timed out after ${seconds} s; still different or not checked:`);
    for (const cluster of waited.planned.plan.clusters.filter((c) => c.error)) writeOut(`  ${cluster.cluster}: ${cluster.error?.message ?? ''}`);
    for (const { cluster, drift } of unsettledFileTokens(waited.planned.plan)) {
      writeOut(`  ${cluster} ${drift.principal} ${drift.token}: ${describeDrift(drift)}`);
    }
  }
  return { planned: waited.planned, exitCode: 1, deliveries, wait };
}

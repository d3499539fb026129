import { deliverFileTokens, type FileTokensTarget } from '../reconcile/deliver-pass.js';
import type { Pass } from '../reconcile/open-pass.js';
import type { PlannedPass } from '../reconcile/plan-pass.js';
import { waitForFileTokens } from '../reconcile/wait-file-tokens.js';
import { isRealDrift } from '../plan/plan-types.js';
import { describeDrift } from '../plan/render-human.js';
import type { ApplyCommandOptions } from './commands/apply-command.js';
import { writeOut } from './terminal.js';
import { renderDeliveries } from './views/render-deliveries.js';

const DEFAULT_WAIT_SECONDS = 120;

/** Writes the service_tokens files (secrets to the sink first), then with --wait watches the nodes pick them up. */
export async function applyFileTokens(
  pass: Pass,
  planned: PlannedPass,
  target: FileTokensTarget,
  options: ApplyCommandOptions,
): Promise<{ planned: PlannedPass; exitCode: number }> {
  const deliveries = await deliverFileTokens(pass, planned, target, { isDryRun: false });
  const isHuman = options.output === 'human';
  if (isHuman) writeOut(`\nservice_tokens files:\n${renderDeliveries(deliveries, { isDryRun: false }) || '  (no cluster declares file tokens)'}`);
  if (options.wait === undefined) return { planned, exitCode: 0 };
  const seconds = options.wait === true ? DEFAULT_WAIT_SECONDS : options.wait;
  if (isHuman) writeOut(`\nWaiting up to ${seconds} s for every declared node to report its file tokens...`);
  const waited = await waitForFileTokens(pass, planned, { timeoutMs: seconds * 1000 });
  if (waited.isSettled) {
    if (isHuman) writeOut('Every declared node reports its file tokens.');
    return { planned: waited.planned, exitCode: 0 };
  }
  writeOut(`Timed out after ${seconds} s; still different:`);
  for (const cluster of waited.planned.plan.clusters) {
    for (const drift of cluster.fileTokenDrift.filter(isRealDrift)) {
      writeOut(`  ${cluster.cluster} ${drift.principal} ${drift.token}: ${describeDrift(drift)}`);
    }
  }
  return { planned: waited.planned, exitCode: 1 };
}

import type { Plan } from '../plan/plan-types.js';
import { hasChanges } from '../plan/plan-types.js';
import { renderHumanPlan, uncheckedFileTokens } from '../plan/render-human.js';
import { renderMarkdownPlan } from '../plan/render-markdown.js';
import { savePlanFile } from '../plan/plan-file.js';
import { deliverFileTokens, type ClusterDelivery } from '../reconcile/deliver-pass.js';
import { openPass } from '../reconcile/open-pass.js';
import { withLeaseIntents } from '../reconcile/lease-pass.js';
import { scopeFrom } from '../reconcile/plan-scope.js';
import { planPass } from '../reconcile/plan-pass.js';
import type { PlanCommandOptions } from './command-options.js';
import { connectionOptions } from './commands/timeout-option.js';
import { fileTokensTarget } from './file-tokens-options.js';
import { printDiagnostics, reportError } from './report-error.js';
import { serviceTokensFilesJson } from './views/json-output.js';
import { renderDeliveries } from './views/render-deliveries.js';
import { isColorWanted, writeErr, writeOut } from './terminal.js';

/** `escred plan`: returns the exit code. */
export async function runPlan(paths: string[], options: PlanCommandOptions): Promise<number> {
  try {
    const target = fileTokensTarget(options); // bad flags fail before the manifest is read or a cluster is asked
    const scope = scopeFrom(options);
    const opened = await openPass({ manifestArgs: paths, cwd: process.cwd(), isApplying: false, connection: connectionOptions(options),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}), ...(scope ? { scope } : {}) });
    try {
      printDiagnostics(opened.diagnostics);
      // the intents kept in each cluster's lease: a value that never reached a sink is planned as a replace (issue 21)
      const pass = withLeaseIntents(opened);
      const planned = await planPass(pass, {
        nowMs: Date.now(), onProgress: writeErr, ...(target ? { fileTokensTarget: target } : {}),
        ...(options.maxDeletions !== undefined ? { maxDeletionsOverride: options.maxDeletions } : {}),
      });
      const { plan } = planned;
      const deliveries = target ? await deliverFileTokens(pass, planned, target, { isDryRun: true }) : [];
      printPlan(plan, options, deliveries);
      if (options.out && plan.summary.errors > 0) {
        // a saved plan says what to do on every cluster; one that failed has no plan to apply
        writeErr(`escred: the plan was not saved to ${options.out}: ${plan.summary.errors} cluster(s) could not be planned`);
        return 1;
      }
      if (options.out) {
        await savePlanFile(options.out, { kind: 'escred-plan', formatVersion: plan.formatVersion, createdAt: new Date().toISOString(),
          plannedAtMs: planned.nowMs, ...(options.maxDeletions !== undefined ? { maxDeletionsOverride: options.maxDeletions } : {}),
          manifestFiles: pass.desired.files, manifestDigest: pass.manifestDigest, ...(scope ? { scope } : {}), plan });
        if (options.output === 'human') writeOut(`\nSaved the plan to ${options.out}. To apply exactly it: escred apply ${options.out}`);
      }
      return planExitCode(plan, options.detailedExitcode === true, options.output);
    } finally {
      await opened.close();
    }
  } catch (error) {
    reportError(error, { output: options.output === 'json' ? 'json' : 'human' }); // a markdown plan's errors go to stderr, as in human
    return 1;
  }
}

export function printPlan(plan: Plan, options: { output: 'human' | 'json' | 'markdown'; color: boolean }, deliveries: readonly ClusterDelivery[] = []): void {
  if (options.output === 'json') {
    writeOut(JSON.stringify(deliveries.length > 0 ? { ...plan, serviceTokensFiles: serviceTokensFilesJson(deliveries) } : plan, null, 2));
    return;
  }
  if (options.output === 'markdown') {
    writeOut(renderMarkdownPlan(plan));
    return;
  }
  writeOut(renderHumanPlan(plan, { isColor: options.color && isColorWanted(process.stdout) }));
  if (deliveries.length > 0) writeOut(`\nservice_tokens files:\n${renderDeliveries(deliveries, { isDryRun: true })}`);
}

/**
 * Terraform's -detailed-exitcode: 0 nothing to change, 1 error, 2 changes. Something that could
 * not be checked (a failed cluster, a node that did not answer) is an error, with or without
 * --detailed-exitcode, as Terraform fails a plan when it cannot read a resource: "0" would tell a
 * drift job that everything is in sync, and "2" would make it apply what it has not seen.
 */
export function planExitCode(plan: Plan, isDetailed: boolean, output: PlanCommandOptions['output']): number {
  if (plan.summary.errors > 0) {
    // "above" only on the stream that has the errors: the human plan's. A JSON or markdown plan is a
    // document (one JSON value, one pull-request comment) that the line must not join: it stays on stderr.
    if (output === 'human') writeOut(`escred: ${plan.summary.errors} cluster(s) could not be planned; see the errors above`);
    else writeErr(`escred: ${plan.summary.errors} cluster(s) could not be planned; their errors are in the plan on stdout`);
    return 1;
  }
  const unchecked = uncheckedFileTokens(plan);
  if (unchecked) {
    writeErr(`escred: the plan is incomplete: ${unchecked}`);
    return 1;
  }
  return isDetailed && hasChanges(plan) ? 2 : 0;
}

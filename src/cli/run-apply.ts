import { ConfigError, SafetyError } from '../errors.js';
import type { ForcedRotation } from '../plan/build-plan.js';
import { assertPlanIsCurrent, loadPlanFile, type PlanFile } from '../plan/plan-file.js';
import { hasChanges, type Plan } from '../plan/plan-types.js';
import { applyPass, type AppliedPass } from '../reconcile/apply-pass.js';
import { openPass, type Pass } from '../reconcile/open-pass.js';
import { planPass, type PlannedPass } from '../reconcile/plan-pass.js';
import { applyFileTokens } from './apply-file-tokens.js';
import type { ApplyCommandOptions } from './commands/apply-command.js';
import { fileTokensTarget } from './file-tokens-options.js';
import { reportInterrupted, runInterruptible } from './interrupt.js';
import { printDiagnostics, reportError } from './report-error.js';
import { printPlan } from './run-plan.js';
import { confirm, writeErr, writeOut } from './terminal.js';
import { renderApplySummary, renderChange } from './views/render-change-set.js';
import { showSecretsSink } from './views/show-secrets-sink.js';

/** `escred apply`: returns the exit code. */
export async function runApply(paths: string[], options: ApplyCommandOptions): Promise<number> {
  try {
    const target = fileTokensTarget(options);
    const savedPlan = paths.length === 1 && paths[0]!.endsWith('.json') ? await loadPlanFile(paths[0]!) : undefined;
    if (!savedPlan && !options.autoApprove && !process.stdin.isTTY) {
      throw new ConfigError('apply needs --auto-approve when it cannot ask on a terminal (or apply a saved plan: escred plan --out plan.json)');
    }
    const opened = await openPass({
      manifestArgs: savedPlan ? savedPlan.manifestFiles : paths, cwd: process.cwd(), isApplying: true,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    });
    const pass = options.showSecrets ? { ...opened, sink: showSecretsSink(opened.sink, writeOut) } : opened;
    try {
      printDiagnostics(pass.diagnostics);
      const planned = savedPlan ? await checkSavedPlan(pass, savedPlan) : await planAndConfirm(pass, options);
      if (!planned) return 1;
      if (!hasIndexWork(planned.plan) && !target) {
        if (options.output === 'human') writeOut(hasChanges(planned.plan) ? fileTokensHint : 'No changes. Nothing to apply.');
        return 0;
      }
      const { result: applied, isInterrupted } = hasIndexWork(planned.plan)
        ? await runInterruptible((stopSignal) => applyIndexTokens(pass, planned, options, stopSignal))
        : { result: undefined, isInterrupted: false };
      if (applied && isInterrupted) return reportInterrupted(applied.changeSet, options.output);
      if (applied?.changeSet.hasFailures) return reportApplied(applied, options);
      // the nodes as seen after the index tokens, at the plan's instant (the generations the plan showed)
      const observedNow = { ...(applied?.after ?? planned), nowMs: planned.nowMs };
      const fileTokens = target ? await applyFileTokens(pass, observedNow, target, options) : undefined;
      const after = fileTokens?.planned ?? applied?.after ?? planned;
      return Math.max(applied ? reportApplied({ ...applied, after }, options) : 0, fileTokens?.exitCode ?? 0);
    } finally {
      await pass.close();
    }
  } catch (error) {
    reportError(error);
    return 1;
  }
}

const fileTokensHint = 'No index token changes. File tokens differ: deliver them with --file-tokens-out DIR or --node NAME --service-tokens-file PATH.';

function hasIndexWork(plan: Plan): boolean {
  return plan.clusters.some((c) => c.actions.length > 0 || c.error !== undefined);
}

function applyIndexTokens(pass: Pass, planned: PlannedPass, options: ApplyCommandOptions, stopSignal: AbortSignal): Promise<AppliedPass> {
  return applyPass(pass, planned, {
    concurrency: options.concurrency, stopSignal,
    ...(options.auditLog ? { auditPath: options.auditLog } : {}),
    ...(options.output === 'human' ? { onChange: (entry) => writeOut(renderChange(entry)) } : {}),
  });
}

async function planAndConfirm(pass: Pass, options: ApplyCommandOptions): Promise<PlannedPass | undefined> {
  if (options.forcedRotations) assertDeclared(pass, options.forcedRotations);
  const planned = await planPass(pass, {
    nowMs: Date.now(),
    ...(options.forcedRotations ? { forcedRotations: options.forcedRotations } : {}),
    ...(options.maxDeletions !== undefined ? { maxDeletionsOverride: options.maxDeletions } : {}),
  });
  if (options.output === 'human') printPlan(planned.plan, options);
  if (options.autoApprove || !hasChanges(planned.plan)) return planned;
  if (await confirm('\nDo you want to perform these actions?')) return planned;
  writeErr('Apply cancelled.');
  return undefined;
}

/** `escred rotate` names a token of the manifest; a typo must not silently plan nothing. */
function assertDeclared(pass: Pass, forced: readonly ForcedRotation[]): void {
  for (const { cluster, principal, token } of forced) {
    const account = pass.desired.clusters.find((c) => c.name === cluster)?.serviceAccounts.find((a) => a.principal === principal);
    if (!account?.tokens.some((t) => t.name === token)) {
      throw new ConfigError(`the manifest declares no token ${token} for ${principal} on cluster ${cluster}; escred rotate takes a declared token name`);
    }
  }
}

/** A saved plan applies only to the manifest and the cluster state it was made from. */
async function checkSavedPlan(pass: Pass, saved: PlanFile): Promise<PlannedPass> {
  if (saved.manifestDigest !== pass.manifestDigest) {
    throw new SafetyError('ESCRED_PLAN_STALE', 'the manifest changed since the plan was made; run escred plan again');
  }
  const current = await planPass(pass, { nowMs: Date.now() });
  assertPlanIsCurrent(saved.plan, current.observed);
  return { ...current, plan: saved.plan };
}

/** Index tokens decide the exit code; file-token drift is delivery's business (and --wait's). */
function reportApplied(applied: AppliedPass, options: ApplyCommandOptions): number {
  const remaining = applied.after.plan;
  const isConverged = !hasIndexWork(remaining);
  if (options.output === 'json') {
    writeOut(JSON.stringify({ changes: applied.changeSet.entries, hasFailures: applied.changeSet.hasFailures, remaining }, null, 2));
  } else {
    writeOut(`\n${renderApplySummary(applied.changeSet)}`);
    if (!isConverged) {
      writeOut('\nAfter the apply, the clusters still differ from the manifest:');
      printPlan(remaining, options);
    }
  }
  return applied.changeSet.hasFailures || !isConverged ? 1 : 0;
}

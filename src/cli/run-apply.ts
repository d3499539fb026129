import { ConfigError, EscredError, SafetyError, errorMessage } from '../errors.js';
import type { ForcedRotation } from '../plan/build-plan.js';
import { assertPlanIsCurrent, loadPlanFile, type PlanFile } from '../plan/plan-file.js';
import { actionsNotReplanned } from '../plan/saved-plan-actions.js';
import { assertRevocable, assertRevocationsFound } from './revoke-checks.js';
import { deletionVerdict, describeVerdict } from '../ownership/deletion-verdict.js';
import type { ChangeEntry, ChangeSet } from '../apply/change-set.js';
import { hasChanges, type Plan } from '../plan/plan-types.js';
import { uncheckedFileTokens } from '../plan/render-human.js';
import type { Pass } from '../reconcile/open-pass.js';
import { holdPassLeases, leaseOffWarnings } from '../reconcile/lease-pass.js';
import { hasIndexWork, reconcile, type LeaseHolder, type ReconcileAdapter } from '../reconcile/reconcile-pass.js';
import { holderIdOfThisProcess } from '../lease/holder-id.js';
import { scopeFrom } from '../reconcile/plan-scope.js';
import { partialPlanWarning } from '../plan/plan-scope.js';
import { planPass, type PlannedPass } from '../reconcile/plan-pass.js';
import type { FileTokensTarget } from '../reconcile/deliver-pass.js';
import { applyFileTokens, type AppliedFileTokens } from './apply-file-tokens.js';
import type { ApplyCommandOptions } from './command-options.js';
import { connectionOptions } from './commands/timeout-option.js';
import { fileTokensTarget } from './file-tokens-options.js';
import { reportInterrupted, runInterruptible } from './interrupt.js';
import { printDiagnostics, reportError } from './report-error.js';
import { printPlan } from './run-plan.js';
import { confirm, writeErr, writeOut } from './terminal.js';
import { applyResultDocument, emptyApplyOutcome, errorDocument, NO_CHANGES } from './views/json-output.js';
import { renderApplySummary, renderChange, type ApplyOutcome, isApplyComplete } from './views/render-change-set.js';
import { showSecretsSink } from './views/show-secrets-sink.js';

/** `escred apply` (and `rotate`, and node mode): an adapter around the one reconcile pass. Returns the exit code. */
export async function runApply(paths: string[], options: ApplyCommandOptions): Promise<number> {
  try {
    const target = fileTokensTarget(options);
    if (options.showSecrets && options.output === 'json') {
      // stdout is one JSON document in JSON mode; secret lines beside it would break every parser
      throw new EscredError('ESCRED_USAGE', '--show-secrets prints secret lines on stdout and cannot be combined with --output json; read the values from the secret sink');
    }
    const savedPlan = paths.length === 1 && paths[0]!.endsWith('.json') ? await loadPlanFile(paths[0]!) : undefined;
    if (!savedPlan && !options.autoApprove && !process.stdin.isTTY) {
      throw new ConfigError('apply needs --auto-approve when it cannot ask on a terminal (or apply a saved plan: escred plan --out plan.json)');
    }
    // a saved plan is applied with the scope it was made with, whatever the flags say now
    const scope = savedPlan ? savedPlan.scope : scopeFrom(options);
    if (savedPlan && scopeFrom(options)) throw new ConfigError('a saved plan is applied exactly as it was made: drop --cluster and --account (it records its own scope)');
    const outcome = await reconcile<AppliedFileTokens>({
      open: {
        manifestArgs: savedPlan ? savedPlan.manifestFiles : paths, cwd: process.cwd(), isApplying: true,
        connection: connectionOptions(options), // with X-Opaque-Id: escred/<holder id> (issue 15)
        ...(options.stateDir ? { stateDir: options.stateDir } : {}), ...(scope ? { scope } : {}),
      },
      ...(options.showSecrets ? { decorate: (pass: Pass) => ({ ...pass, sink: showSecretsSink(pass.sink, writeOut) }) } : {}),
      onOpened: (pass) => {
        if (scope && savedPlan) writeErr(`Warning: ${partialPlanWarning(scope)}.`);
        printDiagnostics(pass.diagnostics);
        for (const line of leaseOffWarnings(pass.desired)) writeErr(line);
      },
      // before the plan and before any write: a held lease or a lease index the credentials may not write stops here
      leases: cliLeases(options.leaseWait ?? 0),
      isApplying: true,
      plan: (pass) => (savedPlan ? checkSavedPlan(pass, savedPlan) : planFresh(pass, options, target)),
      ...(savedPlan ? {} : { confirm: (planned: PlannedPass) => confirmPlan(planned, options) }),
      runWrites: runInterruptible,
      apply: applyOptions(options),
      ...(target ? { deliver: (pass: Pass, planned: PlannedPass) => applyFileTokens(pass, planned, target, options) } : {}),
    });
    if (outcome.kind === 'cancelled') return 1;
    const { planned, applied, delivered: fileTokens } = outcome;
    if (!applied && !target) return reportNothingToApply(planned.plan, options);
    if (applied && outcome.isInterrupted) return reportInterrupted(applied, options.output);
    const afterIndexTokens = applied?.after ?? planned;
    return reportApplied(applied?.changeSet ?? NO_CHANGES, (fileTokens?.planned ?? afterIndexTokens).plan, fileTokens, options);
  } catch (error) {
    reportError(error, { output: options.output });
    return 1;
  }
}

/** The CLI holds every lease of the run for its length, waiting up to --lease-wait, and gives them back at the end. */
function cliLeases(waitMs: number): LeaseHolder {
  return async (pass, work) => {
    const leased = await holdPassLeases(pass, { holderId: holderIdOfThisProcess(), waitMs });
    try {
      return await work(leased.pass, () => leased.renewAll());
    } finally {
      await leased.release().catch((error: unknown) => writeErr(`Warning: could not release a lease (${errorMessage(error)}); it is free again once unrenewed for its duration.`));
    }
  };
}

const fileTokensHint = 'No index token changes. File tokens differ: deliver them with --file-tokens-out DIR or --node NAME --service-tokens-file PATH.';

function applyOptions(options: ApplyCommandOptions): ReconcileAdapter<AppliedFileTokens>['apply'] {
  return {
    concurrency: options.concurrency,
    ...(options.auditLog ? { auditPath: options.auditLog } : {}),
    ...(options.auditReason ? { auditReason: options.auditReason } : {}),
    ...(options.output === 'human' ? { onChange: (entry: ChangeEntry) => writeOut(renderChange(entry)) } : {}),
  };
}

async function planFresh(pass: Pass, options: ApplyCommandOptions, target: FileTokensTarget | undefined): Promise<PlannedPass> {
  if (options.forcedRotations) assertDeclared(pass, options.forcedRotations);
  if (options.revocations) assertRevocable(pass, options.revocations);
  const planned = await planPass(pass, {
    nowMs: Date.now(), onProgress: writeErr, ...(target ? { fileTokensTarget: target } : {}),
    ...(options.forcedRotations ? { forcedRotations: options.forcedRotations } : {}),
    ...(options.revocations ? { revocations: options.revocations } : {}),
    ...(options.maxDeletions !== undefined ? { maxDeletionsOverride: options.maxDeletions } : {}),
  });
  if (options.revocations) assertRevocationsFound(planned.plan);
  if (options.output === 'human') printPlan(planned.plan, options);
  return planned;
}

async function confirmPlan(planned: PlannedPass, options: ApplyCommandOptions): Promise<boolean> {
  if (options.autoApprove || !hasChanges(planned.plan)) return true;
  if (await confirm('\nDo you want to perform these actions?')) return true;
  writeErr('Apply cancelled.');
  if (options.output === 'json') writeOut(JSON.stringify(errorDocument(new EscredError('ESCRED_APPLY_CANCELLED', 'apply cancelled')), null, 2));
  return false;
}

/** `escred rotate` names a token of the manifest; a typo must not silently plan nothing. */
function assertDeclared(pass: Pass, forced: readonly ForcedRotation[]): void {
  for (const { cluster, principal, token } of forced) {
    const account = pass.desired.clusters.find((c) => c.name === cluster)?.serviceAccounts.find((a) => a.principal === principal);
    const declared = account?.tokens.find((t) => t.name === token);
    if (!account || !declared) {
      throw new ConfigError(`the manifest declares no token ${token} for ${principal} on cluster ${cluster}; escred rotate takes a declared token name`);
    }
    const verdict = deletionVerdict(account, token);
    if (!declared.rotate && verdict.kind === 'protected') {
      // same name: rotating it revokes the value it has now, which protect promises never happens
      throw new SafetyError('ESCRED_ROTATE_PROTECTED', `${token} of ${principal} on cluster ${cluster} is protected (${describeVerdict(verdict)}): ` +
        'escred rotate would revoke its value under the same name, so it refuses; take it out of protect in the manifest first');
    }
  }
}

/** A saved plan applies only to the manifest and the cluster state it was made from. */
async function checkSavedPlan(pass: Pass, saved: PlanFile): Promise<PlannedPass> {
  if (saved.manifestDigest !== pass.manifestDigest) {
    throw new SafetyError('ESCRED_PLAN_STALE', 'the manifest changed since the plan was made; run escred plan again');
  }
  if (saved.plan.summary.errors > 0) {
    throw new SafetyError('ESCRED_PLAN_HAS_ERRORS', `the saved plan has ${saved.plan.summary.errors} cluster(s) that could not be planned; ` +
      'it does not say what to do there: run escred plan again');
  }
  // re-planned at the saved plan's instant and limit: the same manifest and state give the same plan (buildPlan is pure)
  const current = await planPass(pass, {
    nowMs: saved.plannedAtMs ?? Date.parse(saved.createdAt), onProgress: writeErr,
    ...(saved.maxDeletionsOverride !== undefined ? { maxDeletionsOverride: saved.maxDeletionsOverride } : {}),
  });
  assertPlanIsCurrent(saved.plan, current.observed);
  const unplanned = actionsNotReplanned(saved.plan, current.plan);
  if (unplanned.length > 0) {
    throw new SafetyError('ESCRED_PLAN_NOT_REPLANNED', `the saved plan asks for what escred plan does not do from this manifest ` +
      `and this cluster state (${unplanned.join('; ')}): the file was edited, or was not made from this manifest; nothing was written. ` +
      'Run escred plan again');
  }
  return { ...current, plan: saved.plan };
}

/**
 * The headline and the exit code come from one verdict (isApplyComplete): "Apply complete!" and 0
 * only when nothing failed, every planned change was made and every cluster was observed (and with
 * --wait, every node reported its file tokens). File-token drift without --wait is delivery's business.
 */
function reportApplied(changeSet: ChangeSet, remaining: Plan, fileTokens: AppliedFileTokens | undefined, options: ApplyCommandOptions): number {
  const outcome: ApplyOutcome = {
    changeSet, remaining,
    ...(fileTokens?.wait && !fileTokens.wait.isSettled ? { fileTokensTimedOutAfterSeconds: fileTokens.wait.seconds } : {}),
  };
  if (options.output === 'json') {
    writeOut(JSON.stringify(applyResultDocument(outcome, {
      ...(fileTokens ? { deliveries: fileTokens.deliveries } : {}), ...(fileTokens?.wait ? { wait: fileTokens.wait } : {}),
    }), null, 2));
  } else {
    writeOut(`\n${renderApplySummary(outcome)}`);
    // file tokens are delivery's business, but a node that did not answer is said, never passed over
    const unchecked = uncheckedFileTokens(remaining);
    if (unchecked && !fileTokens?.wait) writeOut(`Could not check: ${unchecked.replace(/^could not check /, '')}.`);
    if (hasIndexWork(remaining)) {
      writeOut('\nAfter the apply, what still differs from the manifest or could not be checked:');
      printPlan(remaining, options);
    }
  }
  return isApplyComplete(outcome) ? 0 : 1;
}

/** Nothing for apply to do: still one JSON document, and no "No changes" while something could not be checked. */
function reportNothingToApply(plan: Plan, options: ApplyCommandOptions): number {
  if (options.output === 'json') {
    writeOut(JSON.stringify(applyResultDocument(emptyApplyOutcome(plan)), null, 2));
    return 0;
  }
  const unchecked = uncheckedFileTokens(plan);
  if (unchecked) writeOut(`Nothing to apply to index tokens. Could not check: ${unchecked.replace(/^could not check /, '')}.`);
  else writeOut(hasChanges(plan) ? fileTokensHint : 'No changes. Nothing to apply.');
  return 0;
}

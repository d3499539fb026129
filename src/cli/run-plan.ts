import type { Plan } from '../plan/plan-types.js';
import { hasChanges } from '../plan/plan-types.js';
import { renderHumanPlan } from '../plan/render-human.js';
import { savePlanFile } from '../plan/plan-file.js';
import { openPass } from '../reconcile/open-pass.js';
import { planPass } from '../reconcile/plan-pass.js';
import type { PlanCommandOptions } from './commands/plan-command.js';
import { printDiagnostics, reportError } from './report-error.js';
import { isColorWanted, writeErr, writeOut } from './terminal.js';

/** `escred plan`: returns the exit code. */
export async function runPlan(paths: string[], options: PlanCommandOptions): Promise<number> {
  try {
    const pass = await openPass({ manifestArgs: paths, cwd: process.cwd(), isApplying: false, ...(options.stateDir ? { stateDir: options.stateDir } : {}) });
    try {
      printDiagnostics(pass.diagnostics);
      const { plan } = await planPass(pass, {
        nowMs: Date.now(),
        ...(options.maxDeletions !== undefined ? { maxDeletionsOverride: options.maxDeletions } : {}),
      });
      printPlan(plan, options);
      if (options.out) {
        await savePlanFile(options.out, { kind: 'escred-plan', formatVersion: plan.formatVersion, createdAt: new Date().toISOString(),
          manifestFiles: pass.desired.files, manifestDigest: pass.manifestDigest, plan });
        if (options.output === 'human') writeOut(`\nSaved the plan to ${options.out}. To apply exactly it: escred apply ${options.out}`);
      }
      return planExitCode(plan, options.detailedExitcode === true);
    } finally {
      await pass.close();
    }
  } catch (error) {
    reportError(error);
    return 1;
  }
}

export function printPlan(plan: Plan, options: { output: 'human' | 'json'; color: boolean }): void {
  if (options.output === 'json') writeOut(JSON.stringify(plan, null, 2));
  else writeOut(renderHumanPlan(plan, { isColor: options.color && isColorWanted(process.stdout) }));
}

export function planExitCode(plan: Plan, isDetailed: boolean): number {
  if (plan.summary.errors > 0) {
    writeErr(`escred: ${plan.summary.errors} cluster(s) could not be planned; see the errors above`);
    return 1;
  }
  return isDetailed && hasChanges(plan) ? 2 : 0;
}

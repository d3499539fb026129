import { openPass } from '../reconcile/open-pass.js';
import { scopeFrom } from '../reconcile/plan-scope.js';
import { reportPass } from '../reconcile/report-pass.js';
import type { ReportCommandOptions } from './command-options.js';
import { connectionOptions } from './commands/timeout-option.js';
import { printDiagnostics, reportError } from './report-error.js';
import { writeErr, writeOut } from './terminal.js';
import { renderReportCsv, renderReportMarkdown, renderReportTable } from './views/render-report.js';

/** `escred report`: returns the exit code. */
export async function runReport(paths: string[], options: ReportCommandOptions): Promise<number> {
  try {
    const scope = scopeFrom(options);
    const pass = await openPass({ manifestArgs: paths, cwd: process.cwd(), isApplying: false, connection: connectionOptions(options),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}), ...(scope ? { scope } : {}) });
    try {
      printDiagnostics(pass.diagnostics);
      const report = await reportPass(pass, { nowMs: Date.now(), onProgress: writeErr });
      const render = { json: () => JSON.stringify(report, null, 2), csv: () => renderReportCsv(report),
        markdown: () => renderReportMarkdown(report), human: () => renderReportTable(report) }[options.output];
      writeOut(render());
      if (report.clusters.some((c) => c.error)) return 1;
      return options.failOn === 'violations' && report.summary.violations > 0 ? 1 : 0;
    } finally {
      await pass.close();
    }
  } catch (error) {
    reportError(error, { output: options.output === 'json' ? 'json' : 'human' });
    return 1;
  }
}

import type { Command } from 'commander';
import { addTimeoutOption } from './timeout-option.js';
import { addScopeOptions } from './scope-options.js';
import type { ReportCommandOptions } from '../command-options.js';


const OUTPUTS = ['human', 'json', 'csv', 'markdown'];

export function registerReportCommand(program: Command): void {
  const command = program
    .command('report')
    .description('The inventory for an audit: every token of every declared account, its status, rotation, age, next rotation, sink key and policy violations. Writes nothing.')
    .argument('[paths...]', 'manifest files or folders (default: ./escred.yaml)')
    .option('--output <format>', 'human, json (schemas/report-output.schema.json), csv or markdown', 'human')
    .option('--fail-on <what>', '`violations`: exit 1 when any token breaks the manifest\'s policy (for CI)')
    .option('--state-dir <dir>', 'where the apply journal lives (default: .escred next to the first manifest)');
  addTimeoutOption(command);
  addScopeOptions(command);
  command
    .addHelpText('after', '\nExit codes: 0 the report was made (and, with --fail-on violations, nothing breaks the policy); 1 an error, a cluster that could not be observed, or a violation with --fail-on violations.')
    .action(async (paths: string[], options: ReportCommandOptions) => {
      const { reportError } = await import('../report-error.js');
      const { ConfigError } = await import('../../errors.js');
      if (!OUTPUTS.includes(options.output)) {
        reportError(new ConfigError(`--output must be ${OUTPUTS.join(', ')}, got '${String(options.output)}'`));
        process.exitCode = 1;
        return;
      }
      if (options.failOn !== undefined && options.failOn !== 'violations') {
        reportError(new ConfigError(`--fail-on takes \`violations\`, got '${options.failOn}'`), { output: options.output === 'json' ? 'json' : 'human' });
        process.exitCode = 1;
        return;
      }
      const { runReport } = await import('../run-report.js');
      process.exitCode = await runReport(paths, options);
    });
}

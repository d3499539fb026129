import type { Command } from 'commander';
import type { PlanCommandOptions } from '../command-options.js';
import { addFileTokensOptions, SCOPE_CLUSTER } from '../file-tokens-options.js';
import { parsePositiveInteger } from '../terminal.js';
import { addTimeoutOption } from './timeout-option.js';
import { addScopeOptions } from './scope-options.js';

export function registerPlanCommand(program: Command): void {
  const command = program
    .command('plan')
    .description('Show what apply would change: observe the clusters, diff them against the manifest. Writes nothing to the clusters.')
    .argument('[paths...]', 'manifest files or folders (default: ./escred.yaml)')
    .option('--out <file>', 'save the plan; `escred apply <file>` then applies exactly it (not saved when a cluster could not be planned)')
    .option('--output <format>', 'human, json, or markdown (one pull-request comment, cut to fit GitHub\'s limit)', 'human')
    .option('--detailed-exitcode', 'exit 0 = no changes, 1 = error, 2 = changes (like terraform plan)')
    .option('--max-deletions <n>', 'allow this many deletions per cluster, overriding the manifest', (v) => parsePositiveInteger(v, '--max-deletions'))
    .option('--state-dir <dir>', 'where the apply journal lives (default: .escred next to the first manifest)')
    .option('--no-color', 'no colours even on a terminal');
  addTimeoutOption(command);
  addScopeOptions(command);
  addFileTokensOptions(command, SCOPE_CLUSTER)
    .addHelpText('after', '\nExit codes: 0 success; 1 error (bad manifest, a cluster that could not be observed, a node that did not answer\nabout its file tokens, max-deletions): something could not be checked is never 0; 2 changes present (only with\n--detailed-exitcode). With --output json, stdout is exactly one JSON document (docs/json-output.md).')
    .action(async (paths: string[], options: PlanCommandOptions) => {
      if (options.output !== 'human' && options.output !== 'json' && options.output !== 'markdown') throw new Error(`--output must be human, json or markdown, got '${String(options.output)}'`);
      const { runPlan } = await import('../run-plan.js');
      process.exitCode = await runPlan(paths, options);
    });
}

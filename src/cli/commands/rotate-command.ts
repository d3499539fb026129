import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { parseCountAtLeastOne } from '../terminal.js';
import type { ApplyCommandOptions } from '../command-options.js';
import { timeoutOption } from './timeout-option.js';
import { leaseWaitOption } from './lease-wait-option.js';

interface RotateCommandOptions extends Omit<ApplyCommandOptions, 'showSecrets'> {
  file?: string[];
  revokeOld?: boolean;
}

export function registerRotateCommand(program: Command): void {
  program
    .command('rotate')
    .description('Make the next generation of a token now (a leaked token), with the value going to the sink first.')
    .argument('<cluster>', 'cluster name in the manifest')
    .argument('<account>', 'service account, namespace/service')
    .argument('<token>', 'declared token name (without a generation suffix)')
    .option('-f, --file <paths...>', 'manifest files or folders (default: ./escred.yaml)')
    .option('--revoke-old', 'delete older generations at once instead of after the overlap')
    .option('--auto-approve', 'do not ask for confirmation (required when not on a terminal)')
    .option('--concurrency <n>', 'calls in flight per cluster', (v) => parseCountAtLeastOne(v, '--concurrency'), 4)
    .option('--audit-log <file>', 'JSON lines, one per create/delete call (default: <state dir>/audit.log)')
    .option('--state-dir <dir>', 'apply journal and audit log (default: .escred next to the first manifest)')
    .option('--output <format>', 'human or json', 'human')
    .option('--no-color', 'no colours even on a terminal')
    .addOption(timeoutOption())
    .addOption(leaseWaitOption())
    .addHelpText('after', [
      '',
      'A token with `rotate:` in the manifest gets a new generation (name-<UTC timestamp>); the old one stays',
      'for the overlap unless --revoke-old. A token without `rotate:` is replaced under the same name: the old',
      'value stops working at once.',
    ].join('\n'))
    .action(async (cluster: string, account: string, token: string, options: RotateCommandOptions) => {
      // said here, not by apply: apply's message names apply and a saved plan, which rotate has not
      if (!options.autoApprove && !process.stdin.isTTY) {
        const { reportError } = await import('../report-error.js');
        reportError(new ConfigError('rotate needs --auto-approve when it cannot ask on a terminal'));
        process.exitCode = 1;
        return;
      }
      const { runApply } = await import('../run-apply.js');
      process.exitCode = await runApply(options.file ?? [], {
        ...options,
        forcedRotations: [{ cluster, principal: account, token, isRevokingOld: options.revokeOld === true }],
      });
    });
}

import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import type { ApplyCommandOptions } from '../command-options.js';
import { addTargetedApplyOptions } from './targeted-apply-options.js';

interface RotateCommandOptions extends Omit<ApplyCommandOptions, 'showSecrets'> {
  file?: string[];
  revokeOld?: boolean;
}

export function registerRotateCommand(program: Command): void {
  addTargetedApplyOptions(program
    .command('rotate')
    .description('Make the next generation of a token now (a leaked token), with the value going to the sink first.')
    .argument('<cluster>', 'cluster name in the manifest')
    .argument('<account>', 'service account, namespace/service')
    .argument('<token>', 'declared token name (without a generation suffix)')
    .option('-f, --file <paths...>', 'manifest files or folders (default: ./escred.yaml)')
    .option('--revoke-old', 'delete older generations at once instead of after the overlap'))
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

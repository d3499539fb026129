import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import type { ApplyCommandOptions } from '../command-options.js';
import { addTargetedApplyOptions } from './targeted-apply-options.js';

interface RevokeCommandOptions extends Omit<ApplyCommandOptions, 'showSecrets'> {
  file?: string[];
  all?: boolean;
  includeProtected?: boolean;
  reason?: string;
}

/** `escred revoke`: an adapter around the one reconcile pass, as rotate is (src/cli/run-apply.ts), never a road of its own. */
export function registerRevokeCommand(program: Command): void {
  addTargetedApplyOptions(program
    .command('revoke')
    .description('Revoke leaked tokens now: a declared one is replaced first (new value stored and verified), then the leaked one is deleted at once.')
    .argument('<cluster>', 'cluster name in the manifest')
    .argument('<account>', 'service account, namespace/service')
    .argument('[tokens...]', 'token names as the cluster lists them (a rotating token\'s name: all its generations)')
    .option('-f, --file <paths...>', 'manifest files or folders (default: ./escred.yaml)')
    .option('--all', 'every index token of the account whose value escred\'s secret sink holds')
    .option('--include-protected', 'a protected token may be revoked too (shown in the plan)')
    .option('--reason <text>', 'why: shown in the plan and written on every audit log line of the run'))
    .addHelpText('after', [
      '',
      'Only the named tokens are planned: a token of a declared rotating token gets a new generation first,',
      'then it is deleted whatever the overlap; a declared plain token is replaced under its name (its value',
      'stops working at once); an undeclared token is deleted. Exit codes and --output json as for apply.',
    ].join('\n'))
    .action(async (cluster: string, account: string, tokens: string[], options: RevokeCommandOptions) => {
      const { reportError } = await import('../report-error.js');
      const refuse = (message: string) => {
        reportError(new ConfigError(message), { output: options.output });
        process.exitCode = 1;
      };
      if (!options.autoApprove && !process.stdin.isTTY) return refuse('revoke needs --auto-approve when it cannot ask on a terminal');
      if ((tokens.length > 0) === (options.all === true)) return refuse('revoke takes token names or --all, one of the two');
      const { runApply } = await import('../run-apply.js');
      process.exitCode = await runApply(options.file ?? [], {
        ...options, cluster: [cluster], account: [account],
        ...(options.reason ? { auditReason: options.reason } : {}),
        revocations: [{ cluster, principal: account, tokens, isAll: options.all === true, includeProtected: options.includeProtected === true,
          ...(options.reason ? { reason: options.reason } : {}) }],
      });
    });
}

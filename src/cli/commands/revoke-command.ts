import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { parseCountAtLeastOne } from '../terminal.js';
import type { ApplyCommandOptions } from '../command-options.js';
import { timeoutOption } from './timeout-option.js';
import { leaseWaitOption } from './lease-wait-option.js';

interface RevokeCommandOptions extends Omit<ApplyCommandOptions, 'showSecrets'> {
  file?: string[];
  all?: boolean;
  includeProtected?: boolean;
  reason?: string;
}

/** `escred revoke`: an adapter around the one reconcile pass, as rotate is (src/cli/run-apply.ts), never a road of its own. */
export function registerRevokeCommand(program: Command): void {
  program
    .command('revoke')
    .description('Revoke leaked tokens now: a declared one is replaced first (new value stored and verified), then the leaked one is deleted at once.')
    .argument('<cluster>', 'cluster name in the manifest')
    .argument('<account>', 'service account, namespace/service')
    .argument('[tokens...]', 'token names as the cluster lists them (a rotating token\'s name: all its generations)')
    .option('-f, --file <paths...>', 'manifest files or folders (default: ./escred.yaml)')
    .option('--all', 'every index token of the account whose value escred\'s secret sink holds')
    .option('--include-protected', 'a protected token may be revoked too (shown in the plan)')
    .option('--reason <text>', 'why: shown in the plan and written on every audit log line of the run')
    .option('--auto-approve', 'do not ask for confirmation (required when not on a terminal)')
    .option('--concurrency <n>', 'calls in flight', (v) => parseCountAtLeastOne(v, '--concurrency'), 4)
    .option('--audit-log <file>', 'JSON lines, one per create/delete call (default: <state dir>/audit.log)')
    .option('--state-dir <dir>', 'apply journal and audit log (default: .escred next to the first manifest)')
    .option('--output <format>', 'human or json', 'human')
    .option('--no-color', 'no colours even on a terminal')
    .addOption(timeoutOption())
    .addOption(leaseWaitOption())
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

import { Option, type Command } from 'commander';
import type { ForcedRotation } from '../../plan/build-plan.js';
import type { Revocation } from '../../plan/plan-revocations.js';
import { addFileTokensOptions, SCOPE_CLUSTER, type FileTokensCliOptions } from '../file-tokens-options.js';
import { parseCountAtLeastOne, parsePositiveInteger } from '../terminal.js';
import { addTimeoutOption, type TimeoutCliOptions } from './timeout-option.js';
import { leaseWaitOption, type LeaseWaitCliOptions } from './lease-wait-option.js';
import { addScopeOptions, type ScopeCliOptions } from './scope-options.js';

export interface ApplyCommandOptions extends FileTokensCliOptions, TimeoutCliOptions, ScopeCliOptions, LeaseWaitCliOptions {
  /** seconds to wait until every declared node reports its file tokens */
  wait?: number | true;
  autoApprove?: boolean;
  /** calls in flight at once, across clusters: `--parallelism` (or its old name `--concurrency`) */
  concurrency: number;
  parallelism?: number;
  maxDeletions?: number;
  auditLog?: string;
  stateDir?: string;
  output: 'human' | 'json';
  color: boolean;
  showSecrets?: boolean;
  /** set by `escred rotate` */
  forcedRotations?: ForcedRotation[];
  /** set by `escred revoke` */
  revocations?: Revocation[];
  /** `escred revoke --reason`: on every audit log line */
  auditReason?: string;
}

/** Terraform's -parallelism default: 10 calls at once. */
export const DEFAULT_PARALLELISM = 10;

export function registerApplyCommand(program: Command): void {
  const command = program
    .command('apply')
    .description('Create and delete index tokens so the clusters match the manifest; every new secret goes to the secret sink first.')
    .argument('[paths...]', 'manifest files or folders (default: ./escred.yaml), or one plan file saved by `escred plan --out`')
    .option('--auto-approve', 'do not ask for confirmation (required when not on a terminal)')
    .option('--parallelism <n>', 'calls in flight at once, across every cluster (as Terraform\'s -parallelism)', (v) => parseCountAtLeastOne(v, '--parallelism'), DEFAULT_PARALLELISM)
    .addOption(new Option('--concurrency <n>', 'old name of --parallelism').argParser((v) => parseCountAtLeastOne(v, '--concurrency')).hideHelp())
    .option('--max-deletions <n>', 'allow this many deletions per cluster, overriding the manifest', (v) => parsePositiveInteger(v, '--max-deletions'))
    .option('--audit-log <file>', 'JSON lines, one per create/delete call (default: <state dir>/audit.log)')
    .option('--state-dir <dir>', 'apply journal and audit log (default: .escred next to the first manifest)')
    .option('--output <format>', 'human or json', 'human')
    .option('--show-secrets', 'also print each new token value to stdout, once it is stored in the sink')
    .option('--wait [seconds]', 'after delivering file tokens, wait until every declared node reports them (default 120 s); a node that does not answer is waited for, and at the limit apply fails naming it',
      (v) => parsePositiveInteger(v, '--wait'))
    .option('--no-color', 'no colours even on a terminal');
  addTimeoutOption(command);
  command.addOption(leaseWaitOption());
  addScopeOptions(command);
  addFileTokensOptions(command, SCOPE_CLUSTER)
    .addHelpText('after', [
      '',
      'A saved plan is applied exactly as it was shown, without a question, and refused when a cluster',
      'changed since (stale plan), when another cluster answers at its URL, or when the manifest changed.',
      'Exit codes: 0 applied and the clusters now match; 1 anything failed or still differs.',
    ].join('\n'))
    .action(async (paths: string[], options: ApplyCommandOptions) => {
      const { runApply } = await import('../run-apply.js');
      process.exitCode = await runApply(paths, { ...options, concurrency: options.concurrency ?? options.parallelism ?? DEFAULT_PARALLELISM });
    });
}

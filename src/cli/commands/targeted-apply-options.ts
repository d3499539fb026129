import type { Command } from 'commander';
import { parseCountAtLeastOne } from '../terminal.js';
import { leaseWaitOption } from './lease-wait-option.js';
import { timeoutOption } from './timeout-option.js';

/**
 * The options `rotate` and `revoke` share: both are apply narrowed to named tokens (adapters around
 * the one reconcile pass), so they confirm, write, audit and report as apply does.
 */
export function addTargetedApplyOptions(command: Command): Command {
  return command
    .option('--auto-approve', 'do not ask for confirmation (required when not on a terminal)')
    .option('--concurrency <n>', 'calls in flight at once, across clusters', (v) => parseCountAtLeastOne(v, '--concurrency'), 4)
    .option('--audit-log <file>', 'JSON lines, one per create/delete call (default: <state dir>/audit.log)')
    .option('--state-dir <dir>', 'apply journal and audit log (default: .escred next to the first manifest)')
    .option('--output <format>', 'human or json', 'human')
    .option('--no-color', 'no colours even on a terminal')
    .addOption(timeoutOption())
    .addOption(leaseWaitOption());
}

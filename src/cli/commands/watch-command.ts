import { Option, type Command } from 'commander';
import { parseDuration } from '../../manifest/parse-duration.js';
import type { WatchCommandOptions } from '../command-options.js';
import { addFileTokensOptions } from '../file-tokens-options.js';
import { parseCountAtLeastOne, parsePositiveInteger } from '../terminal.js';
import { timeoutOption } from './timeout-option.js';
import { parseNotifyFormat, parseNotifySpec, type NotifyTargetSpec } from '../../watch/notify-targets.js';

/** A fleet name goes into a document id and into logs: letters, digits, '.', '_', '-'. */
export function parseFleet(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(value)) {
    throw new Error(`--fleet must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit, got '${value}'`);
  }
  return value;
}

/** "300ms", "45s", "5m", "1h30m" -> milliseconds. */
export function parseWatchDuration(value: string, flag: string): number {
  const ms = /^(\d{1,9})ms$/.exec(value);
  const parsed = value === '0' ? 0 : ms ? Number(ms[1]) : parseDuration(value);
  if (parsed === undefined) throw new Error(`${flag} must be a duration such as 300ms, 60s, 5m or 1h, got '${value}'`);
  return parsed;
}

export function registerWatchCommand(program: Command): void {
  const command = program
    .command('watch')
    .description('Run as a daemon: reconcile whenever the manifest changes and on a periodic resync. Reports drift; --apply repairs it.')
    .argument('[paths...]', 'manifest files or folders (default: ./escred.yaml); folders updated by a symlink swap (git-sync, ConfigMap) work')
    .option('--apply', 'repair drift with the same safety rules as escred apply (default: report only)')
    .option('--once', 'run one pass and exit: 0 in sync (or applied cleanly), 2 changes remain (report-only), 1 error')
    .option('--listen <host:port>', '/healthz, /readyz and /metrics; port 0 picks a free port (printed in the first log line)', '127.0.0.1:9464')
    .addOption(durationOption('--resync <duration>', 'periodic full pass that finds out-of-band drift (jitter +-10%); 0 = never', 60_000, '60s'))
    .addOption(durationOption('--debounce <duration>', 'quiet time after a file event before a pass', 300, '300ms'))
    .addOption(durationOption('--shutdown-timeout <duration>', 'on SIGTERM/SIGINT, how long a running pass may take to finish', 30_000, '30s'))
    .option('--concurrency <n>', 'calls in flight per cluster when applying', (v) => parseCountAtLeastOne(v, '--concurrency'), 4)
    .option('--state-dir <dir>', 'apply journal and audit log (default: .escred next to the first manifest)')
    .addOption(timeoutOption())
    .addOption(new Option('--fleet <name>', 'with --apply: the replicas that share the clusters (default: derived from the manifest, so replicas of one manifest are one fleet); a daemon of another fleet holding a lease is a second writer, never a replica').argParser(parseFleet))
    .addOption(new Option('--notify <target>', 'POST a notification on applied changes, new drift (report-only), a failed pass and its recovery; repeatable. [slack=|json=]URL, or [slack=|json=]env:NAME to read a secret webhook URL from the environment')
      .argParser((value: string, previous: NotifyTargetSpec[]) => [...previous, parseNotifySpec(value)]).default([], 'none'))
    .addOption(new Option('--notify-format <format>', 'body for receivers without a slack= or json= prefix: json (schemas/notification.schema.json) or slack (incoming webhook)').argParser(parseNotifyFormat).default('json'));
  addFileTokensOptions(command)
    .addHelpText('after', [
      '',
      'Logs are JSON lines on stdout (time, level, event, cluster, account, token, detail); never a secret.',
      'One pass at a time; events during a pass coalesce into one following pass. Retryable errors (429, 5xx,',
      'connection failures) back off exponentially up to 60 s; an invalid manifest changes nothing and is',
      'reported until an edit fixes it. SIGTERM/SIGINT: stop watching, let a running pass finish, exit 0.',
      'With --apply and --file-tokens-out or --node, file tokens are delivered too, so a service_tokens file',
      'edited by hand on a node is restored.',
      'Notifications are sent off the reconcile path with a 5 s timeout and up to 4 tries (backoff 1 s, 2 s, 4 s);',
      'the same drift or failure is sent once, not on every resync; a receiver that is down delays nothing.',
      'With --apply, several replicas on one manifest share the work: each cluster is written only by the replica',
      "holding its lease (a document in the cluster's lease index, default escred-leases; lease: in the manifest),",
      'renewed every third of its duration (default 15 s); a replica that dies is replaced on its clusters within',
      'the lease duration plus a pass. /readyz, the logs and escred_lease_held{cluster} say which leases it holds.',
    ].join('\n'))
    .action(async (paths: string[], options: WatchCommandOptions) => {
      const { runWatchCommand } = await import('../run-watch-command.js');
      process.exitCode = await runWatchCommand(paths, options);
    });
}

/** Shows the default as written ("60s"), not as the milliseconds it parses to. */
function durationOption(flags: string, description: string, defaultMs: number, shown: string): Option {
  const flag = flags.split(' ')[0] ?? flags;
  return new Option(flags, description).argParser((v: string) => parseWatchDuration(v, flag)).default(defaultMs, shown);
}

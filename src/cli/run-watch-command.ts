import type { WatchCommandOptions } from './command-options.js';
import { fileTokensTarget } from './file-tokens-options.js';
import { errorMessage } from '../errors.js';
import type { FileTokensTarget } from '../reconcile/deliver-pass.js';
import { runWatchPass } from '../watch/run-watch-pass.js';
import { hostname } from 'node:os';
import { Notifier } from '../watch/notify.js';
import { resolveNotifyTargets } from '../watch/notify-targets.js';
import { startWatch } from '../watch/start-watch.js';
import { createWatchLogger } from '../watch/watch-logger.js';
import { WatchMetrics } from '../watch/watch-metrics.js';
import { WatchLeases } from '../watch/watch-leases.js';
import { ConnectionCache } from '../reconcile/connection-cache.js';
import { holderIdOfThisProcess, opaqueIdOf } from '../lease/holder-id.js';
import { hasUnchecked } from '../plan/plan-types.js';
import { uncheckedFileTokens } from '../plan/render-human.js';

/** `escred watch`: returns the exit code. */
export async function runWatchCommand(paths: string[], options: WatchCommandOptions): Promise<number> {
  const write = (line: string) => process.stdout.write(line);
  let fileTokens: FileTokensTarget | undefined;
  try {
    fileTokens = fileTokensTarget(options);
  } catch (error) {
    createWatchLogger({ write })('error', 'start-failed', { detail: errorMessage(error) });
    return 1;
  }
  if (options.once) return runOnce(paths, options, fileTokens, write);
  let watch;
  try {
    watch = await startWatch({
      paths, isApplying: options.apply ?? false, listen: options.listen, resyncMs: options.resync, debounceMs: options.debounce,
      shutdownTimeoutMs: options.shutdownTimeout, concurrency: options.concurrency, write,
      ...(options.timeout !== undefined ? { connection: { timeoutMs: options.timeout } } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(fileTokens ? { fileTokens } : {}), ...(options.fleet ? { fleet: options.fleet } : {}),
      ...(options.notify.length > 0 ? { notify: { targets: resolveNotifyTargets(options.notify, options.notifyFormat, process.env) } } : {}),
    });
  } catch (error) {
    createWatchLogger({ write })('error', 'start-failed', { detail: errorMessage(error) });
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  createWatchLogger({ write })('info', 'signal', { detail: `${signal}: stopping` });
  // a second signal while waiting for the pass means "now": the default handler ends the process
  const isClean = await watch.stop();
  // the pass that overran the time limit still holds sockets open; end it the way a kill would (the
  // apply journal makes that safe: the next run settles what it left)
  if (!isClean) process.exit(1);
  return 0;
}

/** One pass, plan-style exit codes, for CI jobs: 0 in sync or applied cleanly, 2 changes remain (report-only), 1 error. */
async function runOnce(
  paths: string[], options: WatchCommandOptions, fileTokens: FileTokensTarget | undefined, write: (line: string) => void,
): Promise<number> {
  const log = createWatchLogger({ write });
  let notifier: Notifier | undefined;
  try {
    notifier = options.notify.length === 0 ? undefined : new Notifier({
      targets: resolveNotifyTargets(options.notify, options.notifyFormat, process.env), isApplying: options.apply ?? false, host: hostname(), log,
    });
  } catch (error) {
    log('error', 'start-failed', { detail: errorMessage(error) });
    return 1;
  }
  const metrics = new WatchMetrics();
  // --once --apply writes like a replica: only the clusters whose lease it can take now (the others have a writer)
  const holderId = holderIdOfThisProcess();
  const leases = options.apply ? new WatchLeases({
    holderId, host: hostname(), pid: process.pid, log, metrics, ...(notifier ? { notifier } : {}), onAcquired: () => undefined,
    ...(options.fleet ? { fleet: options.fleet } : {}), isOnce: true,
  }) : undefined;
  const connectionCache = new ConnectionCache({ opaqueId: opaqueIdOf(holderId), ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}) });
  const record = await runWatchPass('start', {
    manifestArgs: paths, cwd: process.cwd(), isApplying: options.apply ?? false, concurrency: options.concurrency,
    log, metrics, ...(leases ? { leases } : {}),
    // kept open past the pass, so that the leases can be given back before the connections close
    connectionCache,
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(fileTokens ? { fileTokens } : {}),
  });
  await leases?.stop();
  await connectionCache.close();
  notifier?.passFinished(record);
  await notifier?.settled(); // one pass, then exit: its notifications are sent, or given up after their retries
  if (record.verdict !== 'ok') return 1;
  if (record.unreconciled) return 1; // a cluster it could not hold was not reconciled: never a success (issue 21)
  if (record.plan && hasUnchecked(record.plan)) {
    // as plan does: a node that did not answer is not in sync, so a CI drift job must not pass
    log('error', 'pass-unchecked', { detail: `the pass is incomplete: ${uncheckedFileTokens(record.plan) || 'a cluster could not be checked'}` });
    return 1;
  }
  if (!record.hasRemainingChanges) return 0;
  // with --apply, what is left after the apply is what apply could not do (e.g. file-token drift): an error, as in escred apply
  return options.apply ? 1 : 2;
}

import { hostname } from 'node:os';
import type { ClusterConnectionOptions } from '../cluster/cluster-connection.js';
import { errorMessage } from '../errors.js';
import { ConnectionCache } from '../reconcile/connection-cache.js';
import type { FileTokensTarget } from '../reconcile/deliver-pass.js';
import { startHealthServer, type HealthServer } from './health-server.js';
import { runWatchPass, type WatchPassRecord } from './run-watch-pass.js';
import { StandingWarnings } from './standing-warnings.js';
import type { WatchClock } from './watch-clock.js';
import { createWatchLogger, type WatchLogger } from './watch-logger.js';
import { Notifier, type NotifierOptions } from './notify.js';
import { WatchMetrics } from './watch-metrics.js';
import { watchPaths, type PathWatcher } from './watch-paths.js';
import { WatchScheduler } from './watch-scheduler.js';
import { WatchLeases } from './watch-leases.js';
import { holderIdOfThisProcess, opaqueIdOf } from '../lease/holder-id.js';

export interface WatchOptions {
  /** manifest files or folders; empty = ./escred.yaml */
  paths: readonly string[];
  cwd?: string;
  stateDir?: string;
  /** repair drift (default: report only) */
  isApplying?: boolean;
  /** with isApplying, where file tokens are delivered */
  fileTokens?: FileTokensTarget;
  /** host:port for /healthz, /readyz, /metrics; default 127.0.0.1:9464; port 0 = any free port */
  listen?: string;
  /** false: no HTTP server */
  isServing?: boolean;
  debounceMs?: number;
  resyncMs?: number;
  jitter?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** calls in flight per cluster when applying; default 4 */
  concurrency?: number;
  /** how long stop() waits for a running pass; default 30 s */
  shutdownTimeoutMs?: number;
  connection?: ClusterConnectionOptions;
  /** one JSON line per call; default stdout */
  write?: (line: string) => void;
  clock?: WatchClock;
  /** the lease holder id (and X-Opaque-Id); default one per process. Tests running several replicas in one process set it */
  holderId?: string;
  /** `--fleet`: the replicas that share the clusters (issue 21); default a digest of the manifest */
  fleet?: string;
  /** --notify receivers (applied changes, drift in report-only mode, failed passes), with their retry limits */
  notify?: Omit<NotifierOptions, 'isApplying' | 'host' | 'log'>;
}

export interface RunningWatch {
  /** the health/metrics server, e.g. http://127.0.0.1:9464; '' when not serving */
  url: string;
  metrics: WatchMetrics;
  /** set with --notify: settled() for tests, leaseTakenOver() for the lease work */
  notifier?: Notifier;
  /** with --apply: the clusters whose lease this replica holds now, sorted */
  leasesHeld(): string[];
  /** the last 1000 finished passes, oldest first */
  passes(): readonly WatchPassRecord[];
  /** resolves with the next pass to finish (from now on; earlier ones are in passes()) that matches */
  waitForPass(predicate: (pass: WatchPassRecord) => boolean, timeoutMs?: number): Promise<WatchPassRecord>;
  isReady(): boolean;
  /** stop watching, let a running pass finish (up to shutdownTimeoutMs); false when it did not */
  stop(): Promise<boolean>;
}

/** Recent passes kept for passes() and waitForPass(); a daemon running for months must not grow. */
const PASS_HISTORY = 1000;

/** The daemon, in-process: file watcher -> scheduler -> one pass at a time, and the health server. */
export async function startWatch(options: WatchOptions): Promise<RunningWatch> {
  const cwd = options.cwd ?? process.cwd();
  const log = createWatchLogger({ write: options.write ?? ((line) => process.stdout.write(line)) });
  const metrics = new WatchMetrics();
  const records: WatchPassRecord[] = [];
  const listeners = new Set<(record: WatchPassRecord) => void>();
  /** a pass has succeeded, and the last one could load the manifest */
  let hasSucceeded = false;
  let isManifestLoaded = true;

  const holderId = options.holderId ?? holderIdOfThisProcess();
  // every request says which replica sent it (issue 15): X-Opaque-Id: escred/<holder id>
  const connectionCache = new ConnectionCache({ ...options.connection, opaqueId: opaqueIdOf(holderId) });
  const notifier = options.notify?.targets.length ? new Notifier({ ...options.notify, isApplying: options.isApplying ?? false, host: hostname(), log }) : undefined;
  const leases = options.isApplying ? new WatchLeases({
    holderId, host: hostname(), pid: process.pid, log, metrics, ...(notifier ? { notifier } : {}), ...(options.fleet ? { fleet: options.fleet } : {}),
    onAcquired: () => scheduler.markDirty(),
  }) : undefined;
  const warnings = new StandingWarnings();
  const scheduler = new WatchScheduler(async (trigger) => {
    const record = await runWatchPass(trigger, {
      manifestArgs: options.paths, cwd, isApplying: options.isApplying ?? false, concurrency: options.concurrency ?? 4, log, metrics,
      connectionCache, warnings, ...(leases ? { leases } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.fileTokens ? { fileTokens: options.fileTokens } : {}),
    });
    if (record.verdict === 'ok') hasSucceeded = true;
    isManifestLoaded = record.isManifestUnusable !== true;
    notifier?.passFinished(record); // returns at once: a slow receiver never holds up the next pass
    const { plan: _plan, ...kept } = record; // a plan can be large: the history keeps outcomes only
    records.push(kept);
    if (records.length > PASS_HISTORY) records.splice(0, records.length - PASS_HISTORY);
    for (const listener of listeners) listener(record);
    return record.verdict;
  }, {
    ...pick(options, ['debounceMs', 'resyncMs', 'jitter', 'backoffInitialMs', 'backoffMaxMs']),
    ...(options.clock ? { clock: options.clock } : {}),
  });

  /** ready: a pass succeeded, the manifest loads, and no declared cluster is left unreconciled (issue 21) */
  function isReady(): boolean {
    return hasSucceeded && isManifestLoaded && (leases?.unreconciled().length ?? 0) === 0;
  }
  function notReadyLine(): string {
    return (hasSucceeded ? '' : 'no successful pass yet\n') + (isManifestLoaded ? '' : 'the manifest cannot be loaded: every lease was released\n');
  }

  let server: HealthServer | undefined;
  let watcher: PathWatcher | undefined;
  try {
    if (options.isServing !== false) {
      server = await startHealthServer({
        listen: options.listen ?? '127.0.0.1:9464', isReady, readyDetail: () => notReadyLine() + (leases?.readyLine() ?? ''),
        metrics: () => metrics.metrics(), metricsContentType: metrics.registry.contentType,
      });
    }
    // the first line says where to scrape, so port 0 is usable
    log('info', 'listening', { detail: server ? `health and metrics on ${server.url}` : 'no HTTP server', url: server?.url ?? '', mode: options.isApplying ? 'apply' : 'report-only' });
    watcher = await watchPaths({
      paths: options.paths, cwd,
      onChange: (path) => {
        log('debug', 'file-event', { detail: path });
        scheduler.markDirty();
      },
      onError: (error) => log('warn', 'watch-error', { detail: errorMessage(error) }),
    });
  } catch (error) {
    await server?.close();
    throw error;
  }
  scheduler.start();
  leases?.start();

  return {
    url: server?.url ?? '',
    metrics,
    ...(notifier ? { notifier } : {}),
    passes: () => records,
    leasesHeld: () => leases?.held() ?? [],
    isReady,
    waitForPass: (predicate, timeoutMs = 20_000) => waitFor(records, listeners, predicate, timeoutMs),
    stop: async () => {
      const isFinished = await stopAll({ scheduler, watcher, server, log, shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000 });
      // given back so that another replica takes over at once, not after the lease duration
      if (isFinished) await leases?.stop();
      if (isFinished) await connectionCache.close(); // a pass still running keeps its connections until it ends
      await notifier?.close(); // the last pass's notifications get a few seconds, then are abandoned
      return isFinished;
    },
  };
}

async function stopAll(parts: {
  scheduler: WatchScheduler; watcher: PathWatcher | undefined; server: HealthServer | undefined; log: WatchLogger; shutdownTimeoutMs: number;
}): Promise<boolean> {
  const { scheduler, log } = parts;
  await parts.watcher?.close();
  const wasBusy = scheduler.isBusy();
  log('info', 'stopping', { detail: wasBusy ? `waiting up to ${parts.shutdownTimeoutMs} ms for the running pass` : 'no pass running' });
  let timer: NodeJS.Timeout | undefined;
  const isFinished = await Promise.race([
    scheduler.stop().then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), parts.shutdownTimeoutMs))),
  ]);
  clearTimeout(timer);
  await parts.server?.close();
  log(isFinished ? 'info' : 'error', 'stopped', { detail: isFinished ? 'clean stop' : 'the running pass did not finish in time' });
  return isFinished;
}

function waitFor(
  records: readonly WatchPassRecord[], listeners: Set<(record: WatchPassRecord) => void>,
  predicate: (pass: WatchPassRecord) => boolean, timeoutMs: number,
): Promise<WatchPassRecord> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(listener);
      reject(new Error(`no matching pass within ${timeoutMs} ms (${records.length} passes so far)`));
    }, timeoutMs);
    const listener = (record: WatchPassRecord) => {
      if (!predicate(record)) return;
      clearTimeout(timer);
      listeners.delete(listener);
      resolve(record);
    };
    listeners.add(listener);
  });
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

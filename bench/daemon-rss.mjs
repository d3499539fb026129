/**
 * Daemon memory: the watch daemon's own pass (runWatchPass: reread the manifest, reuse the
 * connections, observe, plan, log, metrics, close), run back to back in-process against an emulator
 * in its own process: 1 cluster, 4 accounts x 5 tokens, no drift. RSS (after a forced GC) after
 * 10,000 passes against after 100 passes (the floor: a warmed-up daemon). Heap is printed too, as
 * RSS also holds memory V8 and glibc keep but do not use.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  ACCOUNTS, PASSWORD, PASSWORD_ENV, clusterEntry, figure, removeDir, seedIndexTokens, startEmulatorProcess, tempDir, tokenNames, writeManifest,
} from './lib.mjs';

// ~400 passes/s on 2 cores with connections kept across passes: the 10,000 take ~30 s.
const PASSES = Number(process.env.ESCRED_BENCH_DAEMON_PASSES ?? 10_000);
const WARM = 100;
// RSS keeps rising for the first couple of thousand passes (V8 and the allocator settling);
// a second figure against this point shows whether it still grows after that.
const SETTLED = Math.min(2_000, Math.floor(PASSES / 2));

if (typeof globalThis.gc !== 'function') {
  // RSS after a full GC is the only comparable figure; re-run this script with --expose-gc.
  const child = spawnSync(process.execPath, ['--expose-gc', import.meta.filename], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { runWatchPass } = await import('../dist/watch/run-watch-pass.js');
const { createWatchLogger } = await import('../dist/watch/watch-logger.js');
const { WatchMetrics } = await import('../dist/watch/watch-metrics.js');
const { ConnectionCache } = await import('../dist/reconcile/connection-cache.js');

const mb = (bytes) => bytes / 1024 / 1024;
function settledMemory() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: mb(rss), heap: mb(heapUsed) };
}

const work = tempDir('daemon');
const accounts = Object.fromEntries(ACCOUNTS.map((p) => [p, tokenNames(5)]));
seedIndexTokens(join(work, 'emulator'), accounts);
const emulator = await startEmulatorProcess({ dataDir: join(work, 'emulator') });
process.env[PASSWORD_ENV] = PASSWORD;
try {
  const manifest = join(work, 'escred.yaml');
  writeManifest(manifest, [clusterEntry('daemon', emulator, accounts)]);
  let lines = 0;
  const options = {
    manifestArgs: [manifest], cwd: work, isApplying: true, concurrency: 4,
    log: createWatchLogger({ write: () => void lines++ }), metrics: new WatchMetrics(),
    connectionCache: new ConnectionCache(), // as startWatch does: connections kept across passes
  };
  let warm;
  let settled;
  const started = performance.now();
  for (let i = 1; i <= PASSES; i++) {
    const record = await runWatchPass('resync', options);
    if (record.result !== 'success') throw new Error(`pass ${i}: ${record.result}`);
    if (i === WARM) warm = settledMemory();
    if (i === SETTLED) settled = settledMemory();
  }
  const seconds = (performance.now() - started) / 1000;
  const after = settledMemory();
  figure(`daemon: RSS after ${PASSES} passes vs after ${WARM}`, after.rss, 'MB', warm.rss);
  figure(`daemon: heap used after ${PASSES} passes vs after ${WARM}`, after.heap, 'MB', warm.heap);
  figure(`daemon: RSS after ${PASSES} passes vs after ${SETTLED}`, after.rss, 'MB', settled.rss);
  console.log(`  (${(PASSES / seconds).toFixed(0)} passes/s, ${lines} log lines)`);
} finally {
  await emulator.stop();
  removeDir(work);
}

#!/usr/bin/env node
/**
 * Watch latency: the time from a manifest save to the change being visible in the cluster, over
 * BENCH_EDITS edits (default 60, at least 50), with `escred watch --apply` running in-process
 * against the emulator (HTTPS, 3 nodes) on loopback. Needs `npm run build` first.
 *
 * One edit: write the manifest with a new owned token `gitops-<i>` in place of the previous one
 * (one create, one prune delete). The clock starts just before the write and stops when the
 * daemon's create call for that token has returned (the `change ... created` log line): from then
 * on the token authenticates and the credentials API lists it. The bench then waits for the pass
 * to end and checks the cluster really has the token before the next edit, so every edit starts
 * from an idle daemon.
 *
 * Floor: the same work without the daemon, in the same run: openPass + planPass + applyPass for
 * the same kind of edit, timed from the start of openPass to the same moment (the create call of
 * the new token has returned), median of BENCH_FLOOR_RUNS (default 15). That is one bare
 * load + observe + plan + create, the least any tool must do. What the daemon adds on top is the
 * file-event latency (chokidar) and the debounce, which is on purpose: BENCH_DEBOUNCE_MS, default
 * 300 ms = the daemon's default, so the ratio shows what a user of the defaults gets.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator } from '../dist/emulator/start-emulator.js';
import { applyPass } from '../dist/reconcile/apply-pass.js';
import { openPass } from '../dist/reconcile/open-pass.js';
import { planPass } from '../dist/reconcile/plan-pass.js';
import { startWatch } from '../dist/watch/start-watch.js';

const EDITS = Math.max(50, Number(process.env.BENCH_EDITS ?? 60));
const FLOOR_RUNS = Number(process.env.BENCH_FLOOR_RUNS ?? 15);
const DEBOUNCE_MS = Number(process.env.BENCH_DEBOUNCE_MS ?? 300);
const ACCOUNT = 'elastic/fleet-server';
const PASSWORD_ENV = 'ESCRED_BENCH_PASSWORD';

const work = mkdtempSync(join(tmpdir(), 'escred-bench-watch-'));
const emulator = await startEmulator({ dataDir: join(work, 'emulator'), port: 0, nodeCount: 3, isTls: true });
const env = { ...process.env, [PASSWORD_ENV]: emulator.superuser.password };
const connection = { env };

function manifestFor(folder, token) {
  writeFileSync(join(folder, 'escred.yaml'), stringify({
    apiVersion: 'escred/v1',
    secrets: { directory: './secrets' },
    clusters: [{
      name: 'bench', url: emulator.url,
      auth: { basic: { username: emulator.superuser.username, password: { env: PASSWORD_ENV } } },
      tls: { caFile: emulator.caFile },
      serviceAccounts: { [ACCOUNT]: { prune: 'owned', owns: `${folder === work ? 'gitops' : 'floor'}-*`, tokens: [{ name: token }] } },
    }],
  }));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function tokensInCluster() {
  const pass = await openPass({ manifestArgs: ['escred.yaml'], cwd: work, isApplying: false, connection });
  try {
    return (await pass.connections.get('bench').getCredentials(ACCOUNT)).indexTokens;
  } finally {
    await pass.close();
  }
}

/** The floor: one bare pass in its own folder (own tokens `floor-*`, so it never touches the daemon's). */
async function measureFloor() {
  const folder = mkdtempSync(join(work, 'floor-'));
  const times = [];
  for (let i = 0; i <= FLOOR_RUNS; i += 1) {
    manifestFor(folder, `floor-${i}`);
    const started = performance.now();
    let visibleAt;
    const pass = await openPass({ manifestArgs: ['escred.yaml'], cwd: folder, isApplying: true, connection });
    try {
      const planned = await planPass(pass, { nowMs: Date.now() });
      await applyPass(pass, planned, {
        concurrency: 4,
        onChange: (entry) => { if (entry.token === `floor-${i}` && entry.outcome === 'created') visibleAt ??= performance.now(); },
      });
    } finally {
      await pass.close();
    }
    if (visibleAt === undefined) throw new Error(`floor run ${i}: the token was not created`);
    if (i > 0) times.push(visibleAt - started); // run 0 warms up connections, JIT and the emulator
  }
  return percentile(times, 50);
}

async function measureWatch() {
  const waiters = new Set();
  const write = (line) => {
    const event = JSON.parse(line);
    for (const waiter of waiters) waiter(event, performance.now());
  };
  const nextEvent = (predicate, timeoutMs = 30_000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiters.delete(waiter); reject(new Error('timed out waiting for the daemon')); }, timeoutMs);
    const waiter = (event, at) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      waiters.delete(waiter);
      resolve(at);
    };
    waiters.add(waiter);
  });
  manifestFor(work, 'gitops-0');
  const firstPass = nextEvent((e) => e.event === 'pass-end');
  const watch = await startWatch({
    paths: ['escred.yaml'], cwd: work, isApplying: true, listen: '127.0.0.1:0', debounceMs: DEBOUNCE_MS, resyncMs: 0, connection, write,
  });
  await firstPass;
  const latencies = [];
  try {
    for (let i = 1; i <= EDITS; i += 1) {
      const token = `gitops-${i}`;
      const visible = nextEvent((e) => e.event === 'change' && e.token === token && e.outcome === 'created');
      const passEnd = nextEvent((e) => e.event === 'pass-end');
      const saved = performance.now();
      manifestFor(work, token);
      latencies.push((await visible) - saved);
      await passEnd;
      if (!(await tokensInCluster()).includes(token)) throw new Error(`edit ${i}: ${token} is not in the cluster`);
      await sleep(20); // two saves in one millisecond have one mtime; real edits are further apart
    }
  } finally {
    await watch.stop();
  }
  return latencies;
}

try {
  const floor = await measureFloor();
  const latencies = await measureWatch();
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  if (process.env.BENCH_VERBOSE) console.log([...latencies].sort((a, b) => a - b).map((l) => l.toFixed(0)).join(" "));
  const fmt = (ms) => ms.toFixed(1);
  console.log(`watch save-to-visible p50: ${fmt(p50)} ms (floor: ${fmt(floor)} ms, ratio: ${(p50 / floor).toFixed(2)})`);
  console.log(`watch save-to-visible p95: ${fmt(p95)} ms (floor: ${fmt(floor)} ms, ratio: ${(p95 / floor).toFixed(2)})`);
  console.log(`  ${latencies.length} edits, debounce ${DEBOUNCE_MS} ms (in both figures; without it p50 would be about ${fmt(Math.max(0, p50 - DEBOUNCE_MS))} ms)`);
} finally {
  await emulator.stop();
  rmSync(work, { recursive: true, force: true });
}

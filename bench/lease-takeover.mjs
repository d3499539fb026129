#!/usr/bin/env node
/**
 * Leases (issue 15), with `escred watch --apply` daemons as child processes against the emulator
 * (its own process, HTTPS). Needs `npm run build` first.
 *
 * 1. Takeover after SIGKILL: two daemons on a one-cluster manifest with a lease of BENCH_LEASE_MS
 *    (default 1500 ms). The holder (read from the lease document) is killed; the clock runs from
 *    the kill until the lease document names the other daemon. BENCH_TAKEOVERS (at least 20)
 *    times, the killed one restarted each time. Floor: the lease duration itself, since a contender
 *    must see the record unrenewed for that long by its own clock before it may take over.
 * 2. Pass time with BENCH_CLUSTERS (default 300) clusters (default 15 s lease, in sync, one token
 *    each), with 1 replica and with 3: the median duration of resync passes once the leases have
 *    spread. Floors: for 1 replica, the same passes with lease: off (what the leases cost); for 3,
 *    the 1-replica pass divided by 3 (a perfect split).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { request } from 'undici';
import { CLI, figure, median, PASSWORD, PASSWORD_ENV, removeDir, seedIndexTokens, standInEntry, standInUuid, startEmulatorProcess, tempDir, writeManifest } from './lib.mjs';

const TAKEOVERS = Math.max(20, Number(process.env.BENCH_TAKEOVERS ?? 20));
const LEASE_MS = Number(process.env.BENCH_LEASE_MS ?? 1_500);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 300);
const FLEET = 'elastic/fleet-server';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** a daemon; `events` are its parsed log lines */
function startDaemon(work, manifest, index, args = []) {
  const child = spawn(process.execPath, [CLI, 'watch', manifest, '--apply', '--listen', '127.0.0.1:0', '--state-dir', join(work, `state-${index}`), ...args],
    { cwd: work, env: { ...process.env, [PASSWORD_ENV]: PASSWORD }, stdio: ['ignore', 'pipe', 'inherit'] });
  const daemon = { child, index, events: [] };
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) if (line.startsWith('{')) daemon.events.push(JSON.parse(line));
  });
  return daemon;
}

async function until(condition, what, limitMs = 120_000) {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

async function kill(daemon) {
  if (daemon.child.exitCode !== null || daemon.child.signalCode !== null) return;
  const exited = new Promise((resolve) => daemon.child.once('exit', resolve));
  daemon.child.kill('SIGKILL');
  await exited;
}

/** the holder of the cluster's lease, keyed by its (stand-in) cluster UUID since issue 21 */
async function leaseHolder(emulator, cluster) {
  const response = await request(`${emulator.url}/escred-leases/_doc/${standInUuid(emulator.uuid, cluster)}`, { dispatcher: emulator.dispatcher, headers: { authorization: emulator.authorization } });
  const body = await response.body.json();
  return body.found ? body._source.holderId : '';
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)];

async function benchTakeover() {
  const work = tempDir('lease-takeover');
  const emulator = await startEmulatorProcess({ dataDir: join(work, 'emulator'), nodes: 1 });
  try {
    const manifest = join(work, 'escred.yaml');
    writeManifest(manifest, [standInEntry('solo', emulator, { [FLEET]: ['gitops-a'] }, { lease: { duration: `${LEASE_MS}ms` } })]);
    const daemons = [startDaemon(work, manifest, 0, ['--resync', '60s']), startDaemon(work, manifest, 1, ['--resync', '60s'])];
    await until(async () => (await leaseHolder(emulator, 'solo')) !== '', 'the first holder');
    const takeovers = [];
    for (let i = 0; i < TAKEOVERS; i += 1) {
      const holder = await leaseHolder(emulator, 'solo');
      const pid = Number(holder.split('-').at(-2));
      const victim = daemons.find((d) => d.child.pid === pid);
      if (!victim) throw new Error(`holder ${holder} is none of the daemons`);
      const killedAt = performance.now();
      await kill(victim);
      await until(async () => {
        const now = await leaseHolder(emulator, 'solo');
        return now !== '' && now !== holder;
      }, 'a takeover');
      takeovers.push(performance.now() - killedAt);
      daemons[victim.index] = startDaemon(work, manifest, victim.index, ['--resync', '60s']);
      await until(() => daemons[victim.index].events.some((e) => e.event === 'pass-end'), 'the restarted daemon');
    }
    figure(`lease takeover after SIGKILL of the holder, p50 of ${TAKEOVERS}`, percentile(takeovers, 50), 'ms', LEASE_MS);
    figure(`lease takeover after SIGKILL of the holder, p95 of ${TAKEOVERS}`, percentile(takeovers, 95), 'ms', LEASE_MS);
    for (const d of daemons) await kill(d);
  } finally {
    await emulator.stop();
    removeDir(work);
  }
}

/** median resync pass time (ms) of `replicas` daemons once every lease is held by its fair share */
async function passTime(replicas, { isLeaseOff = false } = {}) {
  const work = tempDir('lease-passes');
  const names = Array.from({ length: CLUSTERS }, (_, i) => `c${String(i).padStart(3, '0')}`);
  // in sync from the start: each cluster's token exists (seeded); no write, the passes only observe and plan
  seedIndexTokens(join(work, 'emulator'), { [FLEET]: names.map((n) => `gitops-${n}`) });
  const emulator = await startEmulatorProcess({ dataDir: join(work, 'emulator'), nodes: 1 });
  try {
    const manifest = join(work, 'escred.yaml');
    writeManifest(manifest, names.map((n) => standInEntry(n, emulator, { [FLEET]: [`gitops-${n}`] }, isLeaseOff ? { lease: 'off' } : {})));
    const daemons = Array.from({ length: replicas }, (_, i) => startDaemon(work, manifest, i, ['--resync', '3s']));
    const share = Math.ceil(CLUSTERS / replicas);
    const heldOf = (d) => {
      const line = d.events.filter((e) => e.event === 'leases-held').at(-1)?.detail ?? '';
      return Number(/^holding (\d+) of/.exec(line)?.[1] ?? 0);
    };
    if (!isLeaseOff) await until(() => daemons.every((d) => heldOf(d) <= share) && daemons.reduce((n, d) => n + heldOf(d), 0) === CLUSTERS, 'the leases to spread', 300_000);
    const from = daemons.map((d) => d.events.length);
    await until(() => daemons.every((d, i) => d.events.slice(from[i]).filter((e) => e.event === 'pass-end' && e.trigger === 'resync').length >= 3), 'three resync passes', 300_000);
    const durations = daemons.flatMap((d, i) => d.events.slice(from[i]).filter((e) => e.event === 'pass-end' && e.trigger === 'resync').map((e) => e.durationMs));
    for (const d of daemons) await kill(d);
    return median(durations);
  } finally {
    await emulator.stop();
    removeDir(work);
  }
}

// BENCH_ONLY=takeover or BENCH_ONLY=passes runs one half
const only = process.env.BENCH_ONLY;
if (only !== 'passes') await benchTakeover();
if (only !== 'takeover') {
  // the floor of one replica: the same passes without leases
  const unleased = await passTime(1, { isLeaseOff: true });
  const one = await passTime(1);
  figure(`pass time, ${CLUSTERS} clusters, 1 replica (holds all; floor: lease: off)`, one, 'ms', unleased);
  const three = await passTime(3);
  figure(`pass time, ${CLUSTERS} clusters, 3 replicas (each its share)`, three, 'ms', one / 3);
}

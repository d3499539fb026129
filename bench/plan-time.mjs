/**
 * Plan time for 50 clusters against a bare-undici floor, both against the same emulator (its own
 * process, 20 ms injected latency on every response). The 50 clusters are one emulator addressed
 * as 50 manifest entries (each pinned to its UUID); escred still opens one connection pool per
 * cluster, and so does the floor.
 *
 * escred: openPass + planPass + renderHumanPlan, in-process (manifest load, sink listing, observe,
 * buildPlan, rendering). Floor: the best bare strategy for the calls a plan needs (issue 16), not
 * escred's own: P = 10 clusters at a time, per cluster GET / and then its 4 credentials GETs all at
 * once (two round trips), one undici Agent per cluster with the CA, bodies parsed as JSON; so about
 * ceil(50 / 10) = 5 waves of two round trips. Median of 5 runs each, interleaved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { Agent, request } from 'undici';
import {
  ACCOUNTS, CLI, PASSWORD, PASSWORD_ENV, standInEntry, figure, mapConcurrent, median, removeDir, runProcess, seedIndexTokens,
  startEmulatorProcess, tempDir, tokenNames, writeManifest,
} from './lib.mjs';

const { openPass } = await import('../dist/reconcile/open-pass.js');
const { planPass } = await import('../dist/reconcile/plan-pass.js');
const { renderHumanPlan } = await import('../dist/plan/render-human.js');

const CLUSTERS = 50;
const TOKENS = 25;
const LATENCY_MS = 20;
const RUNS = 5;
const PARALLELISM = 10;
const work = tempDir('plan');
const dataDir = join(work, 'emulator');
const accounts = Object.fromEntries(ACCOUNTS.map((p) => [p, tokenNames(TOKENS)]));
seedIndexTokens(dataDir, accounts);
const emulator = await startEmulatorProcess({ dataDir, latencyMs: LATENCY_MS });
process.env[PASSWORD_ENV] = PASSWORD;
try {
  const manifest = join(work, 'escred.yaml');
  writeManifest(manifest, Array.from({ length: CLUSTERS }, (_, i) => standInEntry(`cluster-${String(i).padStart(2, '0')}`, emulator, accounts)));
  // one secure context per run, shared by every socket: the cheapest TLS set-up a bare client can have
  const secureContext = createSecureContext({ ca: readFileSync(emulator.caFile) });

  const openMs = [];
  const closeMs = [];
  const escredRun = async () => {
    const started = performance.now();
    const pass = await openPass({ manifestArgs: [manifest], cwd: work, isApplying: false });
    openMs.push(performance.now() - started);
    try {
      const { plan } = await planPass(pass, { nowMs: Date.now() });
      if (plan.summary.errors > 0 || plan.clusters.some((c) => c.actions.length > 0)) throw new Error('expected a clean plan');
      renderHumanPlan(plan, { isColor: false });
    } finally {
      const closing = performance.now();
      await pass.close();
      closeMs.push(performance.now() - closing);
    }
    return performance.now() - started;
  };

  const floorRun = async () => {
    const started = performance.now();
    await mapConcurrent(Array.from({ length: CLUSTERS }), PARALLELISM, async () => {
      const agent = new Agent({ connect: { secureContext }, connections: 8 });
      const get = async (path) => {
        const response = await request(emulator.url + path, { dispatcher: agent, headers: { authorization: emulator.authorization } });
        const body = await response.body.json();
        if (response.statusCode !== 200) throw new Error(`${path}: ${response.statusCode}`);
        return body;
      };
      try {
        await get('/');
        await Promise.all(ACCOUNTS.map((p) => get(`/_security/service/${p}/credential`)));
      } finally {
        await agent.close();
      }
    });
    return performance.now() - started;
  };

  await escredRun(); // warm-up: module loading and JIT are not what this figure is about
  await floorRun();
  const escred = [];
  const floor = [];
  for (let i = 0; i < RUNS; i++) {
    escred.push(await escredRun());
    floor.push(await floorRun());
  }
  figure(`plan time: ${CLUSTERS} clusters x ${ACCOUNTS.length} accounts, ${LATENCY_MS} ms latency, in-process`, median(escred), 'ms', median(floor));
  console.log(`  (of which openPass ${median(openMs).toFixed(0)} ms: reading the ${CLUSTERS * ACCOUNTS.length * TOKENS}-token manifest, which the floor does not do;` +
    ` closing the ${CLUSTERS} connection pools at the end ${median(closeMs).toFixed(0)} ms, which the floor does per cluster within its waves)`);

  // the same plan as a user runs it: a whole CLI process, against a bare undici client process making
  // the same calls with the best strategy (plan-floor-child.mjs: node start-up, undici's load, the calls)
  const cli = [];
  const bare = [];
  for (let i = 0; i < 3; i++) {
    const result = await runProcess([CLI, 'plan', manifest], { cwd: work });
    if (result.code !== 0) throw new Error(`plan exited ${result.code}: ${result.stderr}`);
    cli.push(result.ms);
    const floorProcess = await runProcess([join(import.meta.dirname, 'plan-floor-child.mjs'), emulator.url, emulator.caFile, emulator.authorization, String(CLUSTERS), ...ACCOUNTS]);
    if (floorProcess.code !== 0) throw new Error(`the floor process exited ${floorProcess.code}: ${floorProcess.stderr}`);
    bare.push(floorProcess.ms);
  }
  figure(`plan time: same, whole \`escred plan\` process`, median(cli), 'ms', median(bare));
} finally {
  await emulator.stop();
  removeDir(work);
}

/**
 * API economy: requests the real `escred plan` (whole CLI process) sends for 2 clusters x 4
 * accounts x 250 tokens, as counted by each emulator, against the minimum: one credentials GET per
 * account plus one GET per cluster (GET /, which pins the cluster UUID and version).
 */
import { join } from 'node:path';
import {
  ACCOUNTS, CLI, clusterEntry, figure, removeDir, runProcess, seedIndexTokens, startEmulatorProcess, tempDir, tokenNames, writeManifest,
} from './lib.mjs';

const TOKENS = 250;
const work = tempDir('economy');
const emulators = [];
try {
  const accounts = Object.fromEntries(ACCOUNTS.map((p) => [p, tokenNames(TOKENS)]));
  for (const name of ['a', 'b']) {
    const dataDir = join(work, `emulator-${name}`);
    seedIndexTokens(dataDir, accounts);
    emulators.push(await startEmulatorProcess({ dataDir }));
  }
  const manifest = join(work, 'escred.yaml');
  writeManifest(manifest, emulators.map((e, i) => clusterEntry(`cluster-${i}`, e, accounts)));
  for (const e of emulators) await e.resetCounters();
  const plan = await runProcess([CLI, 'plan', '--detailed-exitcode', manifest], { cwd: work });
  // 0 = no changes: the observation saw all 2,000 tokens, so the count is for a complete plan
  if (plan.code !== 0) throw new Error(`plan exited ${plan.code}: ${plan.stderr || plan.stdout.slice(0, 2000)}`);
  const counts = await Promise.all(emulators.map((e) => e.counters()));
  const total = counts.reduce((sum, c) => sum + (c.total ?? 0), 0);
  const minimum = emulators.length * (ACCOUNTS.length + 1);
  figure(`api economy: requests for plan, ${emulators.length} clusters x ${ACCOUNTS.length} accounts x ${TOKENS} tokens`, total, 'requests', minimum);
  const routes = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) if (k !== 'total') routes[k] = (routes[k] ?? 0) + v;
  console.log(`  (requests by route: ${Object.entries(routes).map(([k, v]) => `${k} x${v}`).join('; ')})`);
} finally {
  await Promise.all(emulators.map((e) => e.stop()));
  removeDir(work);
}

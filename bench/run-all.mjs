/**
 * `npm run bench`: every bench script in its own process, in sequence (they would disturb each
 * other's timings in parallel). Prints each figure line as the scripts print them; exits non-zero
 * when any script crashes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

const SCRIPTS = [
  'api-economy.mjs', 'plan-time.mjs', 'apply-throughput.mjs', 'startup.mjs', 'scale.mjs', 'daemon-rss.mjs', 'file-tokens.mjs',
  // written by the watch work; run when present
  'watch-latency.mjs',
  // leases (issue 15): takeover after SIGKILL, pass time with 1 and 3 replicas
  'lease-takeover.mjs',
  // user-managed accounts (issue 22): listing 10,000 through the query API's pages
  'user-managed-listing.mjs',
];

console.log(`escred benchmarks: node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'})`);
const failed = [];
const started = performance.now();
for (const script of SCRIPTS) {
  const path = join(import.meta.dirname, script);
  if (!existsSync(path)) {
    console.log(`(${script}: not present, skipped)`);
    continue;
  }
  const t = performance.now();
  const result = spawnSync(process.execPath, [path], { stdio: 'inherit' });
  const seconds = ((performance.now() - t) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed.push(script);
    console.error(`${script} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s`);
  }
}
console.log(`(all benches: ${((performance.now() - started) / 1000).toFixed(0)} s)`);
if (failed.length > 0) {
  console.error(`failed: ${failed.join(', ')}`);
  process.exit(1);
}

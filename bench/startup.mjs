/**
 * Start-up: whole processes, wall time from spawn to exit, median of 15 runs each, interleaved:
 * `escred --version` and `escred validate examples/quickstart.yaml` against `node -e 0`. dist/cli/main.js
 * is the esbuild bundle (scripts/bundle-cli.mjs), as the bin is.
 */
import { CLI, figure, median, runProcess } from './lib.mjs';

const RUNS = 15;
const commands = {
  node: ['-e', '0'],
  version: [CLI, '--version'],
  validate: [CLI, 'validate', 'examples/quickstart.yaml'],
};
const times = { node: [], version: [], validate: [] };
for (const args of Object.values(commands)) await runProcess(args); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const result = await runProcess(args);
    if (result.code !== 0) throw new Error(`${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    times[name].push(result.ms);
  }
}
const node = median(times.node);
figure('start-up: escred --version, whole process', median(times.version), 'ms', node);
figure('start-up: escred validate examples/quickstart.yaml, whole process', median(times.validate), 'ms', node);
console.log(`  (over bare node: --version ${(median(times.version) - node).toFixed(0)} ms, validate ${(median(times.validate) - node).toFixed(0)} ms; goal: within 50 ms)`);
